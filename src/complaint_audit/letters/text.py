"""A letter file's text and its first page, whatever kind of file it is, within the size limits.

One reader a kind of file, chosen by the file's extension. Legacy Word (.doc) has no maintained
pure-Python reader and is reported unreadable, as is anything else the folder holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from complaint_audit.ingest.limits import LETTER_MAX_BYTES, LETTER_MAX_CHARACTERS
from complaint_audit.letters.unreadable import Unreadable

# Where a file has no pages (Word, e-mail), its first page is taken to be this many characters:
# about a page of a letter, headers and address block included.
FIRST_PAGE_CHARACTERS = 3_000
READABLE_KINDS = (".docx", ".pdf", ".eml", ".msg")


@dataclass(frozen=True)
class LetterText:
    text: str
    first_page: str


def text_of_file(path: Path) -> LetterText:
    """The letter's text, or Unreadable saying why not."""
    suffix = path.suffix.lower()
    if path.stat().st_size > LETTER_MAX_BYTES:
        raise Unreadable(f"larger than {LETTER_MAX_BYTES // 1024**2} MB, more than a letter")
    if suffix == ".pdf":
        from complaint_audit.letters.pdf_text import pdf_pages

        pages = pdf_pages(path)
        return _bounded("\n".join(pages), pages[0])
    if suffix == ".docx":
        from complaint_audit.letters.docx_text import docx_text

        text = docx_text(path)
    elif suffix == ".eml":
        from complaint_audit.letters.email_text import eml_text

        text = eml_text(path)
    elif suffix == ".msg":
        from complaint_audit.letters.email_text import msg_text

        text = msg_text(path)
    elif suffix == ".doc":
        raise Unreadable("a legacy Word .doc file; save it as .docx or PDF")
    else:
        raise Unreadable(f"not a letter file this tool reads ({', '.join(READABLE_KINDS)})")
    if not text.strip():
        raise Unreadable("no text in it")
    return _bounded(text, text[:FIRST_PAGE_CHARACTERS])


def _bounded(text: str, first_page: str) -> LetterText:
    """The text cut to the limits, its line ends as one newline: Outlook and Windows files end lines with CR LF."""
    def lines(part: str) -> str:
        return part.replace("\r\n", "\n").replace("\r", "\n")

    return LetterText(lines(text)[:LETTER_MAX_CHARACTERS], lines(first_page)[:FIRST_PAGE_CHARACTERS])
