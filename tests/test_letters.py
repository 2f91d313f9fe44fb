"""[letters]: response letters as files (Word, PDF, e-mail) read, matched to cases, masked, and read by the QR checks."""

from __future__ import annotations

import json
from email.message import EmailMessage
from pathlib import Path

import docx
import openpyxl
import pandas as pd
import pytest

from complaint_audit.cli import app
from complaint_audit.config import LettersConfig, load_config
from complaint_audit.errors import UserError
from complaint_audit.letters.identify import Identity
from complaint_audit.letters.read import Letter, read_letter
from complaint_audit.letters.reconcile import match_letters
from complaint_audit.letters.suggest import reference_shape
from complaint_audit.letters.text import text_of_file
from complaint_audit.letters.unreadable import Unreadable
from complaint_audit.store import Store

from .builders import WIDE_HEADER, WIDE_PROFILE

REFERENCE = r"C-\d{3}"
PATTERN = f"reference_pattern = '{REFERENCE}'"  # a TOML literal string: backslashes as written
FINAL = ("I have not upheld your complaint. If you remain unhappy you may contact the Local Government and Social Care "
         "Ombudsman on 0300 061 0614 or at www.lgo.org.uk within 12 months.")


def write_docx(path: Path, body: list[str], header: str = "", footer: str = "", table: list[list[str]] = ()) -> Path:
    document = docx.Document()
    if header:
        document.sections[0].header.paragraphs[0].text = header
    if footer:
        document.sections[0].footer.paragraphs[0].text = footer
    for line in body:
        document.add_paragraph(line)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def write_pdf(path: Path, lines: list[str]) -> Path:
    """A one-page PDF with a text layer (matplotlib's PDF backend); no lines gives a page with no text, as a scan has."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8.27, 11.69))
    for number, line in enumerate(lines):
        figure.text(0.1, 0.9 - 0.03 * number, line, fontsize=9)
    if not lines:
        figure.add_artist(matplotlib.patches.Rectangle((0.1, 0.1), 0.5, 0.5, transform=figure.transFigure))
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="pdf")
    return path


def write_eml(path: Path, subject: str, body: str, html: bool = False, attach: Path | None = None) -> Path:
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = subject, "complaints@council.example", "ann@example.org"
    message.set_content(f"<html><body><p>{body}</p></body></html>", subtype="html") if html else message.set_content(body)
    if attach is not None:
        message.add_attachment(attach.read_bytes(), maintype="application", subtype="octet-stream", filename=attach.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(message))
    return path


# -- text from each kind of file ----------------------------------------------------------------------------------


def test_a_docx_is_read_with_its_header_body_table_and_footer(tmp_path):
    path = write_docx(tmp_path / "a.docx", ["Dear Ann,", "The body."], header="Our ref C-001", footer="Page footer",
                      table=[["Phone", "07700 900123"]])
    text = text_of_file(path)
    assert text.text.splitlines() == ["Our ref C-001", "Dear Ann,", "The body.", "Phone\t07700 900123", "Page footer"]
    assert text.first_page.startswith("Our ref C-001")


def _python_docx_text(path: Path) -> str:
    """The text python-docx gives of a letter, read as letters/docx_text.py reads it: the oracle its XML reading keeps to."""
    document = docx.Document(str(path))

    def blocks(container) -> list[str]:
        return [line for block in container.iter_inner_content()
                for line in (["\t".join(dict.fromkeys(cell.text for cell in row.cells)) for row in block.rows]
                             if hasattr(block, "rows") else [block.text])]

    headers, footers = [], []
    for section in document.sections:
        for part, into in ((section.header, headers), (section.first_page_header, headers), (section.even_page_header, headers),
                           (section.footer, footers), (section.first_page_footer, footers), (section.even_page_footer, footers)):
            if not part.is_linked_to_previous:
                into.extend(blocks(part))
    return "\n".join([*dict.fromkeys(line for line in headers if line.strip()), *blocks(document),
                      *dict.fromkeys(line for line in footers if line.strip())])


def test_a_docx_reads_as_python_docx_reads_it_merged_cells_breaks_links_and_sections_included(tmp_path):
    from docx.enum.section import WD_SECTION
    from docx.oxml import parse_xml

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Our ref C-001"
    document.sections[0].different_first_page_header_footer = True
    document.sections[0].first_page_header.paragraphs[0].text = "First page: Ann Lee"
    document.sections[0].first_page_footer.paragraphs[0].text = "Our ref C-001"
    paragraph = document.add_paragraph("Line one")
    paragraph.add_run().add_break()  # a line break is a newline; a page break is nothing
    paragraph.add_run("line two\tafter a tab")
    paragraph.add_run().add_break(docx.enum.text.WD_BREAK.PAGE)
    namespaces = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    paragraph._p.append(parse_xml(f'<w:hyperlink {namespaces}><w:r><w:t xml:space="preserve"> www.lgo.org.uk</w:t></w:r>'
                                  '<w:r><w:noBreakHyphen/><w:t>x</w:t></w:r></w:hyperlink>'))
    paragraph._p.append(parse_xml(f'<w:ins {namespaces} w:id="1" w:author="a" w:date="2024-01-01T00:00:00Z"><w:r><w:t>tracked'
                                  '</w:t></w:r></w:ins>'))
    grid = document.add_table(rows=3, cols=3)
    for row, values in zip(grid.rows, [["Name", "Ann Lee", "x"], ["Address", "1 High St", "y"], ["Phone", "", "z"]], strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    grid.cell(0, 1).merge(grid.cell(0, 2))  # across: the merged cell once
    grid.cell(1, 1).merge(grid.cell(2, 1))  # down: the row below repeats the cell above
    grid.cell(2, 0).add_paragraph("second paragraph in a cell")
    later = document.add_section(WD_SECTION.NEW_PAGE)
    later.header.is_linked_to_previous = False
    later.header.paragraphs[0].text = "Section two's header"
    document.add_paragraph("In section two.")
    path = tmp_path / "letter.docx"
    document.save(str(path))

    text = text_of_file(path).text
    assert text == _python_docx_text(path)
    assert text.split("\n") == [
        "Our ref C-001", "First page: Ann Lee", "Section two's header",  # each header once, in section order
        "Line one", "line two\tafter a tab www.lgo.org.uk-x",  # not the tracked insertion
        "Name\tAnn Lee", "x",  # the merged cell once, its two paragraphs on two lines
        "Address\t1 High St", "\ty",
        "Phone", "second paragraph in a cell\t1 High St", "\tz",  # the cell merged down repeats the one above
        "", "In section two.",  # the paragraph that ends section one
        "Our ref C-001",
    ]


def test_the_sample_s_word_letters_read_as_python_docx_reads_them():
    from importlib.resources import files

    from complaint_audit.letters.docx_text import docx_text

    letters = sorted(Path(str(files("complaint_audit.sample_data"))).glob("letters/*.docx"))
    assert len(letters) == 182
    assert [docx_text(path) for path in letters] == [_python_docx_text(path) for path in letters]


def test_a_pdf_is_read_from_its_text_layer_page_by_page(tmp_path):
    text = text_of_file(write_pdf(tmp_path / "a.pdf", ["Our ref C-001", "Stage 2 response"]))
    assert "Our ref C-001" in text.text and "Stage 2 response" in text.first_page


def test_a_pdf_without_a_text_layer_is_unreadable_and_not_read_by_ocr(tmp_path):
    with pytest.raises(Unreadable, match="without a text layer"):
        text_of_file(write_pdf(tmp_path / "scan.pdf", []))


def test_a_pdf_is_read_page_by_page_with_one_newline_a_line_and_its_first_page_alone(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    for lines in (["Our ref C-001", "Stage 2 response"], ["Yours sincerely", "Complaints Team"]):
        writer.append(str(write_pdf(tmp_path / f"{lines[0]}.pdf", lines)))
    writer.write(tmp_path / "two pages.pdf")
    text = text_of_file(tmp_path / "two pages.pdf")
    assert text.text.splitlines() == ["Our ref C-001", "Stage 2 response", "Yours sincerely", "Complaints Team"]
    assert text.first_page == "Our ref C-001\nStage 2 response"


@pytest.mark.parametrize(("user_password", "read"), [("secret", False), ("", True)])
def test_a_pdf_locked_by_a_password_is_unreadable_and_one_only_restricted_is_read(tmp_path, user_password, read):
    """A password to open the file stops the read; an owner password that only restricts printing does not."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.append(str(write_pdf(tmp_path / "plain.pdf", ["Our ref C-001", "Stage 2 response"])))
    writer.encrypt(user_password=user_password, owner_password="owner")
    writer.write(tmp_path / "locked.pdf")
    if read:
        assert text_of_file(tmp_path / "locked.pdf").text.splitlines() == ["Our ref C-001", "Stage 2 response"]
    else:
        with pytest.raises(Unreadable, match="a PDF protected by a password"):
            text_of_file(tmp_path / "locked.pdf")


