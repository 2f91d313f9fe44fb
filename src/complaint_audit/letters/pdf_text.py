"""The text of a PDF letter, page by page, from its text layer (pypdf); a scan without one is unreadable.

No optical character recognition: a scanned letter is reported by name, so a reviewer can ask
for the letter as sent, instead of the audit guessing at its words.
"""

from __future__ import annotations

import logging
from pathlib import Path

from complaint_audit.ingest.limits import LETTER_MAX_PAGES
from complaint_audit.letters.unreadable import Unreadable


def pdf_pages(path: Path) -> list[str]:
    """The text of each page, up to LETTER_MAX_PAGES pages."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings on odd but readable files are not the user's concern
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unreadable("a PDF protected by a password")
        pages = [page.extract_text() or "" for page in reader.pages[:LETTER_MAX_PAGES]]
    except Unreadable:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, NotImplementedError):
        raise Unreadable("not a readable PDF (a damaged or renamed file?)") from None
    if not "".join(pages).strip():
        raise Unreadable("a PDF without a text layer (a scan?); text is not read from images")
    return pages
