"""The text of a Word (.docx) letter: headers, body paragraphs and tables in order, footers.

A letter's reference often sits in a header ("Our ref: ASC-00123") and the complainant's
address in a table, so all of them are read, and all of them are masked afterwards like the body.

The package's XML is read with lxml directly, not through python-docx: python-docx builds an
object for every paragraph, run and cell, about 1.2 ms a letter where this takes a fifth of it,
and its documents are cycles only Python's cycle collector frees. What is read is what
python-docx's `text` gives (tests/test_letters.py holds the two to the same text):
- a paragraph is its runs' and hyperlinks' runs' text, with tabs, line breaks and
  non-breaking hyphens as characters; a page or column break is nothing;
- a table is a line a row, its cells' paragraphs joined by newlines and the cells by tabs, a
  cell spanning several columns once, and a cell merged into the one above it as that one;
- only a container's own paragraphs and tables are read, as Word shows them: text in a tracked
  change, a content control or a text box is not.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from complaint_audit.errors import UserError
from complaint_audit.ingest.limits import LETTER_MAX_PART_BYTES, check_xlsx_sizes
from complaint_audit.letters.unreadable import Unreadable
from complaint_audit.office_package import main_part, related_parts

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_P, _TBL, _TR, _TC = f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc"
_R, _HYPERLINK, _T, _BR = f"{_W}r", f"{_W}hyperlink", f"{_W}t", f"{_W}br"
# A run's other characters, as python-docx writes them; a break is a newline only where it breaks a line.
_CHARACTERS = {f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}
_HEADER_FOOTER_KINDS = ("default", "first", "even")
# python-docx's parser options: no entity is expanded, and the same whitespace is kept.
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)
_UNREADABLE = "not a Word .docx file (a damaged or renamed file?)"


def docx_text(path: Path) -> str:
    """Headers first, then the body in document order (paragraphs and tables), then footers."""
    try:
        with zipfile.ZipFile(path) as archive:
            check_xlsx_sizes(path, archive, LETTER_MAX_PART_BYTES)  # a zip bomb refused before anything inflates
            main = main_part(archive)
            document = _read(archive, main) if main else None
            body = None if document is None or document.tag != f"{_W}document" else document.find(f"{_W}body")
            if body is None:
                raise Unreadable(_UNREADABLE)
            related = related_parts(archive, main)
            headers, footers = [], []
            # Each section's own headers and footers (python-docx's Document.sections: a section ends at a
            # paragraph's sectPr, the last one at the body's).
            for section in (*body.iterfind(f"{_P}/{_W}pPr/{_W}sectPr"), *body.iterfind(f"{_W}sectPr")):
                for reference, into in (("headerReference", headers), ("footerReference", footers)):
                    for kind in _HEADER_FOOTER_KINDS:
                        found = section.find(f"{_W}{reference}[@{_W}type='{kind}']")
                        if found is not None and found.get(_RELATIONSHIP_ID) in related:
                            into.extend(_blocks(_read(archive, related[found.get(_RELATIONSHIP_ID)])))
            lines = _blocks(body)
    except UserError:
        raise Unreadable("its parts would inflate past the size limits (a zip bomb?)") from None
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, SyntaxError):  # SyntaxError: lxml's and ElementTree's XML errors
        raise Unreadable(_UNREADABLE) from None
    # A header repeated on every section (or on first and later pages) is given once.
    return "\n".join([*dict.fromkeys(line for line in headers if line.strip()), *lines,
                      *dict.fromkeys(line for line in footers if line.strip())])


def _read(archive: zipfile.ZipFile, name: str) -> etree._Element:
    return etree.fromstring(archive.read(name), _PARSER)


def _blocks(container: etree._Element) -> list[str]:
    """Paragraphs and tables (a row a line, cells separated by tabs) in the order they appear."""
    lines = []
    for block in container:
        if block.tag == _P:
            lines.append(_paragraph(block))
        elif block.tag == _TBL:
            lines.extend(_rows(block))
    return lines


def _paragraph(paragraph: etree._Element) -> str:
    return "".join(_run(run) for child in paragraph
                   for run in ((child,) if child.tag == _R else child.iterchildren(_R) if child.tag == _HYPERLINK else ()))


def _run(run: etree._Element) -> str:
    return "".join(
        (child.text or "") if child.tag == _T
        else ("\n" if child.get(f"{_W}type", "textWrapping") == "textWrapping" else "") if child.tag == _BR
        else _CHARACTERS.get(child.tag, "")
        for child in run)


def _rows(table: etree._Element) -> list[str]:
    """Each row's cells, a cell spanning columns once; a cell merged into the one above (vMerge) is that one's text."""
    lines, above = [], {}
    for row in table.iterchildren(_TR):
        column = _grid_before(row)  # the grid column the next cell starts at
        texts, here = [], {}
        for cell in row.iterchildren(_TC):
            merge = cell.find(f"{_W}tcPr/{_W}vMerge")
            if merge is not None and merge.get(f"{_W}val", "continue") == "continue" and column in above:
                text = above[column]
            else:
                text = "\n".join(_paragraph(paragraph) for paragraph in cell.iterchildren(_P))
            texts.append(text)
            here[column] = text
            column += _grid_span(cell)
        lines.append("\t".join(dict.fromkeys(texts)))
        above = here
    return lines


def _grid_before(row: etree._Element) -> int:
    found = row.find(f"{_W}trPr/{_W}gridBefore")
    return 0 if found is None else int(found.get(f"{_W}val", 0))


def _grid_span(cell: etree._Element) -> int:
    found = cell.find(f"{_W}tcPr/{_W}gridSpan")
    return 1 if found is None else int(found.get(f"{_W}val", 1))