def test_an_eml_gives_its_subject_its_body_and_an_attached_letter(tmp_path):
    attached = write_docx(tmp_path / "attached.docx", ["The attached decision."])
    text = text_of_file(write_eml(tmp_path / "a.eml", "Your complaint C-001", "Please find attached.", attach=attached)).text
    assert text.split("\n") == ["Subject: Your complaint C-001", "Please find attached.", "The attached decision."]


def test_a_real_outlook_msg_is_read_with_its_subject_and_body():
    """A message Outlook wrote (extract-msg's example, kept beside the repository: see its SOURCE.md)."""
    path = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real" / "outlook_msg" / "strangeDate.msg"
    if not path.exists():
        pytest.skip(f"{path} is not here: a real .msg is not committed (its source is GPL)")
    letter = text_of_file(path)
    assert letter.text.startswith("Subject: MSG Test File\nMSG test file\nPurpose: Provide example of this file type\n")
    assert "\r" not in letter.text and letter.first_page == letter.text[:3_000]


def test_an_html_only_eml_is_read_as_its_text(tmp_path):
    text = text_of_file(write_eml(tmp_path / "a.eml", "Re: C-001", "We <b>upheld</b> it.", html=True)).text
    assert "We upheld it." in text and "<b>" not in text


@pytest.mark.parametrize(("name", "content", "why"), [
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500, "legacy Word .doc"),
    ("broken.docx", b"not a zip", "not a Word .docx file"),
    ("broken.pdf", b"%PDF-1.4 nothing else", "not a readable PDF"),
    ("broken.msg", b"not an Outlook file", "not a readable Outlook .msg file"),
    ("notes.txt", b"C-001", "not a letter file this tool reads"),
])
def test_files_that_cannot_be_read_say_why(tmp_path, name, content, why):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(Unreadable, match=why):
        text_of_file(path)


