"""The manifest written beside every report: what went in, what came out.

``manifest.json`` holds the resolved parameters, content hashes of every input
(notebook, helper code, reference tables, the article files in the store), the
versions of sitrep and of the packages that shape the output, the git commit if
any, the hashes of the output files, and the cache key ``sitrep batch`` compares
to skip a report whose inputs did not change. Keys are sorted. The only timestamp
is ``built_at`` (UTC), kept out of the report files themselves so that they
rebuild to the same bytes.

The cache key covers everything a report reads: besides the files of the articles
in its window, a digest of the articles dated before the window (they set a
briefing's edition number and its previous edition), of the article metadata and
duplicate flags, of the store's actor table and metadata, the hashes of the imported
event files when a report reads them (``external_events``), and the environment that
shapes the bytes (package versions, Pango, HarfBuzz, fontconfig, font subsetter).
The fonts a PDF embeds are recorded with their hashes and checked by file.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import subprocess
from importlib import metadata
from pathlib import Path

from sitrep import __version__
from sitrep import editions
from sitrep.config import PACKAGE_DIR, PROJ_ROOT, REFERENCE_DIR, display_path

OUTPUT_PACKAGES = (
    "altair", "beautifulsoup4", "cssselect2", "duckdb", "fonttools", "ipykernel", "jinja2", "jupyter_client",
    "nbclient", "nbconvert", "nbformat", "pandas", "papermill", "pydantic", "pydyf", "pyphen", "spacy", "tinycss2",
    "vl-convert-python", "weasyprint",
)


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _stamp(paths: list[Path]) -> tuple:
    """What identifies a set of files cheaply (names, sizes, modification times)."""
    return tuple((str(p), st.st_size, st.st_mtime_ns) for p in paths for st in [p.stat()])


@functools.lru_cache(maxsize=4)
def _code_digest(stamp: tuple) -> str:
    h = hashlib.sha256()
    for name, _, _ in stamp:
        path = Path(name)
        h.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def code_digest() -> str:
    """One hash over the source of the sitrep package (helpers, templates, CSS);
    recomputed only when a file's size or modification time changed."""
    files = sorted(p for p in PACKAGE_DIR.rglob("*") if p.is_file() and p.suffix in {".py", ".j2", ".css", ".js"})
    return _code_digest(_stamp(files))


@functools.lru_cache(maxsize=4)
def _reference_hashes(stamp: tuple) -> dict[str, str]:
    return {display_path(Path(name)): file_sha256(Path(name)) for name, _, _ in stamp}


def reference_hashes() -> dict[str, str]:
    if not REFERENCE_DIR.is_dir():
        return {}
    return dict(_reference_hashes(_stamp(sorted(p for p in REFERENCE_DIR.rglob("*") if p.is_file()))))


def store_inputs(store: Path, start=None, end=None) -> dict[str, str]:
    """``{path[:line]: sha256}`` of the article files a report reads from the store:
    those published in the window (undated ones only when there is no window)."""
    return _store_digests(Path(store), start, end)["articles"] if Path(store).is_file() else {}


def _digest(rows) -> str:
    return hashlib.sha256(json.dumps(rows, default=str, ensure_ascii=False).encode()).hexdigest()


def _store_digests(store: Path, start=None, end=None) -> dict:
    """The files in the window and what else a report reads from the store (see the
    module docstring), in one read-only connection."""
    from sitrep.store import connect

    window, args = "TRUE", []
    if start or end:
        window = " AND ".join(["a.published IS NOT NULL"] + (["a.published >= ?"] if start else []) + (["a.published <= ?"] if end else []))
        args = [d for d in (start, end) if d]
    # the articles a report can see: its window and everything dated before it
    scope, scope_args = ("a.published IS NOT NULL AND a.published <= ?", [end]) if end else ("TRUE", [])
    con = connect(store, read_only=True)
    try:
        rows = con.execute(f"""SELECT f.path, f.line, f.file_sha256 FROM files f JOIN articles a ON a.id = f.article_id
                               WHERE {window} ORDER BY f.path, f.line""", args).fetchall()
        fingerprint = con.execute("SELECT value FROM meta WHERE key = 'extractor'").fetchall()
        out = {"articles": {(f"{p}:{ln}" if ln else p): sha for p, ln, sha in rows}}
        if fingerprint:
            out["articles"]["(records fingerprint)"] = fingerprint[0][0]
        context: dict = {}
        if start:  # dated before the window: the edition number counts their days; the previous edition reads them
            n_files, n_days, digest = con.execute(
                """SELECT count(*), count(DISTINCT a.published),
                          sha256(coalesce(string_agg(f.path || '|' || f.line || '|' || f.file_sha256, chr(10) ORDER BY f.path, f.line), ''))
                   FROM files f JOIN articles a ON a.id = f.article_id WHERE a.published < ?""", [start]).fetchone()
            context["before_window"] = {"files": n_files, "news_days": n_days, "sha256": digest}
        columns = [r[0] for r in con.execute("SELECT column_name FROM (DESCRIBE articles)").fetchall() if r[0] != "text"]
        fields = ", ".join(f"coalesce(CAST(a.\"{c}\" AS VARCHAR), '\u2205')" for c in columns)
        digest, newest = con.execute(
            f"""SELECT sha256(coalesce(string_agg(concat_ws('|', {fields}), chr(10) ORDER BY a.id), '')), max(a.published)
                FROM articles a WHERE {scope}""", scope_args).fetchone()
        context["article_rows"] = digest
        context["newest_article"] = str(newest) if newest is not None else None
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        context["actors"] = _digest(con.execute("SELECT * FROM actors ORDER BY ALL").fetchall()) if "actors" in tables else None
        context["meta"] = _digest(con.execute("SELECT key, value FROM meta ORDER BY key").fetchall())
        out["store"] = context
    finally:
        con.close()
    return out


