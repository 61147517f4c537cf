"""Readers for each supported article format.

``read_articles(path)`` turns one file into :class:`Article` records:

- ``.txt``   plain text; the first non-empty line is the headline when it is short
             and carries no sentence punctuation, otherwise the article has no title;
- ``.md``    Markdown with optional YAML front matter (``---`` fenced); a leading
             ``# Heading`` is the title when the front matter gives none;
- ``.html``  a saved web page; the main text and metadata are extracted with
             trafilatura (boilerplate such as menus and footers is dropped);
- ``.jsonl`` one article per line: ``text`` (or ``body``) plus metadata fields; a
             bad line is reported and the file's other lines are kept.

Metadata from a sidecar ``<file>.meta.yaml`` overrides what the file itself says.
Every problem is an :class:`ArticleError` naming the file (and line).

Hostile input is expected: YAML aliases (the "billion laughs" bomb) and oversized
metadata are refused, NUL characters are removed, UTF-16/32 files with a byte order
mark are decoded, and symbolic links out of a corpus folder are not followed.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import yaml

from sitrep.config import display_path
from sitrep.ingest.errors import ArticleError
from sitrep.ingest.metadata import Article, ArticleMeta, article_id, validate_meta

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl")
SIDECAR_SUFFIX = ".meta.yaml"
MAX_TITLE_WORDS = 16
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(\r?\n|\Z)", re.S)
MAX_METADATA_CHARS = 64 * 1024  # front matter or sidecar; real metadata is a few hundred characters
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class _MetadataLoader(yaml.SafeLoader):
    """YAML without implicit timestamps (dates stay text and are validated, with a
    clear message, by the metadata model) and without aliases: ``*name`` is refused
    where it appears, so an alias bomb ("billion laughs") never expands."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, f"YAML aliases (*{event.anchor}) are not allowed in metadata",
                                              event.start_mark)
        return super().compose_node(parent, index)


_MetadataLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_metadata_yaml(text: str):
    return load_metadata_with_lines(text)[0]


def load_metadata_with_lines(text: str) -> tuple[object, dict[str, int]]:
    """(data, {top-level key: 1-based line}) of a YAML metadata block.

    Raises ``yaml.YAMLError`` for malformed YAML and aliases, ``ValueError`` for a
    block over ``MAX_METADATA_CHARS`` or nested too deeply."""
    if len(text) > MAX_METADATA_CHARS:
        raise ValueError(f"metadata too long ({len(text):,} characters, at most {MAX_METADATA_CHARS:,})")
    loader = _MetadataLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except RecursionError:
        raise ValueError("metadata nested too deeply") from None
    finally:
        loader.dispose()
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, _value in node.value:
            if isinstance(key, yaml.ScalarNode):
                lines.setdefault(key.value, key.start_mark.line + 1)
    return data, lines


def discover_files(paths: Iterable[Path | str], problems: list[ArticleError] | None = None) -> list[Path]:
    """Article files under the given files/folders, sorted, sidecars excluded.

    A path that does not exist is an :class:`ArticleError`; a file given explicitly
    with an unsupported suffix is one too (inside folders such files are ignored).
    Symbolic links are not followed out of the folder they are in: such a link is
    refused with an :class:`ArticleError` naming it, appended to ``problems`` (or
    raised when no list is given) while the other files are still found.
    """
    found: set[Path] = set()

    def refuse(err: ArticleError) -> None:
        if problems is None:
            raise err
        problems.append(err)

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            root = path.resolve()
            for folder, dirs, files in os.walk(path, followlinks=False):
                dirs.sort()
                here = Path(folder)
                for name in dirs:
                    child = here / name
                    if child.is_symlink() and not _inside(child, root):
                        refuse(ArticleError(_link_name(child), "symbolic link to a folder outside the corpus folder: not followed"))
                for name in sorted(files):
                    child = here / name
                    if not _is_article_file(child):
                        continue
                    if child.is_symlink() and not _inside(child, root):
                        refuse(ArticleError(_link_name(child), "symbolic link to a file outside the corpus folder: refused "
                                                                "(copy the file into the folder to ingest it)"))
                    elif child.is_file():
                        found.add(child)
        elif path.is_file():
            if not _is_article_file(path):
                raise ArticleError(display_path(path), f"unsupported file type (expected one of {', '.join(SUPPORTED_SUFFIXES)})")
            if path.is_symlink() and not _inside(path, path.absolute().parent.resolve()):
                refuse(ArticleError(_link_name(path), "symbolic link to a file outside its folder: refused (give the file itself)"))
                continue
            found.add(path)
        else:
            raise ArticleError(display_path(path), "no such file or folder")
    return sorted(found, key=lambda p: p.as_posix())


def _inside(link: Path, root: Path) -> bool:
    """Whether ``link`` (followed to its end, even a missing one) lies under ``root``."""
    try:
        target = link.resolve()
    except (OSError, RuntimeError):  # a loop of links
        return False
    return target == root or root in target.parents