def test_a_docx_zip_bomb_is_refused_before_it_inflates(tmp_path, monkeypatch):
    import complaint_audit.letters.docx_text as docx_text

    monkeypatch.setattr(docx_text, "LETTER_MAX_PART_BYTES", 1000)
    path = write_docx(tmp_path / "big.docx", ["x" * 5000])
    with pytest.raises(Unreadable, match="inflate past the size limits"):
        text_of_file(path)


# -- matching and its reconciliation ------------------------------------------------------------------------------

CASES = pd.DataFrame({"organisation": ["Eastmoor", "Eastmoor", "Eastmoor", "Eastmoor", "Westvale"],
                      "case_id": ["C-001", "C-002", "C-002", "C-003", "C-003"], "stage": ["1", "1", "2", "1", "1"]})


def _letter(label, reference=None, stage=None, kind="response", unreadable=None):
    return Letter(label, "0" * 64, None if unreadable else "text", unreadable, Identity(reference, "name", stage, kind))


def test_each_unmatched_reason_and_letters_read_equal_matched_plus_unmatched():
    letters = [
        _letter("ok.docx", "c-001 "),  # case and spaces ignored: the record's spelling is kept
        _letter("scan.pdf", unreadable="a PDF without a text layer"),
        _letter("nothing.docx"),
        _letter("gone.docx", "C-999"),
        _letter("both.docx", "C-003"),
        _letter("which.docx", "C-002"),
        _letter("stage9.docx", "C-001", stage="2"),
        _letter("twice-a.docx", "C-002", stage="2"),
        _letter("twice-b.pdf", "C-002", stage="2"),
        _letter("extension.docx", "C-002", stage="2", kind="extension"),
    ]
    frame = match_letters(letters, CASES)
    reasons = dict(zip(frame["letter"], frame["reason"].fillna("matched"), strict=True))
    assert reasons == {"ok.docx": "matched", "scan.pdf": "unreadable", "nothing.docx": "no_reference", "gone.docx": "no_such_case",
                       "both.docx": "ambiguous_case", "which.docx": "stage_unknown", "stage9.docx": "no_such_case",
                       "twice-a.docx": "two_letters", "twice-b.pdf": "two_letters", "extension.docx": "matched"}
    assert frame.loc[0, ["case_id", "organisation", "stage"]].tolist() == ["C-001", "Eastmoor", "1"]
    assert frame["status"].value_counts().to_dict() == {"unmatched": 8, "matched": 2}