@functools.lru_cache(maxsize=1)
def package_versions() -> dict[str, str]:
    versions = {}
    for name in OUTPUT_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def environment(font_subsetter: str | None = None) -> dict:
    """What shapes the bytes besides the inputs: package versions and the system
    libraries WeasyPrint prints with (with the font subsetter a build will use)."""
    from sitrep.render.environment import system_libraries

    return {"packages": dict(package_versions()), "system": system_libraries(font_subsetter)}


def report_inputs(notebook: Path, params, font_subsetter: str | None = None) -> dict:
    """Content hashes of everything a report depends on besides its parameters."""
    store = getattr(params, "store_path", None)
    inputs = {
        "notebook": file_sha256(notebook),
        "code": code_digest(),
        "reference": reference_hashes(),
        "articles": {},
        "environment": environment(font_subsetter),
    }
    if store and Path(store).is_file():
        inputs.update(_store_digests(Path(store), getattr(params, "start", None), getattr(params, "end", None)))
        series = getattr(params, "series_id", None)
        if series:  # the stored previous edition the report compares with (sitrep.editions)
            end = getattr(params, "end", None) or (inputs["store"].get("newest_article") or None)
            end = dt.date.fromisoformat(str(end)[:10]) if end else None
            inputs["previous_edition"] = editions.previous_digest(series, end, editions.root_for(Path(store)))
        if getattr(params, "external_events", False):  # imported event files the report reads: {path: sha256}
            from sitrep.records import load_external_files

            files = load_external_files(Path(store))
            inputs["external_files"] = {f"{path} ({origin})": sha for path, origin, sha in
                                        zip(files["path"], files["origin"], files["file_sha256"])}
    return inputs


def source_date_epoch(params, inputs: dict) -> int:
    """The date stamped into the PDF's fonts (fontTools' ``head.modified``), from the
    inputs: the end of the window, else the newest article read, else 1970-01-01."""
    day = getattr(params, "end", None) or (inputs.get("store") or {}).get("newest_article")
    if not day:
        return 0
    day = dt.date.fromisoformat(str(day)[:10])
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp())


