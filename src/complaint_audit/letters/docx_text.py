"""The text of a Word (.docx) letter: headers, body paragraphs and tables in order, footers.

A letter's reference often sits in a header ("Our ref: ASC-00123") and the complainant's
address in a table, so all of them are read, and all of them are masked afterwards like the body.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from complaint_audit.errors import UserError
from complaint_audit.ingest.limits import LETTER_MAX_PART_BYTES, check_xlsx_sizes
from complaint_audit.letters.unreadable import Unreadable


def docx_text(path: Path) -> str:
    """Headers first, then the body in document order (paragraphs and tables), then footers."""
    try:
        with zipfile.ZipFile(path) as archive:
            check_xlsx_sizes(path, archive, LETTER_MAX_PART_BYTES)  # a zip bomb refused before python-docx inflates it
    except UserError:
        raise Unreadable("its parts would inflate past the size limits (a zip bomb?)") from None
    except (zipfile.BadZipFile, OSError):
        raise Unreadable("not a Word .docx file (a damaged or renamed file?)") from None
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile):
        raise Unreadable("not a Word .docx file (a damaged or renamed file?)") from None
    headers, footers = [], []
    for section in document.sections:
        for part, into in ((section.header, headers), (section.first_page_header, headers), (section.even_page_header, headers),
                           (section.footer, footers), (section.first_page_footer, footers), (section.even_page_footer, footers)):
            if not part.is_linked_to_previous:
                into.extend(_blocks(part))
    # A header repeated on every section (or on first and later pages) is given once.
    return "\n".join([*dict.fromkeys(line for line in headers if line.strip()), *_blocks(document),
                      *dict.fromkeys(line for line in footers if line.strip())])


def _blocks(container) -> list[str]:
    """Paragraphs and tables (a row a line, cells separated by tabs) in the order they appear."""
    lines = []
    for block in container.iter_inner_content():
        if hasattr(block, "rows"):
            lines += ["\t".join(dict.fromkeys(cell.text for cell in row.cells)) for row in block.rows]
        else:
            lines.append(block.text)
    return lines