# -- a small audit with a letters folder --------------------------------------------------------------------------

ROWS = [
    "C-001,Member of Public,Ann Lee,ann@example.org,03/04/2023,14/04/2023,Not Upheld,,,,",
    "C-002,Member of Public,Bob Ray,bob@example.org,03/04/2023,14/04/2023,Not Upheld,20/04/2023,10/05/2023,Not Upheld,",
    "C-003,Member of Public,Cy Fox,cy@example.org,03/04/2023,14/04/2023,Not Upheld,,,,Column letter: " + FINAL,
]


@pytest.fixture
def audit(tmp_path, monkeypatch):
    """An audit folder: a corporate export of three cases (C-003 has a letter in its column), no [letters] yet."""
    monkeypatch.setenv("COMPLAINT_AUDIT_KEY", "test-key-0123456789")
    (tmp_path / "wide.toml").write_text(WIDE_PROFILE, encoding="utf-8")
    (tmp_path / "export.csv").write_text("\n".join(["Complaints export", WIDE_HEADER, *ROWS]) + "\n", encoding="utf-8")
    (tmp_path / "audit.toml").write_text('as_of = 2024-01-01\n\n[[sources]]\nprofile = "wide.toml"\nfiles = ["export.csv"]\n',
                                         encoding="utf-8")
    (tmp_path / "letters").mkdir()
    return tmp_path


def with_letters(audit: Path, settings: str = PATTERN) -> Path:
    with (audit / "audit.toml").open("a", encoding="utf-8") as config:
        config.write(f'\n[letters]\nfolder = "letters"\n{settings}\n')
    return audit / "audit.toml"


def run(runner, config: Path, *options: str):
    runs = config.parent / "runs"
    earlier = set(runs.iterdir()) if runs.exists() else set()
    result = runner.invoke(app, ["run", str(config), "--out", str(runs), "--format", "md", *options])
    assert result.exit_code in (0, 1), result.output
    # The run just made: two runs in one second differ only by a random suffix, so the last by name may be the first.
    (run_dir,) = [path for path in runs.iterdir() if path.is_dir() and path not in earlier]
    return result, run_dir


def response_texts(run_dir: Path) -> dict:
    records = Store(run_dir / "store").read_records()
    return {(str(case), str(stage)): text for case, stage, text in zip(records["case_id"], records["stage"], records["response_text"], strict=True)
            if isinstance(text, str)}


