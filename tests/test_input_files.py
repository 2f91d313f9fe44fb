"""Input files the tool must refuse before reading, or read whatever their name (issue 20, defects 10, 14, 16 and 17)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from complaint_audit.cli import app
from complaint_audit.ingest import limits

PROFILE = """
[source]
name = "parquet"

[constants]
organisation = "Northshire County Council"
process = "corporate"

[columns]
case_id = "Case Ref"
stage = "Stage"
received = "Received"
"""


def test_a_parquet_file_declaring_more_values_than_the_limit_is_refused_from_its_footer(runner, tmp_path, monkeypatch):
    export = tmp_path / "big.parquet"
    pd.DataFrame({"Case Ref": [f"C{n}" for n in range(600)], "Stage": "Stage 1", "Received": "2023-04-14"}).to_parquet(export)
    (tmp_path / "profile.toml").write_text(PROFILE)
    monkeypatch.setattr(limits, "MAX_CELLS", 1000)
    result = runner.invoke(app, ["load", "--profile", str(tmp_path / "profile.toml"), str(export), "--store", str(tmp_path / "store")])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (f"error: {export}: declares 600 rows of 3 columns (0 MB decompressed); the limits are "
                                     "10,000,000 rows, 1,000 values and 8,192 MB: split the export, or check it is the file you meant")
    assert not (tmp_path / "store").exists()


def test_profile_suggest_refuses_a_header_of_a_million_columns_at_once(runner, tmp_path):
    export = tmp_path / "million.csv"
    export.write_text(",".join(f"C{n}" for n in range(1_000_000)) + "\n" + ",".join("1" * 1_000_000) + "\n")
    result = runner.invoke(app, ["profile", "suggest", str(export), "--out", str(tmp_path / "draft.toml")])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().startswith(f"error: {export}: 1,000,000 columns; at most 2,000")
    assert not (tmp_path / "draft.toml").exists()


def test_profile_suggest_refuses_json_and_parquet_of_too_many_columns(runner, tmp_path):
    wide = pd.DataFrame([[1] * 2001], columns=[f"C{n}" for n in range(2001)])
    wide.to_parquet(tmp_path / "wide.parquet")
    wide.to_json(tmp_path / "wide.json", orient="records")
    for name in ("wide.parquet", "wide.json"):
        result = runner.invoke(app, ["profile", "suggest", str(tmp_path / name), "--out", str(tmp_path / "draft.toml")])
        assert result.exit_code == 2, result.output
        assert {"wide.parquet": "2,001 columns; at most 2,000", "wide.json": "2,001 different keys; at most 2,000"}[name] in result.stderr



def _load(runner, tmp_path, export, profile):
    return runner.invoke(app, ["load", "--profile", str(profile), str(export), "--store", str(tmp_path / "store")],
                         env={"COMPLAINT_AUDIT_KEY": "a-long-enough-test-key-0123456789"})


def test_links_pipes_and_devices_are_refused_as_exports_and_never_opened(runner, tmp_path):
    """Issue 20, defects 10 and 17: a link can point at any file, whose first line an error would show;
    a pipe or /dev/zero never ends."""
    import os

    from tests.bad_inputs import csv_profile

    profile = csv_profile(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:the first line of a system file\n")
    (tmp_path / "linked.csv").symlink_to(secret)
    os.mkfifo(tmp_path / "pipe.csv")
    expected = {tmp_path / "linked.csv": "a symbolic link; give the file itself (links are not followed)",
                tmp_path / "pipe.csv": "a named pipe (FIFO), not a file; give the file itself"}
    if Path("/dev/zero").exists():
        expected[Path("/dev/zero")] = "a device, not a file; give the file itself"
    for export, message in expected.items():
        result = _load(runner, tmp_path, export, profile)
        assert result.exit_code == 2, result.output
        assert result.stderr.strip() == f"error: {export}: {message}"
        assert "root:x" not in result.output
        suggested = runner.invoke(app, ["profile", "suggest", str(export), "--out", str(tmp_path / "draft.toml")])
        assert suggested.exit_code == 2 and f"error: {export}: {message}" in suggested.stderr


def test_a_file_name_that_is_not_utf8_loads_and_is_named_with_its_bad_bytes_shown(runner, tmp_path):
    """A Latin-1 'café.csv' on Linux stopped the run with 'surrogates not allowed' (issue 20, defect 14)."""
    import json
    import os

    from tests.bad_inputs import csv_profile, csv_row, csv_text

    profile = csv_profile(tmp_path)
    name = os.fsdecode(b"caf\xe9.csv")
    try:
        (tmp_path / name).write_text(csv_text([csv_row("C1")]))
    except (UnicodeEncodeError, OSError):  # a file system that takes only valid names
        import pytest

        pytest.skip("this file system refuses names that are not UTF-8")
    config = tmp_path / "audit.toml"
    config.write_text(f'organisation = "Testshire Council"\n\n[privacy]\nkey = "test-key-0123456789"\n\n'
                      f'[[sources]]\nprofile = "{profile.name}"\nfiles = ["caf*.csv"]\n')
    result = runner.invoke(app, ["run", str(config), "--out", str(tmp_path / "runs"), "--format", "md", "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    run_dir = next((tmp_path / "runs").glob("2*"))
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert [entry["path"] for entry in manifest["inputs"]] == ["caf\\xe9.csv"]
    assert "caf\\\\xe9.csv" in (run_dir / "report.md").read_text(encoding="utf-8")


def _run(runner, config: Path, out: Path):
    return runner.invoke(app, ["run", str(config), "--out", str(out), "--format", "md", "--fail-on", "never", "--quiet"],
                         env={"COMPLAINT_AUDIT_KEY": "a-long-enough-test-key-0123456789"})


def test_profiles_and_audit_toml_that_are_links_are_refused_like_exports(runner, tmp_path):
    """Issue 20, defect 10: every file the tool reads goes through one check, profiles and audit.toml included."""
    from tests.bad_inputs import GOOD_ROWS, csv_profile, csv_text

    profile = csv_profile(tmp_path)
    (tmp_path / "export.csv").write_text(csv_text(GOOD_ROWS))
    (tmp_path / "linked.toml").symlink_to(profile)
    result = _load(runner, tmp_path, tmp_path / "export.csv", tmp_path / "linked.toml")
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == f"error: {tmp_path / 'linked.toml'}: a symbolic link; give the profile itself (links are not followed)"
    config = tmp_path / "audit.toml"
    config.write_text(f'organisation = "Testshire Council"\n\n[[sources]]\nprofile = "{profile.name}"\nfiles = ["export.csv"]\n')
    (tmp_path / "linked-audit.toml").symlink_to(config)
    result = _run(runner, tmp_path / "linked-audit.toml", tmp_path / "runs")
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (f"error: {tmp_path / 'linked-audit.toml'}: a symbolic link; give the config itself "
                                     "(links are not followed)")


def test_a_glob_does_not_follow_a_linked_folder_but_a_folder_named_in_the_pattern_is_followed(runner, tmp_path):
    """Issue 20, defect 10: `exports/**/*.csv` with a planted link to another folder read every CSV there."""
    from tests.bad_inputs import GOOD_ROWS, csv_profile, csv_text

    profile = csv_profile(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "private.csv").write_text(csv_text(GOOD_ROWS))
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "planted").symlink_to(elsewhere, target_is_directory=True)
    config = tmp_path / "audit.toml"
    config.write_text(f'organisation = "Testshire Council"\n\n[[sources]]\nprofile = "{profile.name}"\nfiles = ["exports/**/*.csv"]\n')
    result = _run(runner, config, tmp_path / "runs")
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (f"error: {tmp_path}/exports/planted/private.csv: found through the symbolic link "
                                     f"{tmp_path}/exports/planted; links are not followed: name the folder itself, or copy the file")
    config.write_text(f'organisation = "Testshire Council"\n\n[[sources]]\nprofile = "{profile.name}"\nfiles = ["exports/planted/*.csv"]\n')
    result = _run(runner, config, tmp_path / "runs")
    assert result.exit_code == 0, result.output


def test_a_profile_saved_as_utf16_or_with_a_byte_order_mark_is_read_or_named(runner, tmp_path):
    """Issue 20, defect 19: PowerShell's `>` writes UTF-16, Notepad may start UTF-8 with a BOM; neither is 'not valid TOML'."""
    from tests.bad_inputs import GOOD_ROWS, csv_profile, csv_text

    text = csv_profile(tmp_path).read_text(encoding="utf-8")
    (tmp_path / "export.csv").write_text(csv_text(GOOD_ROWS))
    (tmp_path / "bom.toml").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = _load(runner, tmp_path, tmp_path / "export.csv", tmp_path / "bom.toml")
    assert result.exit_code == 0, result.output
    for name, encoding, kind in (("u16.toml", "utf-16", "UTF-16"), ("u16le.toml", "utf-16-le", "UTF-16"), ("u32.toml", "utf-32-le", "UTF-32")):
        (tmp_path / name).write_bytes(text.encode(encoding))
        result = _load(runner, tmp_path, tmp_path / "export.csv", tmp_path / name)
        assert result.exit_code == 2, result.output
        assert result.stderr.strip() == (f"error: {tmp_path / name}: the file is {kind} text (every character in {kind[4:]} bits); "
                                         "save the profile as UTF-8")


