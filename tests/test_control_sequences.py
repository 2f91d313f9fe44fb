"""Terminal control sequences in an export's names reach no terminal, log or report (issue 20, defect 12)."""

from __future__ import annotations

import re

from complaint_audit.cli import app
from complaint_audit.printable import printable
from tests.bad_inputs import csv_profile, csv_row, csv_text

CLEAR_SCREEN = "\x1b[2J\x1b[H"
HYPERLINK = "\x1b]8;;http://evil.example/\x07click\x1b]8;;\x07"


def test_printable_removes_escape_sequences_c1_controls_and_bidi_overrides():
    assert printable(f"Team{CLEAR_SCREEN} A{HYPERLINK}\u009b2J\u202eevil\tend\n") == "Team Aclick2Jevil\tend\n"


def test_no_control_sequence_from_a_file_name_or_a_team_reaches_the_terminal_the_log_or_the_reports(runner, tmp_path):
    profile = csv_profile(tmp_path)
    export = tmp_path / f"complaints{CLEAR_SCREEN}\n2026-01-01T00:00:00+0000 INFO all checks passed.csv"
    rows = [csv_row(f"C{n}", Team=f"Housing{HYPERLINK}") for n in range(6)]
    rows += [csv_row(f"U{n}", Team="Visit http://evil.example/now or www.evil.example") for n in range(6)]
    export.write_text(csv_text(rows), encoding="utf-8")
    config = tmp_path / "audit.toml"
    config.write_text('organisation = "Testshire Council"\nperiod = "2023-24"\n\n[privacy]\nkey = "test-key-0123456789"\n\n'
                      f'[[sources]]\nprofile = "{profile.name}"\nfiles = ["complaints*.csv"]\n', encoding="utf-8")
    loaded = runner.invoke(app, ["load", "--config", str(config), "--store", str(tmp_path / "store")])
    ran = runner.invoke(app, ["run", str(config), "--out", str(tmp_path / "runs"), "--format", "html,md", "--fail-on", "never"])
    assert loaded.exit_code == 0 and ran.exit_code == 0, loaded.output + ran.output
    run_dir = next(path for path in (tmp_path / "runs").iterdir() if path.is_dir())
    outputs = {"load": loaded.output, "run": ran.output}
    outputs |= {name: (run_dir / name).read_text(encoding="utf-8") for name in ("report.md", "report.html", "run.log")}
    for name, text in outputs.items():
        assert "\x1b" not in text and "\x07" not in text, name
    # A line break in a file name would start what reads as a line of the log's own.
    log_lines = outputs["run.log"].splitlines()
    assert [line for line in log_lines if not re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} [A-Z]+ ", line)] == []
    assert len([line for line in log_lines if "\\n2026-01-01T00:00:00+0000 INFO all checks passed.csv" in line]) == 1
    markdown = outputs["report.md"]
    assert "http:\\/\\/evil.example" in markdown and "www\\.evil.example" in markdown
    assert "http://evil" not in markdown and "www.evil" not in markdown


def test_a_real_terminal_gets_no_hyperlink_or_escape_from_names_that_look_like_markup():
    """In a terminal, rich read '[link=...]' in a file name as markup and wrote its own OSC 8
    hyperlink; '[/b]' raised MarkupError. The CLI's consoles print data as it is."""
    import io

    from complaint_audit.cli import _PrintableConsole
    from complaint_audit.cli.terminal import reconciliation_tables
    from complaint_audit.ingest.load import LoadReport

    output = io.StringIO()
    terminal = _PrintableConsole(file=output, force_terminal=True, color_system="truecolor", width=200)
    report = LoadReport()
    report.files = [{"path": f"[link=mailto:x@evil.example]complaints[b]{CLEAR_SCREEN}.csv", "source_rows": 1, "read": 1,
                     "loaded": 1, "quarantined": 0, "reasons": {}}]
    for table in reconciliation_tables(report):
        terminal.print(table)
    terminal.print(f"note: [link=mailto:x@evil.example]click[/link] [/b]{HYPERLINK}")
    printed = output.getvalue()
    assert "\x1b]8" not in printed and "\x1b[2J" not in printed  # no hyperlink, no clear screen
    shown = re.sub(r"\x1b\[[0-9;]*m", "", printed)  # the console's own colours
    assert "[link=mailto:x@evil.example]complaints[b].csv" in shown and "[link=mailto:x@evil.example]click[/link] [/b]" in shown


def test_profile_suggest_writes_escapes_from_a_header_as_escaped_text_never_as_control_characters(runner, tmp_path):
    """A header cell and a value carrying ESC and OSC: the draft printed or written holds them
    escaped inside strings (the column really is named so) and drops them from comments."""
    import tomllib

    export = tmp_path / "esc.csv"
    export.write_text("Case Ref,Date \x1b]8;;http://evil\x07Received\x1b[2J,Outcome\nC1,01/04/2024,Upheld\x1b[31m\n", encoding="utf-8")
    printed = runner.invoke(app, ["profile", "suggest", str(export)])
    written = runner.invoke(app, ["profile", "suggest", str(export), "--out", str(tmp_path / "draft.toml")])
    assert printed.exit_code == 0 and written.exit_code == 0, printed.output + written.output
    draft = (tmp_path / "draft.toml").read_text(encoding="utf-8")
    assert [text for text in (printed.stdout, written.stdout, draft) if re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)] == []
    assert 'received = "Date \\u001b]8;;http://evil\\u0007Received\\u001b[2J"  # confirm:' in draft
    assert tomllib.loads(draft)["values"]["outcome"]["upheld"] == ["Upheld\x1b[31m"]