def cache_key(inputs: dict, parameters: dict) -> str:
    """The build's identity: unchanged key, unchanged report (sitrep batch skips it)."""
    blob = json.dumps({"inputs": inputs, "parameters": parameters, "sitrep": __version__}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJ_ROOT, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def build_manifest(*, name: str, notebook: Path, parameters: dict, inputs: dict, outputs: dict[str, Path],
                   title: str = "", window: str = "", built_at: str | None = None, sections: list[str] = (),
                   pdf: dict | None = None) -> dict:
    from sitrep.render.environment import system_libraries

    env = inputs.get("environment") or {}
    return {
        "sections": list(sections),
        "name": name,
        "title": title,
        "window": window,
        "notebook": display_path(notebook),
        "parameters": parameters,
        "inputs": inputs,
        "cache_key": cache_key(inputs, parameters),
        "built_at": built_at,
        "sitrep_version": __version__,
        "packages": env.get("packages") or package_versions(),
        "system": env.get("system") or system_libraries(),
        "pdf": pdf,  # font subsetter used, SOURCE_DATE_EPOCH, fonts embedded (None: no PDF)
        "git_commit": git_commit(),
        "outputs": {kind: {"file": path.name, "sha256": file_sha256(path)} for kind, path in sorted(outputs.items())},
    }


def read_manifest(folder: Path) -> dict | None:
    """The manifest of a report folder, or None when there is none (or it is unreadable)."""
    try:
        manifest = json.loads((Path(folder) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def outputs_intact(folder: Path, manifest: dict) -> bool:
    """Do the report's files still have the hashes its manifest records?"""
    for entry in manifest.get("outputs", {}).values():
        path = Path(folder) / entry["file"]
        if path.name != entry["file"] or not path.is_file() or path.is_symlink() or file_sha256(path) != entry["sha256"]:
            return False
    return True


def write_manifest(manifest: dict, path: Path) -> None:
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")


# --- what changed -------------------------------------------------------------------------------
def font_changes(manifest: dict) -> list[str]:
    """Fonts a report's PDF embeds whose file is gone or now holds other bytes."""
    from sitrep.render.environment import file_digest, font_label

    out = []
    for font in (manifest.get("pdf") or {}).get("fonts") or []:
        if font.get("file") and file_digest(font["file"]) != font.get("sha256"):
            state = "removed" if file_digest(font["file"]) is None else "changed"
            out.append(f"font {font_label(font)} {state}")
    return out


def _flat(tree: dict, prefix: tuple = ()) -> dict[tuple, object]:
    out = {}
    for key, value in (tree or {}).items():
        if isinstance(value, dict) and value and prefix + (key,) not in {("store", "before_window")}:
            out.update(_flat(value, prefix + (key,)))
        else:
            out[prefix + (key,)] = value
    return out


def _state(a, b) -> str:
    return "added" if a is None else "removed" if b is None else "changed"


def describe_changes(old: dict, new: dict, notebook: str = "notebook") -> list[str]:
    """Which inputs differ between two ``inputs`` records, as readable phrases naming
    each one: notebook, code, reference table, article, the articles before the
    window, store tables, package, system library; the most specific first."""
    out: list[tuple[int, str]] = []
    unrecorded = {k for k in ("store", "environment") if isinstance(new.get(k), dict) and k not in old}
    for k in sorted(unrecorded):  # a manifest written by an older sitrep
        what = "package and system library versions" if k == "environment" else "digests of the store beyond the window"
        out.append((8 if k == "environment" else 5, f"{what} were not recorded (built by an older sitrep)"))
    a, b = _flat({k: v for k, v in old.items() if k not in unrecorded}), _flat({k: v for k, v in new.items() if k not in unrecorded})
    for key in sorted(set(a) | set(b), key=lambda k: tuple(map(str, k))):
        x, y = a.get(key), b.get(key)
        if x == y:
            continue
        head, rest = key[0], "/".join(map(str, key[1:]))
        if head == "notebook":
            out.append((0, f"notebook {notebook} changed"))
        elif head == "code":
            out.append((1, "code: the sitrep package source changed"))
        elif head == "reference":
            out.append((2, f"reference table {rest} {_state(x, y)}"))
        elif head == "articles" and rest == "(records fingerprint)":
            out.append((4, "extractor: the records fingerprint changed (articles re-extracted)"))
        elif head == "articles":
            out.append((3, f"article {rest} {_state(x, y)}"))
        elif key == ("store", "before_window"):
            x, y = x or {"files": 0, "news_days": 0}, y or {"files": 0, "news_days": 0}
            out.append((3, f"articles dated before the window (edition number, previous edition): {x.get('files')} -> "
                           f"{y.get('files')} files, {x.get('news_days')} -> {y.get('news_days')} news days"))
        elif key == ("store", "article_rows"):
            out.append((5, "article metadata in the store (titles, outlets, dates, duplicate flags)"))
        elif key == ("store", "actors"):
            out.append((5, "actor table of the store (names, roles)"))
        elif key == ("store", "meta"):
            out.append((6, "store metadata (extractor, registry and codebook versions)"))
        elif key == ("store", "newest_article"):
            out.append((7, f"newest article read: {x} -> {y}"))
        elif head == "environment" and len(key) == 3 and key[1] == "packages":
            out.append((8, f"package {key[2]} {x or 'not recorded'} -> {y or 'not recorded'}"))
        elif head == "environment" and len(key) == 3 and key[1] == "system":
            label = {"harfbuzz_subset": "harfbuzz-subset", "font_subsetter": "font subsetter"}.get(key[2], key[2])
            kind = "" if key[2] == "font_subsetter" else "system library "
            out.append((8, f"{kind}{label} {x or 'not recorded'} -> {y or 'not recorded'}"))
        else:
            out.append((9, f"{'/'.join(map(str, key))} {_state(x, y)}"))
    return [text for _, text in sorted(out, key=lambda item: item[0])]


def describe_font_differences(old: list[dict] | None, new: list[dict] | None) -> list[str]:
    """Fonts embedded by one build and not the other, or with other bytes."""
    from sitrep.render.environment import font_label

    def keyed(fonts):
        return {(f.get("family"), f.get("style"), f.get("weight")): f for f in fonts or []}

    a, b = keyed(old), keyed(new)
    out = []
    for key in sorted(set(a) | set(b), key=lambda k: tuple(map(str, k))):
        x, y = a.get(key), b.get(key)
        if x and y and x.get("sha256") == y.get("sha256"):
            continue
        if x and y:
            where = f" ({Path(x['file']).name if x.get('file') else '?'} -> {Path(y['file']).name if y.get('file') else '?'})"
            out.append(f"font {font_label(y)} changed{where if x.get('file') != y.get('file') else ''}")
        else:
            out.append(f"font {font_label(x or y)} {'no longer used' if x else 'newly used'}")
    return out