def _link_name(link: Path) -> str:
    """A link as the user sees it (its own name, not its target's)."""
    return f"{display_path(link.absolute().parent)}/{link.name}"


def _is_article_file(path: Path) -> bool:
    name = path.name.lower()
    return not name.endswith(SIDECAR_SUFFIX) and not name.startswith(".") and path.suffix.lower() in SUPPORTED_SUFFIXES


def read_articles(path: Path, problems: list[ArticleError] | None = None) -> list[Article]:
    """The articles held by one file (one, or one per JSONL line).

    A bad JSONL line is an :class:`ArticleError` naming the line: with a
    ``problems`` list it is appended there and the file's good lines are returned;
    without one it is raised (the whole file is refused).
    """
    shown = display_path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ArticleError(shown, f"cannot read file: {err.strerror or err}") from None
    file_sha = hashlib.sha256(data).hexdigest()
    text, warnings = decode_text(data, shown)
    suffix = path.suffix.lower()
    sidecar, where = _read_sidecar(path)
    if suffix == ".jsonl":
        return list(_read_jsonl(text, shown, file_sha, sidecar, warnings, problems))
    if suffix in (".html", ".htm"):
        body, meta = _read_html(text, shown)
        fmt = "html"
    elif suffix == ".md":
        body, meta, lines = _read_markdown(text, shown)
        where = {k: (shown, n) for k, n in lines.items()} | where
        fmt = "md"
    else:
        body, meta = _read_txt(text)
        fmt = "txt"
    if sidecar:
        merged = meta | {k: v for k, v in sidecar.items()}
        meta = merged
    if not body.strip():
        raise ArticleError(shown, "no article text (the file holds only a title or metadata)")
    checked = validate_meta(meta, shown if not sidecar else f"{shown} (+{SIDECAR_SUFFIX})", warnings=warnings, where=where)
    return [
        Article(
            id=article_id(body),
            path=shown,
            text=body,
            meta=checked,
            file_sha256=file_sha,
            format=fmt,
            warnings=tuple(warnings),
        )
    ]


