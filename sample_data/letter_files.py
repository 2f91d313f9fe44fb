"""Response letters written as the files a council keeps: Word, PDF and a few e-mails, in one folder.

Adult social care's register has no letter column: its letters are documents stored against the
case, and `[letters]` in audit.toml reads them (docs/letters.md). Most files are named by the
case reference; some carry an unrelated name (a document system's number) and give the
reference only on the first page. A few cannot be matched, on purpose, so the reconciliation
has something to report: a letter whose reference has a typing slip (no such case), two
versions of one case's response (no rule to choose), and a legacy Word .doc (unreadable).

The files stay small, since they ship with the package: each .docx is built on a template of a
few hundred bytes (the default one carries themes, fonts and styles, about 36 KB a letter), and
each PDF uses a PDF viewer's built-in Helvetica, so no font is embedded. The same arguments give
the same bytes: zip entries and PDFs carry fixed dates.
"""

from __future__ import annotations

import io
import re
import textwrap
import zipfile
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import numpy as np
import pandas as pd

FOLDER = "letters"
REFERENCE_PATTERN = r"ASC-\d{4}-\d{4}"
# Shares of the letters by kind of file; the rest are e-mails saved as .eml.
_KIND_SHARES = {".docx": 0.55, ".pdf": 0.40, ".eml": 0.05}
# Share of the letters named by a document number, with the reference only on the first page.
_NUMBERED_SHARE = 0.12
_ZIP_DATE = (2024, 5, 15, 7, 30, 0)  # when the register was run (adult_social_care._PRODUCED)
_LINE_WIDTH = 92  # characters per PDF line: 10-point Helvetica inside A4's margins
_LINES_PER_PAGE = 52

# The smallest package python-docx opens and adds paragraphs to: no styles, theme, fonts or settings.
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_PACKAGE_RELATIONSHIPS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)
_DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:body><w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>'
)


def minimal_docx_template() -> bytes:
    """A Word package of three parts, a few hundred bytes, that python-docx opens and adds paragraphs to."""
    return _zip({"[Content_Types].xml": _CONTENT_TYPES, "_rels/.rels": _PACKAGE_RELATIONSHIPS,
                 "word/document.xml": _DOCUMENT})


def _zip(parts: dict[str, str | bytes]) -> bytes:
    """A zip of PARTS with fixed dates, so the same parts give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def docx_bytes(text: str, template: bytes) -> bytes:
    """The letter as a .docx: a paragraph a line, on the minimal template."""
    import docx

    document = docx.Document(io.BytesIO(template))
    for line in text.split("\n"):
        document.add_paragraph(line)
    saved = io.BytesIO()
    document.save(saved)
    with zipfile.ZipFile(saved) as archive:  # python-docx stamps each entry with the time: put fixed dates back
        return _zip({name: archive.read(name) for name in archive.namelist()})


def pdf_bytes(text: str) -> bytes:
    """The letter as a PDF in 10-point Helvetica, a PDF viewer's own font: nothing embedded, a few KB."""
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    lines = _wrapped(text)
    pages = [lines[start:start + _LINES_PER_PAGE] for start in range(0, len(lines), _LINES_PER_PAGE)] or [[]]
    buffer = io.BytesIO()
    settings = {"pdf.use14corefonts": True, "pdf.compression": 9, "font.family": "sans-serif",
                "font.sans-serif": ["Helvetica"], "font.weight": "medium"}  # the core Helvetica's weight
    with matplotlib.rc_context(settings), PdfPages(
        buffer, metadata={"Creator": None, "Producer": None, "CreationDate": None}
    ) as pdf:
        for page in pages:
            figure = Figure(figsize=(8.27, 11.69))  # A4
            for row, line in enumerate(page):
                figure.text(0.1, 0.93 - row * 0.0165, line, fontsize=10, parse_math=False, va="baseline")
            pdf.savefig(figure)
    return buffer.getvalue()


def _wrapped(text: str) -> list[str]:
    """The letter's lines wrapped to the page, never inside a phone number (a check reads it whole)."""
    protected = re.sub(r"(\d{4}) (\d{3}) (\d{4})", "\\1\u00a0\\2\u00a0\\3", text)
    lines = []
    for line in protected.split("\n"):
        lines += textwrap.wrap(line, _LINE_WIDTH, break_on_hyphens=False) or [""]
    return [line.replace("\u00a0", " ") for line in lines]


def eml_bytes(text: str, reference: str | None, sent: pd.Timestamp, sender: str) -> bytes:
    """The letter sent as an e-mail's plain body, saved as .eml; its subject gives the reference where it has one."""
    message = EmailMessage()
    message["From"] = sender
    message["Subject"] = f"Your complaint {reference}: our response" if reference else "Your complaint: our response"
    message["Date"] = format_datetime(pd.Timestamp(sent).to_pydatetime().replace(hour=16))
    message.set_content(text)
    return bytes(message)


