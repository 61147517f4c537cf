"""The ``sitrep`` command line (see ../shared/CONTRACT.md for the public interface).

Every command exits 0 on success and non-zero with a one-line reason on stderr.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from sitrep import __version__
from sitrep.config import DEFAULT_NOTEBOOK, DEFAULT_STORE, RAW_ARTICLES_DIR, REPORTS_DIR, display_path
from sitrep.errors import SitrepError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Reproducible, sourced situation briefings from news articles.")

EXIT_FAILED = 1
EXIT_PARTIAL = 3


def fail(message: str, code: int = EXIT_FAILED) -> None:
    typer.echo(f"sitrep: error: {message}", err=True)
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sitrep {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")] = False) -> None:
    """Reproducible, sourced situation briefings from news articles."""


@app.command()
def ingest(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Article files or folders (default: data/raw/articles).")] = None,
    store: Annotated[Path, typer.Option("--store", help="DuckDB store to write.")] = DEFAULT_STORE,
    prune: Annotated[bool, typer.Option("--prune", help="Remove files under the given folders that no longer exist.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only problems.")] = False,
    workers: Annotated[Optional[int], typer.Option("--workers", min=1, help="Extraction processes (default: every core).")] = None,
    executor: Annotated[str, typer.Option("--executor", help="local (worker processes) or dask.")] = "local",
    scheduler: Annotated[Optional[str], typer.Option("--scheduler", help="Dask scheduler address (with --executor dask).")] = None,
) -> None:
    """Read articles into the store and extract their records; prints a summary.

    Progress of each stage (scan, read, extract, duplicates) goes to stderr: a bar on a
    terminal, a line every few seconds otherwise."""
    from sitrep.ingest.progress import IngestProgress
    from sitrep.ingest.update import update_store

    if executor not in ("local", "dask"):
        fail(f"--executor {executor}: expected local or dask")
    if executor == "dask" and not scheduler:
        fail("--executor dask needs --scheduler ADDRESS (e.g. tcp://127.0.0.1:8786)")
    paths = paths or [RAW_ARTICLES_DIR]
    try:
        summary = update_store(paths, store, prune=prune, progress=None if quiet else IngestProgress(),
                               workers=workers, executor=executor, scheduler=scheduler)
    except SitrepError as err:
        fail(str(err))
    for warning in summary.warnings:
        typer.echo(f"sitrep: warning: {warning}", err=True)
    for problem in summary.skipped:
        typer.echo(f"sitrep: skipped: {problem}", err=True)
    if not quiet:
        typer.echo(
            f"{display_path(store)}: {summary.files_seen} files seen, {summary.files_unchanged} unchanged, "
            f"{summary.files_ingested} ingested, {len(summary.skipped)} skipped; "
            f"{summary.articles_new} new articles, {summary.duplicates_merged} exact duplicates merged, "
            f"{summary.near_duplicates} near-duplicates flagged; {summary.articles_total} articles in the store"
            + (f"; {summary.articles_reextracted} re-extracted" if summary.articles_reextracted else "")
            + (f"; {summary.files_pruned} files pruned" if summary.files_pruned else "")
        )
    if summary.skipped:
        raise typer.Exit(EXIT_PARTIAL)


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="Article files or folders.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the extraction JSON (the only output format).")] = True,
) -> None:
    """Extract actors, events and statements from article files; JSON on stdout."""
    from sitrep.extract.report import extraction_json

    try:
        document, skipped = extraction_json(paths)
    except SitrepError as err:
        fail(str(err))
    json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    for problem in skipped:
        typer.echo(f"sitrep: skipped: {problem}", err=True)
    if skipped:
        raise typer.Exit(EXIT_PARTIAL)


@app.command()
def build(
    notebook: Annotated[Path, typer.Argument(help="Report notebook.")] = DEFAULT_NOTEBOOK,
    param: Annotated[Optional[list[str]], typer.Option("-p", "--param", help="Parameter KEY=VALUE (repeatable).")] = None,
    params_file: Annotated[Optional[Path], typer.Option("--params", help="YAML file of parameters.")] = None,
    fmt: Annotated[Optional[str], typer.Option("--format", help="Formats to write: html,pdf,docx (default html,pdf).")] = None,
    out: Annotated[Path, typer.Option("--out", help="Parent folder of the report folder.")] = REPORTS_DIR,
    name: Annotated[Optional[str], typer.Option("--name", help="Report folder name (default: notebook stem).")] = None,
) -> None:
    """Execute a report notebook and render it to HTML and PDF in OUT/NAME/."""
    import nbformat
    import yaml

    from sitrep.params import parse_cli_value
    from sitrep.render.build import build as build_report, notebook_defaults

    try:
        overrides: dict = {}
        if params_file is not None:
            try:
                loaded = yaml.safe_load(params_file.read_text(encoding="utf-8"))
            except (OSError, yaml.YAMLError) as err:
                fail(f"{display_path(params_file)}: cannot read parameters: {str(err).splitlines()[0]}")
            if not isinstance(loaded, dict):
                fail(f"{display_path(params_file)}: parameters file must be a YAML mapping")
            overrides.update(loaded)
        if param:
            defaults = notebook_defaults(nbformat.read(notebook, as_version=4), notebook) if notebook.is_file() else {}
            for item in param:
                key, sep, raw = item.partition("=")
                if not sep or not key.strip():
                    fail(f"parameter '{item}': expected KEY=VALUE")
                overrides[key.strip()] = parse_cli_value(raw, defaults.get(key.strip()))
        formats = [f.strip() for f in fmt.split(",") if f.strip()] if fmt else None
        result = build_report(notebook, overrides, out_dir=out, name=name, formats=formats)
    except SitrepError as err:
        fail(str(err))
    shown = ", ".join(display_path(p) for p in result.files.values())
    typer.echo(f"built {result.name}: {shown}")


@app.command()
def batch(
    grid: Annotated[Path, typer.Argument(help="Grid file (YAML): notebooks, parameter products and lists, name templates.")],
    workers: Annotated[Optional[int], typer.Option("--workers", min=1, help="Reports built at once (default: CPU cores).")] = None,
    executor: Annotated[str, typer.Option("--executor", help="local (processes on this machine) or dask.")] = "local",
    scheduler: Annotated[Optional[str], typer.Option("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Rebuild reports whose inputs did not change.")] = False,
    out: Annotated[Path, typer.Option("--out", help="Parent folder of the report folders.")] = REPORTS_DIR,
    timeout: Annotated[int, typer.Option("--timeout", min=1, help="Seconds one report may take.")] = 900,
    retries: Annotated[int, typer.Option("--retries", min=0, help="Retries of a report whose kernel died.")] = 1,
) -> None:
    """Build every report of a grid, in parallel; unchanged reports are skipped."""
    from sitrep.batch.grid import GridError, load_grid
    from sitrep.batch.runner import Progress, failure_lines, run_batch

    if executor not in ("local", "dask"):
        fail(f"--executor must be local or dask, not {executor!r}")
    if executor == "dask" and not scheduler:
        fail("--executor dask needs --scheduler ADDRESS")
    try:
        jobs = load_grid(grid)
    except GridError as err:
        fail(str(err))
    with Progress(len(jobs)) as progress:
        summary = run_batch(jobs, out, workers=workers, executor=executor, scheduler=scheduler, force=force,
                            timeout=timeout, retries=retries, progress=progress)
    typer.echo(f"{len(jobs)} reports in {summary.seconds:.1f} s: built {summary.count('built')}, "
               f"cached {summary.count('cached')}, failed {summary.count('failed')}")
    if summary.failed:
        typer.echo("failures:", err=True)
        for line in failure_lines(summary):
            typer.echo(f"  {line}", err=True)
        raise typer.Exit(EXIT_FAILED)


@app.command()
def verify(
    report_dir: Annotated[Path, typer.Argument(help="A report folder (holding manifest.json).")],
) -> None:
    """Rebuild a report from its manifest into a temporary folder and compare the outputs byte for byte."""
    from sitrep.render.verify import verify as verify_report

    try:
        result = verify_report(report_dir)
    except SitrepError as err:
        fail(str(err))
    for kind, same in result.files.items():
        typer.echo(f"{kind:9} {'identical' if same else 'DIFFERENT'}")
    if result.changed_inputs:
        typer.echo("changed since the build:")
        for line in result.changed_inputs[:20]:
            typer.echo(f"  {line}")
        if len(result.changed_inputs) > 20:
            typer.echo(f"  ... and {len(result.changed_inputs) - 20} more")
    if not result.identical:
        why = (f"changed since the build: {result.changed_inputs[0]}"
               + (f" (and {len(result.changed_inputs) - 1} more)" if len(result.changed_inputs) > 1 else "")
               if result.changed_inputs else "no recorded input changed, so the build itself is not deterministic")
        fail(f"{display_path(report_dir)}: rebuilt outputs differ from the manifest; {why}")
    typer.echo(f"{result.name}: reproducible (rebuilt outputs are byte-identical)")


@app.command()
def publish(
    out: Annotated[Path, typer.Option("--out", help="Reports folder to check and index.")] = REPORTS_DIR,
) -> None:
    """Validate every report and write OUT/index.html; exit non-zero if any report fails."""
    from sitrep.publish import publish as publish_reports

    if not out.is_dir():
        fail(f"{display_path(out)}: no such folder")
    checks = publish_reports(out)
    bad = [c for c in checks if not c.ok]
    for c in checks:
        typer.echo(f"{'ok    ' if c.ok else 'FAILED'} {c.name}" + ("" if c.ok else ": " + "; ".join(c.problems)))
    typer.echo(f"wrote {display_path(out / 'index.html')}: {len(checks)} reports, {len(bad)} failed")
    if bad:
        raise typer.Exit(EXIT_FAILED)


@app.command("import-events")
def import_events_command(
    path: Annotated[Path, typer.Argument(help="An ICEWS, GDELT or POLECAT event file.")],
    fmt: Annotated[str, typer.Option("--format", help="icews, gdelt or polecat.")],
    store: Annotated[Path, typer.Option("--store", help="DuckDB store to write.")] = DEFAULT_STORE,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only problems.")] = False,
) -> None:
    """Import external event records into the store; bad lines are reported and skipped (exit 3)."""
    from sitrep.interop import import_events

    try:
        summary = import_events(path, fmt, store)
    except SitrepError as err:
        fail(str(err))
    for problem in summary.problems:
        typer.echo(f"sitrep: skipped: {problem}", err=True)
    if summary.problem_count > len(summary.problems):
        typer.echo(f"sitrep: skipped: ... and {summary.problem_count - len(summary.problems)} more lines", err=True)
    if not quiet:
        what = "already imported, nothing to do" if summary.already_imported else "imported"
        typer.echo(f"{summary.path} ({summary.layout}, sha256 {summary.sha256[:12]}): {what}; {summary.events} events, "
                   f"{summary.problem_count} lines skipped; actors resolved to registry ids: {summary.source_resolved} "
                   f"sources, {summary.target_resolved} targets ({summary.by_name} by name, the rest by country)")
    if summary.problem_count:
        raise typer.Exit(EXIT_PARTIAL)


@app.command("export-events")
def export_events_command(
    fmt: Annotated[str, typer.Option("--format", help="icews, gdelt, plover, csv or parquet.")],
    out: Annotated[Optional[Path], typer.Option("--out", help="File to write (default: stdout; parquet needs a file).")] = None,
    store: Annotated[Path, typer.Option("--store", help="DuckDB store to read.")] = DEFAULT_STORE,
    origin: Annotated[str, typer.Option("--origin", help="all, sitrep (extracted events) or external (imported ones).")] = "all",
) -> None:
    """Write the store's events in an event-data format."""
    from sitrep.interop import export_events

    try:
        summary = export_events(fmt, out, store, origin)
    except SitrepError as err:
        fail(str(err))
    if summary.left_out:
        typer.echo(f"sitrep: warning: {summary.left_out} events left out: {fmt} needs a date and a CAMEO code", err=True)
    if out is not None:
        typer.echo(f"wrote {summary.out}: {summary.events} events ({fmt})")


if __name__ == "__main__":  # pragma: no cover
    app()
