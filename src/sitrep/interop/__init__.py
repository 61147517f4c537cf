"""Event data in the analysts' formats: import ICEWS, GDELT and POLECAT files into the
store as external events, and export sitrep's events (and the external ones) as
ICEWS, GDELT, PLOVER JSON lines, CSV or Parquet.

``importer.py`` reads a file with DuckDB's CSV reader into ``external_events``;
``exporter.py`` writes events out; ``formats.py`` holds the published layouts;
``tables.py`` the tables and lookups both join against.
"""

from sitrep.interop.exporter import EXPORT_FORMATS, ExportSummary, export_events
from sitrep.interop.formats import ORIGINS
from sitrep.interop.importer import ImportSummary, InteropError, import_events

__all__ = ["EXPORT_FORMATS", "ORIGINS", "ExportSummary", "ImportSummary", "InteropError", "export_events", "import_events"]
