"""Readers for each supported article format.

``read_articles(path)`` turns one file into :class:`Article` records:

- ``.txt``   plain text; the first non-empty line is the headline when it is short
             and carries no sentence punctuation, otherwise the article has no title;
- ``.md``    Markdown with optional YAML front matter (``---`` fenced); a leading
             ``# Heading`` is the title when the front matter gives none;
- ``.html``  a saved web page; the main text and metadata are extracted with
             trafilatura (boilerplate such as menus and footers is dropped);
- ``.jsonl`` one article per line: ``text`` (or ``body``) plus metadata fields.

Metadata from a sidecar ``<file>.meta.yaml`` overrides what the file itself says.
Every problem is an :class:`ArticleError` naming the file (and line).
"""

from __future__ import annotations

import hashlib
import json
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


class _MetadataLoader(yaml.SafeLoader):
    """YAML without implicit timestamps: dates stay text and are validated (with a
    clear message) by the metadata model, not by PyYAML's constructor."""


_MetadataLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_metadata_yaml(text: str):
    return yaml.load(text, Loader=_MetadataLoader)  # noqa: S506 - a SafeLoader subclass


def discover_files(paths: Iterable[Path | str]) -> list[Path]:
    """Article files under the given files/folders, sorted, sidecars excluded.

    A path that does not exist is an :class:`ArticleError`; a file given explicitly
    with an unsupported suffix is one too (inside folders such files are ignored).
    """
    found: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in path.rglob("*"):
                if child.is_file() and _is_article_file(child):
                    found.add(child)
        elif path.is_file():
            if not _is_article_file(path):
                raise ArticleError(display_path(path), f"unsupported file type (expected one of {', '.join(SUPPORTED_SUFFIXES)})")
            found.add(path)
        else:
            raise ArticleError(display_path(path), "no such file or folder")
    return sorted(found, key=lambda p: p.as_posix())


def _is_article_file(path: Path) -> bool:
    name = path.name.lower()
    return not name.endswith(SIDECAR_SUFFIX) and not name.startswith(".") and path.suffix.lower() in SUPPORTED_SUFFIXES


def read_articles(path: Path) -> list[Article]:
    """The articles held by one file (one, or one per JSONL line)."""
    shown = display_path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ArticleError(shown, f"cannot read file: {err.strerror or err}") from None
    file_sha = hashlib.sha256(data).hexdigest()
    text, warnings = decode_text(data, shown)
    suffix = path.suffix.lower()
    sidecar = _read_sidecar(path)
    if suffix == ".jsonl":
        return list(_read_jsonl(text, shown, file_sha, sidecar, warnings))
    if suffix in (".html", ".htm"):
        body, meta = _read_html(text, shown)
        fmt = "html"
    elif suffix == ".md":
        body, meta = _read_markdown(text, shown)
        fmt = "md"
    else:
        body, meta = _read_txt(text)
        fmt = "txt"
    if sidecar:
        merged = meta | {k: v for k, v in sidecar.items()}
        meta = merged
    if not body.strip():
        raise ArticleError(shown, "no article text (the file holds only a title or metadata)")
    return [
        Article(
            id=article_id(body),
            path=shown,
            text=body,
            meta=validate_meta(meta, shown if not sidecar else f"{shown} (+{SIDECAR_SUFFIX})"),
            file_sha256=file_sha,
            format=fmt,
            warnings=tuple(warnings),
        )
    ]


def decode_text(data: bytes, shown: str) -> tuple[str, list[str]]:
    """File bytes as text: UTF-8 (a BOM is dropped), else Windows-1252 with a warning.

    Empty and binary files are errors.
    """
    if not data.strip():
        raise ArticleError(shown, "empty file")
    if b"\x00" in data[:8192]:
        raise ArticleError(shown, "binary file (contains NUL bytes), not text")
    warnings: list[str] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
        warnings.append(f"{shown}: not valid UTF-8 (byte {err.start}); read as Windows-1252/Latin-1")
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > max(8, len(text[:8192]) // 100):
        raise ArticleError(shown, "binary file (control characters), not text")
    return text.replace("\r\n", "\n").replace("\r", "\n"), warnings


def _read_sidecar(path: Path) -> dict:
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    if not sidecar.is_file():
        return {}
    shown = display_path(sidecar)
    try:
        loaded = load_metadata_yaml(decode_text(sidecar.read_bytes(), shown)[0])
    except yaml.YAMLError as err:
        raise ArticleError(shown, f"malformed YAML: {_yaml_problem(err)}", _yaml_line(err)) from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ArticleError(shown, "metadata sidecar must be a YAML mapping")
    return loaded


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


def _read_markdown(text: str, shown: str) -> tuple[str, dict]:
    meta: dict = {}
    match = _FRONT_MATTER.match(text)
    if match:
        try:
            loaded = load_metadata_yaml(match.group(1))
        except yaml.YAMLError as err:
            raise ArticleError(shown, f"malformed front matter: {_yaml_problem(err)}", _yaml_line(err, offset=1)) from None
        if loaded is not None and not isinstance(loaded, dict):
            raise ArticleError(shown, "front matter must be a YAML mapping", 2)
        meta = loaded or {}
        text = text[match.end() :]
    elif text.lstrip().startswith("---\n"):
        raise ArticleError(shown, "malformed front matter: opening '---' without a closing '---'", 1)
    lines = text.split("\n")
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is not None and re.match(r"#\s+\S", lines[first]):
        heading = lines[first].lstrip("#").strip()
        meta.setdefault("title", heading)
        lines = lines[first + 1 :]
    return "\n".join(lines).strip("\n").rstrip() + "\n", meta


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


def _read_jsonl(text: str, shown: str, file_sha: str, sidecar: dict, warnings: list[str]) -> Iterator[Article]:
    """Articles of a JSONL file. A bad line is an error naming the line, and the
    whole file is skipped so that a half-read file never lands in the store."""
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise ArticleError(shown, f"invalid JSON: {err.msg} (column {err.colno})", number) from None
        if not isinstance(record, dict):
            raise ArticleError(shown, "each line must be a JSON object", number)
        body = record.get("text") or record.get("body") or ""
        if not isinstance(body, str) or not body.strip():
            raise ArticleError(shown, "no 'text' field with the article body", number)
        if "published" not in record and "date" in record:
            record["published"] = record["date"]
        if "source" not in record and "outlet" in record:
            record["source"] = record["outlet"]
        fields = {k: record[k] for k in ArticleMeta.model_fields if k in record}
        meta = validate_meta(sidecar | fields, shown, number)
        body = body.strip() + "\n"
        yield Article(
            id=article_id(body), path=shown, line=number, text=body, meta=meta,
            file_sha256=file_sha, format="jsonl", warnings=tuple(warnings),
        )
