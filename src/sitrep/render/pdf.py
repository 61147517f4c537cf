"""Report HTML -> PDF with WeasyPrint (no browser, no JavaScript).

The same page the HTML report shows is printed with its ``@media print`` rules:
charts as their static images, running header (title, window) and page numbers
from ``@page`` margin boxes. WeasyPrint was chosen over nbconvert's webpdf (needs a
downloaded browser), LaTeX (600 MB of TeX Live, drops styled tables) and quarto
(downloads its binary at install time); see the README's design notes.
"""

from __future__ import annotations

import logging
from pathlib import Path

PDF_IDENTIFIER = b"sitrep-report"


def html_to_pdf(page: str, dest: Path) -> None:
    """Print ``page`` to ``dest`` deterministically (fixed PDF identifier, no dates)."""
    from weasyprint import HTML  # imported lazily: it pulls in Pango through cffi

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    document = HTML(string=page, base_url=str(dest.parent)).render()
    document.write_pdf(dest, pdf_identifier=PDF_IDENTIFIER, pdf_tags=True)