def decode_text(data: bytes, shown: str) -> tuple[str, list[str]]:
    """File bytes as text: UTF-8 (a BOM is dropped), UTF-16 or UTF-32 when a byte
    order mark says so, else Windows-1252 with a warning. Line ends become ``\\n``
    and NUL characters are removed (with a warning).

    Empty and binary files are errors.
    """
    if not data.strip():
        raise ArticleError(shown, "empty file")
    warnings: list[str] = []
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    if encoding in ("utf-16", "utf-32"):
        text = data.decode(encoding, errors="replace")
        if "\ufffd" in text:
            warnings.append(f"{shown}: invalid {encoding.upper()} sequences replaced by U+FFFD")
    else:
        sample = data[:8192]
        if sample.count(0) > max(2, len(sample) // 100):
            raise ArticleError(shown, "binary file (contains NUL bytes), not text")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
            warnings.append(f"{shown}: not valid UTF-8 (byte {err.start}); read as Windows-1252/Latin-1")
    if not text.strip():
        raise ArticleError(shown, "empty file")
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > max(8, len(text[:8192]) // 100):
        raise ArticleError(shown, "binary file (control characters), not text")
    nuls = text.count("\x00")
    if nuls:
        text = text.replace("\x00", "")
        warnings.append(f"{shown}: {nuls} NUL character{'s' if nuls > 1 else ''} removed")
    return text.replace("\r\n", "\n").replace("\r", "\n"), warnings


def _read_sidecar(path: Path) -> tuple[dict, dict[str, tuple[str, int | None]]]:
    """The sidecar's metadata and, for each field, (sidecar, line) for messages."""
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    if not sidecar.is_file():
        return {}, {}
    shown = display_path(sidecar)
    if sidecar.is_symlink() and not _inside(sidecar, path.absolute().parent.resolve()):
        raise ArticleError(_link_name(sidecar), "metadata sidecar is a symbolic link out of the folder: refused")
    try:
        loaded, lines = load_metadata_with_lines(decode_text(sidecar.read_bytes(), shown)[0])
    except ArticleError:
        raise
    except yaml.YAMLError as err:
        raise ArticleError(shown, f"malformed YAML: {_yaml_problem(err)}", _yaml_line(err)) from None
    except ValueError as err:  # too long, too deep, or a bad explicitly tagged value
        raise ArticleError(shown, f"bad metadata: {err}") from None
    except OSError as err:
        raise ArticleError(shown, f"cannot read file: {err.strerror or err}") from None
    if loaded is None:
        return {}, {}
    if not isinstance(loaded, dict):
        raise ArticleError(shown, "metadata sidecar must be a YAML mapping")
    return loaded, {str(k): (shown, n) for k, n in lines.items()}


def _yaml_problem(err: yaml.YAMLError) -> str:
    return getattr(err, "problem", None) or str(err).splitlines()[0]


def _yaml_line(err: yaml.YAMLError, offset: int = 0) -> int | None:
    mark = getattr(err, "problem_mark", None)
    return mark.line + 1 + offset if mark is not None else None


def looks_like_headline(line: str) -> bool:
    """A short line without sentence punctuation at its end (a headline, not a lede)."""
    words = line.split()
    return 0 < len(words) <= MAX_TITLE_WORDS and not re.search(r"[.!?:;,\"”’)]$", line.strip())


def _read_txt(text: str) -> tuple[str, dict]:
    lines = text.split("\n")
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is not None and looks_like_headline(lines[first]) and any(ln.strip() for ln in lines[first + 1 :]):
        return "\n".join(lines[first + 1 :]).strip("\n").rstrip() + "\n", {"title": lines[first].strip()}
    return text.strip("\n").rstrip() + "\n", {}


def _read_markdown(text: str, shown: str) -> tuple[str, dict, dict[str, int]]:
    """(body, metadata, {field: line in the file}) of a Markdown article."""
    meta: dict = {}
    lines_of: dict[str, int] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        try:
            loaded, key_lines = load_metadata_with_lines(match.group(1))
        except yaml.YAMLError as err:
            raise ArticleError(shown, f"malformed front matter: {_yaml_problem(err)}", _yaml_line(err, offset=1)) from None
        except ValueError as err:  # too long, too deep, or a bad explicitly tagged value
            raise ArticleError(shown, f"bad front matter: {err}", 2) from None
        if loaded is not None and not isinstance(loaded, dict):
            raise ArticleError(shown, "front matter must be a YAML mapping", 2)
        meta = loaded or {}
        lines_of = {str(k): n + 1 for k, n in key_lines.items()}  # the front matter starts on line 2
        text = text[match.end() :]
    elif text.lstrip().startswith("---\n"):
        raise ArticleError(shown, "malformed front matter: opening '---' without a closing '---'", 1)
    lines = text.split("\n")
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is not None and re.match(r"#\s+\S", lines[first]):
        heading = lines[first].lstrip("#").strip()
        meta.setdefault("title", heading)
        lines = lines[first + 1 :]
    return "\n".join(lines).strip("\n").rstrip() + "\n", meta, lines_of


def _read_html(text: str, shown: str) -> tuple[str, dict]:
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    doc = trafilatura.bare_extraction(
        text,
        with_metadata=True,
        favor_recall=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if doc is None or not (doc.text or "").strip():
        raise ArticleError(shown, "no article text found in the HTML page")
    body = doc.text.strip()
    lines = body.split("\n")
    if doc.title and lines and lines[0].strip() == doc.title.strip():
        body = "\n".join(lines[1:]).strip()
    meta = {"title": doc.title, "source": doc.sitename, "url": doc.url, "published": doc.date}
    if doc.language:
        meta["language"] = doc.language
    return body + "\n", {k: v for k, v in meta.items() if v}


def _read_jsonl(text: str, shown: str, file_sha: str, sidecar: dict, warnings: list[str],
                problems: list[ArticleError] | None = None) -> Iterator[Article]:
    """Articles of a JSONL file. A bad line is an error naming the line: appended to
    ``problems`` (the other lines are kept), or raised when there is no such list."""
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            yield _jsonl_article(line, number, shown, file_sha, sidecar, warnings)
        except ArticleError as err:
            if problems is None:
                raise
            problems.append(err)


def _jsonl_article(line: str, number: int, shown: str, file_sha: str, sidecar: dict, warnings: list[str]) -> Article:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        raise ArticleError(shown, f"invalid JSON: {err.msg} (column {err.colno})", number) from None
    except RecursionError:
        raise ArticleError(shown, "invalid JSON: nested too deeply", number) from None
    except ValueError as err:  # e.g. a number with too many digits
        raise ArticleError(shown, f"invalid JSON: {(str(err) or 'bad value').splitlines()[0]}", number) from None
    if not isinstance(record, dict):
        raise ArticleError(shown, "each line must be a JSON object", number)
    body = record.get("text") or record.get("body") or ""
    mine = list(warnings)
    if isinstance(body, str) and "\x00" in body:
        mine.append(f"{shown}:{number}: NUL characters removed")
        body = body.replace("\x00", "")
    if not isinstance(body, str) or not body.strip():
        raise ArticleError(shown, "no 'text' field with the article body", number)
    if "published" not in record and "date" in record:
        record["published"] = record["date"]
    if "source" not in record and "outlet" in record:
        record["source"] = record["outlet"]
    fields = {k: record[k] for k in ArticleMeta.model_fields if k in record}
    meta = validate_meta(sidecar | fields, shown, number, warnings=mine)
    body = body.strip() + "\n"
    return Article(
        id=article_id(body), path=shown, line=number, text=body, meta=meta,
        file_sha256=file_sha, format="jsonl", warnings=tuple(mine),
    )