def legacy_doc_bytes(text: str) -> bytes:
    """A stand-in for a Word 97-2003 .doc: the compound-file signature then text, which no reader here opens."""
    return bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 24 + text.encode("cp1252", "replace")[:400]


def plan_files(letters: pd.DataFrame, rng: np.random.Generator, extras: dict[str, str] | None = None) -> pd.DataFrame:
    """Each letter's file name, kind of file and whether the name gives the reference.

    LETTERS: case_id, one row per letter. EXTRAS (clean data: none) names a case for each of
    `unreadable` (its letter sent as a legacy .doc) and `two_letters` (a second version of its
    response, as a PDF beside the .docx).
    """
    count = len(letters)
    kinds = np.asarray(list(_KIND_SHARES), dtype=object)[
        rng.choice(len(_KIND_SHARES), size=count, p=list(_KIND_SHARES.values()))
    ]
    numbered = rng.random(count) < _NUMBERED_SHARE
    numbers = rng.permutation(np.arange(10_000, 100_000))[:count]
    case_ids = letters["case_id"].astype(str).to_numpy()
    plan = pd.DataFrame({"case_id": case_ids, "suffix": kinds, "reference_in": np.where(numbered, "text", "name")})
    extras = extras or {}
    if "two_letters" in extras:
        plan.loc[plan["case_id"].eq(extras["two_letters"]), ["suffix", "reference_in"]] = [".docx", "name"]
    if "unreadable" in extras:
        plan.loc[plan["case_id"].eq(extras["unreadable"]), ["suffix", "reference_in"]] = [".doc", "name"]
    by_number = plan["reference_in"].eq("text").to_numpy()
    stem = np.where(by_number, pd.Series(numbers).map("DOC{:05d}".format).to_numpy(), plan["case_id"] + " response")
    plan["file"] = stem + plan["suffix"]
    return plan


def write_letter_files(
    letters: pd.DataFrame, folder: Path, rng: np.random.Generator, sender: str, extras: dict[str, str] | None = None
) -> dict:
    """Write one file per letter into FOLDER (emptied first) and return the ground truth of what was written.

    LETTERS: case_id, letter (the text), responded (the date sent). EXTRAS: see plan_files, plus
    `no_such_case`, the case whose letter is also saved under a reference with a typing slip.
    """
    extras = extras or {}
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if old.is_file():
            old.unlink()
    plan = plan_files(letters, rng, extras)
    template = minimal_docx_template()
    texts = letters["letter"].astype(str).to_numpy()
    sent = letters["responded"].to_numpy()
    for position, row in enumerate(plan.itertuples(index=False)):  # one file each: writing files is the work
        _write(folder / row.file, row.suffix, texts[position], row.case_id if row.reference_in == "name" else None,
               sent[position], sender, template)
    unmatched = []
    if "two_letters" in extras:
        case_id = extras["two_letters"]
        position = int(np.flatnonzero(plan["case_id"].eq(case_id))[0])
        name = f"{case_id} response (2).pdf"
        _write(folder / name, ".pdf", texts[position], case_id, sent[position], sender, template)
        unmatched += [{"file": plan.loc[position, "file"], "case_id": case_id, "reason": "two_letters"},
                      {"file": name, "case_id": case_id, "reason": "two_letters"}]
    if "unreadable" in extras:
        case_id = extras["unreadable"]
        unmatched.append({"file": f"{case_id} response.doc", "case_id": case_id, "reason": "unreadable"})
    if "no_such_case" in extras:
        case_id = extras["no_such_case"]
        position = int(np.flatnonzero(plan["case_id"].eq(case_id))[0])
        slip = extras["slip"]
        name = f"{slip} response.docx"
        _write(folder / name, ".docx", texts[position].replace(case_id, slip), slip, sent[position], sender, template)
        unmatched.append({"file": name, "case_id": slip, "reason": "no_such_case"})
    unmatched_files = {entry["file"] for entry in unmatched}
    matched = plan[~plan["file"].isin(unmatched_files)]
    return {
        "folder": FOLDER,
        "reference_pattern": REFERENCE_PATTERN,
        "files": int(len(plan) + len(unmatched_files - set(plan["file"]))),
        "matched": {row.file: {"case_id": row.case_id, "stage": "1", "reference_in": row.reference_in}
                    for row in matched.sort_values("file").itertuples(index=False)},
        "unmatched": sorted(unmatched, key=lambda entry: entry["file"]),
    }


def _write(path: Path, suffix: str, text: str, reference: str | None, sent, sender: str, template: bytes) -> None:
    if suffix == ".docx":
        data = docx_bytes(text, template)
    elif suffix == ".pdf":
        data = pdf_bytes(text)
    elif suffix == ".eml":
        data = eml_bytes(text, reference, pd.Timestamp(sent), sender)
    else:
        data = legacy_doc_bytes(text)
    path.write_bytes(data)
