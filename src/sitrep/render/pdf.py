"""Report HTML -> PDF with WeasyPrint (no browser, no JavaScript).

The same page the HTML report shows is printed with its ``@media print`` rules:
charts as their static images, running header (title, window) and page numbers
from ``@page`` margin boxes. WeasyPrint was chosen over nbconvert's webpdf (needs a
downloaded browser), LaTeX (600 MB of TeX Live, drops styled tables) and quarto
(downloads its binary at install time); see the README's design notes.

Same inputs, same bytes, on any machine with the same libraries: the PDF has a
fixed identifier and no dates, and the fonts it embeds carry no build time. When
WeasyPrint subsets fonts with fontTools (no ``libharfbuzz-subset``), fontTools
stamps each font's ``head.modified`` with the current time unless
``SOURCE_DATE_EPOCH`` is set: it is set, to a date derived from the report's
inputs, for the duration of the write (under a lock, as the environment is shared
by the threads of a Dask worker). The hb-subset route copies the font's own date.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from sitrep.render.environment import FONTTOOLS, HB_SUBSET, document_fonts, font_subsetter

PDF_IDENTIFIER = b"sitrep-report"

_WRITE_LOCK = threading.Lock()


def html_to_pdf(page: str, dest: Path, *, source_date_epoch: int = 0, subsetter: str | None = None) -> dict:
    """Print ``page`` to ``dest`` deterministically (fixed PDF identifier, no dates,
    fonts stamped with ``source_date_epoch``). ``subsetter`` may force ``fonttools``.

    Returns what shaped the bytes: the font subsetter used, the epoch and the fonts
    embedded (family, style, weight, sha256, file)."""
    import weasyprint.pdf.fonts as weasy_fonts
    from weasyprint import HTML  # imported lazily: it pulls in Pango through cffi

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    chosen = font_subsetter(subsetter)
    with _WRITE_LOCK:
        saved_epoch = os.environ.get("SOURCE_DATE_EPOCH")
        saved_subset = weasy_fonts.harfbuzz_subset
        try:
            os.environ["SOURCE_DATE_EPOCH"] = str(int(source_date_epoch))
            if chosen == FONTTOOLS:
                weasy_fonts.harfbuzz_subset = None  # WeasyPrint then subsets with fontTools
            used = HB_SUBSET if weasy_fonts.harfbuzz_subset is not None and weasy_fonts.harfbuzz.hb_version_atleast(4, 1, 0) else FONTTOOLS
            document = HTML(string=page, base_url=str(dest.parent)).render()
            document.write_pdf(dest, pdf_identifier=PDF_IDENTIFIER, pdf_tags=True)
            fonts = document_fonts(document)
        finally:
            weasy_fonts.harfbuzz_subset = saved_subset
            if saved_epoch is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
            else:
                os.environ["SOURCE_DATE_EPOCH"] = saved_epoch
    return {"font_subsetter": used, "source_date_epoch": int(source_date_epoch), "fonts": fonts}