def test_run_reads_letters_matches_them_and_the_qr_findings_change(runner, audit):
    _, before = run(runner, audit / "audit.toml")
    write_docx(audit / "letters" / "C-001 response.docx", ["Dear Ann Lee,", FINAL])
    write_pdf(audit / "letters" / "C-002 stage 2.pdf", ["Stage 2 response", "We have not upheld your complaint."])
    write_eml(audit / "letters" / "reply.eml", "Your complaint C-404", FINAL)
    (audit / "letters" / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    result, after = run(runner, with_letters(audit))
    assert "Letters read 4 = matched 2 + unmatched 2 (unreadable 1, no_such_case 1)." in result.output

    checks = {check["code"]: check for check in json.loads((before / "results.json").read_text())["checks"]}
    assert checks["QR002"]["metrics"]["letters"] == 1  # only C-003's column letter
    checks = {check["code"]: check for check in json.loads((after / "results.json").read_text())["checks"]}
    assert checks["QR002"]["metrics"]["letters"] == 3
    assert checks["QR004"]["metrics"]["letters"] == 3  # every one a final or single-stage answer, read for the escalation route

    manifest = json.loads((after / "manifest.json").read_text())["letters"]
    assert (manifest["read"], manifest["matched"], manifest["unmatched"]) == (4, 2, 2)
    assert [item["letter"] for item in manifest["files"]] == ["letters/C-001 response.docx", "letters/C-002 stage 2.pdf",
                                                              "letters/old.doc", "letters/reply.eml"]
    assert all(len(item["sha256"]) == 64 for item in manifest["files"])
    report = (after / "report.md").read_text()
    assert "4 letter files read = 2 matched to a case and stage + 2 unmatched" in report
    # Each unmatched letter by what it gives and its row in the workbook's sheet, where its file is named
    assert "| 2 | response (.doc) with no case reference found | unreadable:" in report
    assert "| 3 | response (.eml) for C-404 | no\\_such\\_case:" in report and "reply.eml" not in report
    sheet = openpyxl.load_workbook(after / "exceptions.xlsx")["Unmatched letters"]
    assert [sheet.cell(row, 1).value for row in (2, 3)] == ["letters/old.doc", "letters/reply.eml"]
    assert "Dear" not in report  # letter text stays out of a report without free_text


def test_the_unmatched_letters_are_a_workbook_sheet(runner, audit):
    (audit / "letters" / "nothing here.docx").write_bytes(b"not a zip")
    _, run_dir = run(runner, with_letters(audit))
    sheet = pd.read_excel(run_dir / "exceptions.xlsx", sheet_name="Unmatched letters", engine="openpyxl")
    assert sheet[["letter", "reason"]].values.tolist() == [["letters/nothing here.docx", "unreadable"]]


def test_a_complainants_name_in_two_letters_file_names_is_masked_wherever_they_are_named(runner, audit):
    """Two letters for one case are both unmatched, each named in the other's detail: the names of the files, which a
    case system or an officer may give the complainant's name, are masked there as in the list of letters, in the
    manifest, the report and the workbook's sheet of unmatched letters."""
    write_docx(audit / "letters" / "C-002 Bob Ray stage 2.docx", ["Stage 2 response", FINAL])
    write_pdf(audit / "letters" / "C-002 Bob Ray stage 2 (2).pdf", ["Stage 2 response", FINAL])
    _, run_dir = run(runner, with_letters(audit))
    files = json.loads((run_dir / "manifest.json").read_text())["letters"]["files"]
    assert [(item["letter"], item["reason"]) for item in files] == [
        ("letters/C-002 [name] [name] stage 2 (2).pdf", "two_letters"), ("letters/C-002 [name] [name] stage 2.docx", "two_letters")]
    assert {item["detail"] for item in files} == {"one of 2 response letters for this case and stage"}
    sheet = pd.read_excel(run_dir / "exceptions.xlsx", sheet_name="Unmatched letters", engine="openpyxl")
    for shown in (json.dumps(files), (run_dir / "report.md").read_text(), sheet.to_csv()):
        assert "Bob" not in shown and "Ray" not in shown


def test_the_report_names_no_unmatched_letters_file_so_a_name_no_export_holds_stays_out(runner, audit):
    """A letter of a case outside the exports, its file named for the complainant: no export holds the name, so it is
    not known to be one and is not masked. The report describes the letter by what it gives and points to its row in
    the workbook's sheet, which names the file for the officers who must find it."""
    write_docx(audit / "letters" / "C-404 Zebedee Quantock stage 2.docx", ["Stage 2 response", FINAL])
    _, run_dir = run(runner, with_letters(audit), "--format", "md,html")
    report = (run_dir / "report.md").read_text()
    assert "Zebedee" not in report and "Quantock" not in report
    assert "| 2 | Stage 2 response (.docx) for C-404 | no\\_such\\_case:" in report
    html = (run_dir / "report.html").read_text()
    assert "Zebedee" not in html and "<th scope=\"row\">Stage 2 response (.docx) for C-404</th>" in html
    sheet = openpyxl.load_workbook(run_dir / "exceptions.xlsx")["Unmatched letters"]
    assert sheet.cell(2, 1).value == "letters/C-404 Zebedee Quantock stage 2.docx"


def test_each_organisations_report_lists_the_unmatched_letters_at_their_rows_in_its_own_workbook(runner, audit):
    """A run of two organisations: each one's report lists the run's unmatched letters (one that matched no case is of
    no organisation known) by their rows in the "Unmatched letters" sheet of its own exceptions.xlsx, which it links to."""
    (audit / "north.toml").write_text(WIDE_PROFILE.replace("Testshire Council", "Northmoor Council"), encoding="utf-8")
    # The same cases under another council (not the same file's content, which a load would take for the same file)
    (audit / "north.csv").write_text((audit / "export.csv").read_text(encoding="utf-8").replace("Cy Fox", "Di Fox"),
                                     encoding="utf-8")
    with (audit / "audit.toml").open("a", encoding="utf-8") as config:
        config.write('\n[[sources]]\nprofile = "north.toml"\nfiles = ["north.csv"]\n')
    write_docx(audit / "letters" / "C-001 response.docx", ["Dear Ann,", FINAL])  # a case of both: ambiguous
    write_docx(audit / "letters" / "C-404 response.docx", ["Dear Sir,", FINAL])
    _, run_dir = run(runner, with_letters(audit))
    folders = sorted((run_dir / "organisations").iterdir())
    assert len(folders) == 2
    for folder in folders:
        report = (folder / "report.md").read_text()
        assert "| 2 | response (.docx) for C-001 | ambiguous\\_case:" in report
        assert "| 3 | response (.docx) for C-404 | no\\_such\\_case:" in report
        sheet = openpyxl.load_workbook(folder / "exceptions.xlsx")["Unmatched letters"]
        assert [sheet.cell(row, 1).value for row in (2, 3)] == ["letters/C-001 response.docx", "letters/C-404 response.docx"]


def test_a_letter_that_cannot_be_opened_says_why_without_its_path(tmp_path, monkeypatch):
    """An OSError's message ends with the file's path, which may hold the complainant's name: the reason keeps its
    words only (a file this user may not read, as a share's permissions leave some)."""
    folder = tmp_path / "letters"
    folder.mkdir()
    letter = write_docx(folder / "C-001 Ann Lee.docx", ["Dear Ms Lee,", FINAL])
    opened = Path.open

    def refused(path, *args, **kwargs):
        if path == letter:
            raise PermissionError(13, "Permission denied", str(path))
        return opened(path, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refused)
    read = read_letter(letter, LettersConfig(folder=folder), None)
    assert (read.label, read.unreadable) == ("letters/C-001 Ann Lee.docx", "Permission denied")


def test_names_and_contact_details_in_a_docx_header_footer_and_table_are_masked(runner, audit):
    write_docx(audit / "letters" / "letter.docx", ["Dear Mrs Lee,", FINAL], header="Ann Lee, ref C-001",
               footer="ann@example.org", table=[["Phone", "07700 900123"], ["Postcode", "NR1 2AB"]])
    _, run_dir = run(runner, with_letters(audit))
    text = response_texts(run_dir)[("C-001", "1")]
    assert text.splitlines()[:5] == ["[name] [name], ref C-001", "Dear [name],", FINAL, "Phone\t[phone]", "Postcode\t[postcode]"]
    assert text.splitlines()[-1] == "[email]"


def test_the_reference_is_found_in_the_first_page_when_the_name_has_none(runner, audit):
    write_pdf(audit / "letters" / "scan0001.pdf", ["Our reference: C-001", "We have not upheld your complaint."])
    _, run_dir = run(runner, with_letters(audit))
    assert "We have not upheld your complaint." in response_texts(run_dir)[("C-001", "1")]


def test_with_reference_in_name_only_a_reference_in_the_text_is_not_used(runner, audit):
    write_pdf(audit / "letters" / "scan0001.pdf", ["Our reference: C-001"])
    result, _ = run(runner, with_letters(audit, PATTERN + '\nreference_in = ["name"]'))
    assert "Letters read 1 = matched 0 + unmatched 1 (no_reference 1)." in result.output


def test_an_index_names_each_files_case_stage_and_kind(runner, audit):
    write_docx(audit / "letters" / "0001.docx", ["We have not upheld your complaint at Stage 2."])
    write_docx(audit / "letters" / "0002.docx", ["We need more time; you may contact the Ombudsman: www.lgo.org.uk"])
    write_docx(audit / "letters" / "0003.docx", ["Not in the index."])
    (audit / "index.csv").write_text("File,Case_ID,Stage,Kind\n0001.docx,C-002,2,response\n0002.docx,C-002,2,extension\n",
                                     encoding="utf-8")
    result, run_dir = run(runner, with_letters(audit, 'index = "index.csv"'))
    assert "Letters read 3 = matched 2 + unmatched 1 (no_reference 1)." in result.output
    assert response_texts(run_dir)[("C-002", "2")] == ("We have not upheld your complaint at Stage 2.\n\n[extension letter]\n"
                                                      "We need more time; you may contact the Ombudsman: www.lgo.org.uk")


@pytest.mark.parametrize(("prefer", "expected"), [("letter", "From the letter file."), ("column", "Column letter: ")])
def test_prefer_says_whether_a_letter_or_the_exports_column_wins(runner, audit, prefer, expected):
    write_docx(audit / "letters" / "C-003.docx", ["From the letter file."])
    _, run_dir = run(runner, with_letters(audit, PATTERN + f'\nprefer = "{prefer}"'))
    assert response_texts(run_dir)[("C-003", "1")].startswith(expected)


def test_the_letters_section_is_checked_with_the_config(audit):
    config = with_letters(audit, "reference_pattern = 'C-(\\d'")
    with pytest.raises(UserError, match=r"letters.reference_pattern: not a regular expression"):
        load_config(config)
    (audit / "audit.toml").write_text('[letters]\nfolder = "letters"\n', encoding="utf-8")
    with pytest.raises(UserError, match="say how to find each letter's case"):
        load_config(audit / "audit.toml")
    (audit / "audit.toml").write_text('[letters]\nfolder = "letters"\nindex = "x.csv"\nprefer = "both"\n', encoding="utf-8")
    with pytest.raises(UserError, match="letters.index: .*x.csv not found"):
        load_config(audit / "audit.toml")


@pytest.mark.parametrize("planted", ["a linked folder", "a bad index"])
def test_a_letters_folder_or_index_that_cannot_be_used_stops_the_run_before_anything_is_loaded(runner, audit, tmp_path_factory,
                                                                                          planted):
    """Listed and read before the exports load (the helper is handed the letters a few files at a time): the run stops
    with the error naming the file, and no run is begun."""
    write_docx(audit / "letters" / "C-001 response.docx", ["Dear Ann, we uphold your complaint."])
    if planted == "a linked folder":
        elsewhere = tmp_path_factory.mktemp("elsewhere")
        write_docx(elsewhere / "private.docx", ["Someone else's letter."])
        (audit / "letters" / "planted").symlink_to(elsewhere, target_is_directory=True)
        config, expected = with_letters(audit), (f"error: {audit}/letters/planted/private.docx: found through the symbolic link "
                                                 f"{audit}/letters/planted; links are not followed")
    else:
        (audit / "index.csv").write_text("File,Case_ID,Stage\nC-001 response.docx,C-001,4\n", encoding="utf-8")
        config, expected = with_letters(audit, 'index = "index.csv"'), f"error: {audit}/index.csv: row 2: stage '4' is not 1, 2 or 3"
    result = runner.invoke(app, ["run", str(config), "--out", str(audit / "runs"), "--format", "md"])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().startswith(expected)
    assert not (audit / "runs").exists() or not any((audit / "runs").iterdir())


def test_defaults_read_every_file_in_the_folder_and_let_a_letter_win():
    assert (LettersConfig(Path("letters")).files, LettersConfig(Path("letters")).prefer) == (("**/*",), "letter")


# -- init proposes [letters] from a folder among the exports --------------------------------------------------------


@pytest.mark.parametrize(("references", "pattern"), [
    (["ASC-2023-0012", "ASC-2024-0100"], r"ASC-\d{4}-\d{4}"),
    (["HC/101", "CC/202"], r"[A-Za-z]{2}/\d{3}"),  # prefixes that differ are any letters
    (["104523", "104524"], r"\d{6}"),
    ([f"C-{number:03}" for number in range(1, 31)] + ["LEGACY12"], r"C-\d{3}"),  # one in 31: a slip, not a scheme
    ([f"C-{number:03}" for number in range(1, 11)] + [f"{number}.1" for number in range(50, 60)],
     r"(?:C-\d{3}|\d{2}\.\d{1})"),
])
def test_the_reference_pattern_is_the_shape_of_the_exports_case_references(references, pattern):
    assert reference_shape(references) == rf"(?<![A-Za-z\d]){pattern}(?!\d)"


def test_references_without_digits_give_no_pattern():
    assert reference_shape(["pending", "n/a", ""]) is None


def test_init_with_a_letters_folder_drafts_letters_that_a_run_matches(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("COMPLAINT_AUDIT_KEY", "test-key-0123456789")
    (tmp_path / "export.csv").write_text("\n".join(["Complaints export", WIDE_HEADER, *ROWS]) + "\n", encoding="utf-8")
    write_docx(tmp_path / "letters" / "C-001 response.docx", ["Dear Ann Lee,", FINAL])
    write_pdf(tmp_path / "letters" / "C-002 stage 2.pdf", ["Stage 2 response", "We have not upheld your complaint."])
    write_docx(tmp_path / "letters" / "reply.docx", ["Our reference C-003", FINAL])  # the reference on the first page

    result = runner.invoke(app, ["init", str(tmp_path / "audit"), str(tmp_path / "export.csv"), str(tmp_path / "letters")])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "audit" / "audit.toml").read_text(encoding="utf-8")
    assert ("reference_pattern = '(?<![A-Za-z\\d])C-\\d{3}(?!\\d)' # confirm: the shape of the exports' case references; "
            "found in 2 of 3 file names") in text
    config = tmp_path / "audit" / "audit.toml"
    config.write_text(text.replace('organisation = "CHANGE ME: the council\'s name"', 'organisation = "Testshire Council"'),
                      encoding="utf-8")
    result, run_dir = run(runner, config)
    assert "Letters read 3 = matched 3 + unmatched 0." in result.output


def test_init_refuses_two_letters_folders(runner, tmp_path):
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()

    result = runner.invoke(app, ["init", str(tmp_path / "audit"), str(tmp_path / "a"), str(tmp_path / "b")])

    assert result.exit_code == 2
    assert "are both folders: give one folder of letters" in result.output
    assert not (tmp_path / "audit").exists()