def _bad_name(tmp_path: Path, name: bytes) -> Path:
    import os

    path = tmp_path / os.fsdecode(name)
    try:
        path.write_bytes(b"")
    except (UnicodeEncodeError, OSError):  # a file system that takes only valid names
        import pytest

        pytest.skip("this file system refuses names that are not UTF-8")
    return path


def test_a_profile_or_review_workbook_whose_name_is_not_utf8_is_read_and_named_with_its_bad_bytes(runner, tmp_path):
    """Issue 20, defect 14: the ledger kept the profile's name with surrogates, the review scores the workbook's,
    and an error message showed '\\udcff'; each is ordinary text with the bad byte written as \\xNN."""
    import json
    import shutil

    from complaint_audit.review import draw_sample, write_review
    from complaint_audit.store import Store
    from tests.bad_inputs import GOOD_ROWS, csv_profile, csv_text

    profile = _bad_name(tmp_path, b"prof\xff.toml")
    shutil.copy(csv_profile(tmp_path), profile)
    (tmp_path / "export.csv").write_text(csv_text(GOOD_ROWS))
    result = _load(runner, tmp_path, tmp_path / "export.csv", profile)
    assert result.exit_code == 0, result.output
    (entry,) = json.loads((tmp_path / "store" / "load.json").read_text(encoding="utf-8"))["files"]
    assert entry["profile_file"] == f"{tmp_path}/prof\\xff.toml"

    workbook = _bad_name(tmp_path, b"review\xe9.xlsx")
    sample, description = draw_sample(Store(tmp_path / "store").read_records(), 3, seed=0)
    write_review(workbook, sample, description)
    result = runner.invoke(app, ["reviews", "import", str(workbook), "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    assert "review\\xe9.xlsx" in result.stdout

    broken = _bad_name(tmp_path, b"broken\xff.csv")
    broken.write_text("Case Ref,Stage\nC1\n")
    result = _load(runner, tmp_path, broken, tmp_path / "hostile-auto.toml")
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().startswith(f"error: {tmp_path}/broken\\xff.csv: ")


def test_a_review_workbook_is_refused_by_its_part_sizes_and_row_widths_before_memory_runs_out(runner, tmp_path, monkeypatch):
    """Issue 20, defect 16: a 15 MB review workbook ended in a MemoryError at 4 GB. Its shared strings are read
    whole, so its parts have a tighter limit than an export's; rows reaching column XFD are refused as read."""
    import zipfile

    from complaint_audit.ingest import limits
    from complaint_audit.review import draw_sample, write_review
    from complaint_audit.store import Store
    from tests.bad_inputs import GOOD_ROWS, csv_profile, csv_text

    (tmp_path / "export.csv").write_text(csv_text(GOOD_ROWS))
    assert _load(runner, tmp_path, tmp_path / "export.csv", csv_profile(tmp_path)).exit_code == 0
    sample, description = draw_sample(Store(tmp_path / "store").read_records(), 3, seed=0)
    workbook = write_review(tmp_path / "review.xlsx", sample, description)["workbook"]
    monkeypatch.setattr(limits, "REVIEW_MAX_PART_BYTES", 1000)
    monkeypatch.setattr("complaint_audit.review.scores.REVIEW_MAX_PART_BYTES", 1000)
    result = runner.invoke(app, ["reviews", "import", str(workbook), "--store", str(tmp_path / "store")])
    assert result.exit_code == 2, result.output
    assert "would inflate to" in result.stderr and "the limits are 0 MB" in result.stderr
    monkeypatch.undo()

    wide = tmp_path / "wide.xlsx"
    with zipfile.ZipFile(workbook) as source, zipfile.ZipFile(wide, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b'<row r="50"><c r="XFD50"><v>1</v></c></row></sheetData>')
            target.writestr(member, data)
    result = runner.invoke(app, ["reviews", "import", str(wide), "--store", str(tmp_path / "store")])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().startswith(f"error: {wide}: sheet Review, row 50 has values in 16,384 columns; at most 2,000")


def test_a_date_a_few_months_ahead_loads_and_one_years_ahead_is_a_placeholder(runner, tmp_path):
    """Issue 20, defect 15: a due date may lie ahead of the load; a date years ahead is no event."""
    import datetime as dt
    import json

    from tests.bad_inputs import csv_profile, csv_row, csv_text

    ahead = dt.date.today() + dt.timedelta(days=120)
    far = dt.date.today() + dt.timedelta(days=400)
    rows = [csv_row("N1", received="14/04/2023", responded=ahead.strftime("%d/%m/%Y")),
            csv_row("F1", received="14/04/2023", responded=far.strftime("%d/%m/%Y"))]
    (tmp_path / "ahead.csv").write_text(csv_text(rows))
    result = _load(runner, tmp_path, tmp_path / "ahead.csv", csv_profile(tmp_path))
    assert result.exit_code == 0, result.output
    (entry,) = json.loads((tmp_path / "store" / "load.json").read_text())["files"]
    assert (entry["loaded"], entry["reasons"]) == (1, {"date_out_of_range": 1})
    quarantine = pd.read_csv(tmp_path / "store" / "quarantine.csv", dtype=str)
    assert quarantine["detail"].tolist() == [f"responded: {far.isoformat()} is more than a year after the day it was loaded: "
                                             "a placeholder, not a date; correct it in the case system"]


def test_a_parquet_text_column_that_is_not_utf8_is_named(runner, tmp_path):
    """Parquet's reader passes bytes that are not UTF-8; the first text operation stopped the load with
    'unexpected ArrowInvalid: Invalid UTF8 sequence' (issue 20, defect 19: say what was found)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    offsets = pa.py_buffer(np.array([0, 3, 5], dtype="int32").tobytes())
    references = pa.Array.from_buffers(pa.binary(), 2, [None, offsets, pa.py_buffer(b"C\xff1C2")]).view(pa.string())
    export = tmp_path / "latin1.parquet"
    pq.write_table(pa.table({"Case Ref": references, "Stage": ["Stage 1"] * 2, "Received": ["2023-04-14"] * 2}), export)
    (tmp_path / "profile.toml").write_text(PROFILE)
    message = f"error: {export}: column 'Case Ref' holds text that is not UTF-8; write the file again with UTF-8 text"
    result = _load(runner, tmp_path, export, tmp_path / "profile.toml")
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().startswith(message)
    suggested = runner.invoke(app, ["profile", "suggest", str(export), "--out", str(tmp_path / "draft.toml")])
    assert suggested.exit_code == 2 and suggested.stderr.strip().startswith(message)


def test_init_names_an_export_whose_name_is_not_utf8_by_a_pattern_that_finds_it(runner, tmp_path):
    """`init` on a Latin-1 'café.csv' stopped with 'surrogates not allowed' writing its comment and
    its `files` entry: a UTF-8 audit.toml cannot hold the byte, so each such byte is a '?'."""
    import json
    import tomllib

    from tests.bad_inputs import csv_row, csv_text

    export = _bad_name(tmp_path, b"caf\xe9.csv")
    export.write_text(csv_text([csv_row("C1"), csv_row("C2")]))
    made = runner.invoke(app, ["init", str(tmp_path / "audit"), str(export)])
    assert made.exit_code == 0, made.output
    config_path = tmp_path / "audit" / "audit.toml"
    config = tomllib.loads(config_path.read_text(encoding="utf-8"))
    assert config["sources"] == [{"profile": "profiles/caf.toml", "files": ["../caf?.csv"]}]
    assert "# Draft source profile for caf\\xe9.csv," in (tmp_path / "audit" / "profiles" / "caf.toml").read_text(encoding="utf-8")
    config_path.write_text(config_path.read_text(encoding="utf-8").replace("CHANGE ME: the council's name", "Testshire Council"),
                           encoding="utf-8")
    result = _run(runner, config_path, tmp_path / "runs")
    assert result.exit_code == 0, result.output
    manifest = json.loads(next((tmp_path / "runs").glob("2*/manifest.json")).read_text(encoding="utf-8"))
    assert [(entry["path"], entry["read"]) for entry in manifest["inputs"]] == [("../caf\\xe9.csv", 2)]


def test_a_run_or_load_into_a_folder_whose_path_is_not_utf8_is_refused_before_anything_is_written(runner, tmp_path):
    """Arrow takes paths as UTF-8: the first Parquet part stopped the run with 'surrogates not allowed'."""
    from tests.bad_inputs import GOOD_ROWS, csv_profile, csv_text

    profile = csv_profile(tmp_path)
    (tmp_path / "export.csv").write_text(csv_text(GOOD_ROWS))
    config = tmp_path / "audit.toml"
    config.write_text(f'organisation = "Testshire Council"\n\n[[sources]]\nprofile = "{profile.name}"\nfiles = ["export.csv"]\n')
    import os

    _bad_name(tmp_path, b"probe\xe9")  # skips where the file system refuses such names
    runs, store = tmp_path / os.fsdecode(b"runs\xe9"), tmp_path / os.fsdecode(b"store\xe9")
    result = _run(runner, config, runs)
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (f"error: {tmp_path}/runs\\xe9: the output folder's path is not UTF-8 text, which the "
                                     "Parquet store needs; choose a folder whose path is (or rename the folder)")
    loaded = runner.invoke(app, ["load", "--profile", str(profile), str(tmp_path / "export.csv"), "--store", str(store)],
                           env={"COMPLAINT_AUDIT_KEY": "a-long-enough-test-key-0123456789"})
    assert loaded.exit_code == 2, loaded.output
    assert "store\\xe9: the store folder's path is not UTF-8 text" in loaded.stderr
    assert not runs.exists() and not store.exists()
