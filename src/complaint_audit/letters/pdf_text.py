"""The text of a PDF letter, page by page, from its text layer (PDFium); a scan without one is unreadable.

No optical character recognition: a scanned letter is reported by name, so a reviewer can ask
for the letter as sent, instead of the audit guessing at its words.

PDFium (pypdfium2, the PDF engine of Chrome) read the text layers pypdf read before, for the
same text: every one of the bundled sample's 123 PDF letters, the letters benchmark's
(matplotlib's PDFs, a text operation a glyph) and letters laid out by WeasyPrint with embedded
fonts, once its line ends (CR LF) are made one newline, as text.py does for every letter. It
took 0.13 s of CPU for the sample's PDFs where pypdf took 0.32 s, and 0.18 s for 100 of the
benchmark's where pypdf took 1.23 s. Where they were seen to differ, pypdf's text was the less
useful: it kept a ligature as one character ('ﬁ', which a phrase looking for 'fi' misses) and gave
two spaces between the words of a justified line.
"""

from __future__ import annotations

from pathlib import Path

from complaint_audit.ingest.limits import LETTER_MAX_PAGES
from complaint_audit.letters.unreadable import Unreadable


def pdf_pages(path: Path) -> list[str]:
    """The text of each page, up to LETTER_MAX_PAGES pages; lines end in CR LF, as PDFium writes them."""
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(str(path))  # an empty user password is tried, as a PDF viewer does
    except pypdfium2.PdfiumError as error:
        if getattr(error, "err_code", None) == pypdfium2.raw.FPDF_ERR_PASSWORD:
            raise Unreadable("a PDF protected by a password") from None
        raise Unreadable("not a readable PDF (a damaged or renamed file?)") from None
    try:
        pages = [_page_text(document, number) for number in range(min(len(document), LETTER_MAX_PAGES))]
    except pypdfium2.PdfiumError:
        raise Unreadable("not a readable PDF (a damaged or renamed file?)") from None
    finally:
        document.close()
    if not "".join(pages).strip():
        raise Unreadable("a PDF without a text layer (a scan?); text is not read from images")
    return pages


def _page_text(document, number: int) -> str:
    page = document[number]
    try:
        text_page = page.get_textpage()
        try:
            return text_page.get_text_range()
        finally:
            text_page.close()
    finally:
        page.close()
