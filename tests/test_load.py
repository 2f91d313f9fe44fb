"""Loading: every reason a row is quarantined, the reconciliation, reloads, personal data."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow.dataset as ds
import pytest

from complaint_audit.errors import UserError
from complaint_audit.ingest import encodings
from complaint_audit.ingest.api import load_exports
from complaint_audit.ingest.formats import csv as csv_format
from complaint_audit.ingest.formats import read_export
from complaint_audit.ingest.profile import load_profile
from complaint_audit.store import Store
from tests.builders import WIDE_PROFILE, wide_export, write

GOOD = "C1,Member of Public,Ann Lee,ann@example.org,14/04/2023,28/04/2023,Upheld,02/05/2023,30/05/2023,Not Upheld,\"Dear Ms Lee, we are sorry.\nCall 01632 960123.\""


def _load(tmp_path, profile, *files):
    return load_exports(store=tmp_path / "store", files=list(files), profile=profile)


def test_a_wide_row_becomes_one_record_per_stage(tmp_path, wide_profile):
    report = _load(tmp_path, wide_profile, wide_export(tmp_path, GOOD))
    records = Store(tmp_path / "store").read_records()
    assert records[["case_id", "stage", "outcome"]].values.tolist() == [["C1", "1", "upheld"], ["C1", "2", "not_upheld"]]
    assert records["received"].dt.strftime("%Y-%m-%d").tolist() == ["2023-04-14", "2023-05-02"]
    assert records["source_row"].tolist() == [3, 3]
    assert records["organisation"].unique().tolist() == ["Testshire Council"]
    assert (report.files[0]["source_rows"], report.files[0]["read"], report.files[0]["loaded"]) == (1, 2, 2)


def test_blank_lines_are_not_rows_but_a_row_with_a_blank_first_column_is(tmp_path, wide_profile):
    """A blank line and a line of delimiters alone are no case; a row whose first column is blank
    is one (its case id is missing): found column by column, the first column cannot decide."""
    report = _load(tmp_path, wide_profile, wide_export(tmp_path, GOOD, "", ",,,,,,,,,,", ",MP,,,14/04/2023,,Upheld,,,,",
                                                       "C3,MP,,,14/04/2023,,Upheld,,,,"))
    assert Store(tmp_path / "store").read_records()["source_row"].tolist() == [3, 3, 7]
    quarantine = Store(tmp_path / "store").read_quarantine()
    assert quarantine[["source_row", "reason"]].values.tolist() == [["6", "missing_required"]]
    assert (report.files[0]["source_rows"], report.files[0]["read"], report.files[0]["loaded"]) == (3, 4, 3)


def test_text_is_trimmed_of_any_whitespace_and_text_of_whitespace_alone_is_missing(tmp_path, wide_profile):
    """Padding a system added (spaces, a tab, a no-break space) is not part of a case id or a letter;
    a cell of nothing but whitespace is blank. Text with none is kept as it was, inner spaces and all."""
    report = _load(tmp_path, wide_profile, wide_export(
        tmp_path, " C1\t,MP,,,14/04/2023,,Upheld,,,,\"\u00a0Dear Mr Khan,  thank you.\u00a0\"",
        "C2,MP,,,14/04/2023,,Upheld,,,, \t ", "C3,MP,,,14/04/2023,,Upheld,,,,We  are sorry."))
    records = Store(tmp_path / "store").read_records()
    assert records["case_id"].tolist() == ["C1", "C2", "C3"]
    assert records["response_text"].tolist()[0] == "Dear Mr Khan,  thank you."
    assert pd.isna(records["response_text"].iloc[1])
    assert records["response_text"].iloc[2] == "We  are sorry."
    assert (report.read, report.quarantined) == (3, 0)


@pytest.mark.parametrize(
    ("row", "reason", "detail"),
    [
        ("C2,MP,,,,,,,,,", "no_stage_data", "the record holds no stage"),
        ("C2,MP,,,,28/04/2023,Upheld,,,,", "missing_required", "received is empty"),
        ("C2,MP,,,31/02/2024,,Upheld,,,,", "bad_date", "received: '31/02/2024' is not a date (expected day/month/year)"),
        ("C2,MP,,,03/25/2023,,Upheld,,,,", "date_order", "received: '03/25/2023' only makes sense as month/day/year"),
        ("C2,Carrier Pigeon,,,14/04/2023,,Upheld,,,,", "unmapped_value", "raised_via: 'Carrier Pigeon' is not mapped (allowed: public, representative"),
        ("C2,MP,,,14/04/2023,13/04/2023,Upheld,,,,", "responded_before_received", "responded 2023-04-13 is before received 2023-04-14"),
        ("C1,MP,,,14/04/2023,,Upheld,,,,", "duplicate_record", "same organisation, case_id and stage as row 3"),
    ],
)
def test_each_quarantine_reason_with_its_detail(tmp_path, wide_profile, row, reason, detail):
    report = _load(tmp_path, wide_profile, wide_export(tmp_path, GOOD, row))
    quarantine = Store(tmp_path / "store").read_quarantine()
    assert quarantine[["source_file", "source_row", "reason"]].values.tolist() == [[str(tmp_path / "corporate.csv"), "4", reason]]
    assert quarantine["detail"].iloc[0].startswith(detail)
    entry = report.files[0]
    assert entry["read"] == entry["loaded"] + entry["quarantined"]
    assert entry["reasons"] == {reason: 1}


def test_a_duplicate_is_the_same_case_and_stage_again_and_names_the_first_row(tmp_path, wide_profile):
    """A case's other stage is no duplicate, nor is a case id that starts like another (C1, C10)."""
    _load(tmp_path, wide_profile, wide_export(tmp_path, GOOD, "C1,MP,,,,,,02/05/2023,30/05/2023,Not Upheld,",
                                              "C10,MP,,,14/04/2023,,Upheld,,,,", "C10,MP,,,14/04/2023,,Upheld,02/05/2023,,Upheld,",
                                              "C2,MP,,,14/04/2023,,Upheld,,,,"))
    quarantine = Store(tmp_path / "store").read_quarantine()
    assert quarantine[["source_row", "stage", "reason", "detail"]].values.tolist() == [
        ["4", "2", "duplicate_record", "same organisation, case_id and stage as row 3"],
        ["6", "1", "duplicate_record", "same organisation, case_id and stage as row 5"]]
    records = Store(tmp_path / "store").read_records()
    assert sorted(zip(records["case_id"], records["stage"], records["source_row"], strict=True)) == [
        ("C1", "1", 3), ("C1", "2", 3), ("C10", "1", 5), ("C10", "2", 6), ("C2", "1", 7)]


def test_quarantine_keeps_raw_values_under_source_names_without_personal_data(tmp_path, wide_profile):
    _load(tmp_path, wide_profile, wide_export(tmp_path, "C9,Member of Public,Zed Quinn,zed@example.org,31/02/2024,,Upheld,,,,"))
    raw = json.loads(Store(tmp_path / "store").read_quarantine()["raw"].iloc[0])
    assert raw == {"Case Ref": "C9", "Source": "Member of Public", "S1 Received": "31/02/2024", "S1 Responded": None, "S1 Outcome": "Upheld"}


def test_date_order_contradiction_is_a_warning_naming_file_and_profile(tmp_path, wide_profile):
    report = _load(tmp_path, wide_profile, wide_export(tmp_path, "C2,MP,,,03/25/2023,,Upheld,,,,"))
    assert len(report.warnings) == 1
    assert "corporate.csv: 1 date(s) only make sense in the other day/month order" in report.warnings[0]
    assert str(wide_profile) in report.warnings[0]


def test_loading_the_same_file_twice_does_not_duplicate(tmp_path, wide_profile):
    export = wide_export(tmp_path, GOOD, "C2,MP,,,14/04/2023,,Upheld,,,,", "C3,MP,,,31/02/2024,,Upheld,,,,")
    _load(tmp_path, wide_profile, export)
    _load(tmp_path, wide_profile, export)
    store = Store(tmp_path / "store")
    assert len(store.read_records()) == 3
    assert len(store.read_quarantine()) == 1
    assert len(store.ledger()) == 1


def test_an_updated_export_replaces_its_earlier_load(tmp_path, wide_profile):
    _load(tmp_path, wide_profile, wide_export(tmp_path, GOOD))
    _load(tmp_path, wide_profile, wide_export(tmp_path, "C7,MP,,,14/04/2023,,Upheld,,,,"))
    assert Store(tmp_path / "store").read_records()["case_id"].tolist() == ["C7"]


def test_a_record_already_loaded_from_another_file_is_quarantined(tmp_path, wide_profile):
    _load(tmp_path, wide_profile, wide_export(tmp_path, GOOD, name="april.csv"))
    report = _load(tmp_path, wide_profile, wide_export(tmp_path, GOOD.replace("C1,", "C1,", 1), "C8,MP,,,14/04/2023,,Upheld,,,,", name="may.csv"))
    quarantine = Store(tmp_path / "store").read_quarantine()
    assert quarantine["reason"].tolist() == ["duplicate_record", "duplicate_record"]
    assert quarantine["detail"].iloc[0] == f"already loaded from {tmp_path / 'april.csv'} row 3"
    assert report.files[0]["loaded"] == 1


def test_store_is_a_parquet_dataset_readable_by_pandas_and_pyarrow(tmp_path, wide_profile):
    _load(tmp_path, wide_profile, wide_export(tmp_path, GOOD))
    assert len(pd.read_parquet(tmp_path / "store" / "records")) == 2
    assert ds.dataset(tmp_path / "store" / "records").count_rows() == 2


def test_personal_data_never_enters_the_store(tmp_path, wide_profile):
    _load(tmp_path, wide_profile, wide_export(tmp_path, GOOD))
    store_text = "".join(p.read_bytes().decode("latin-1") for p in (tmp_path / "store").rglob("*") if p.is_file())
    for personal in ("Ann", "Lee", "ann@example.org", "01632 960123", "test-key-0123456789"):
        assert personal not in store_text
    letter = Store(tmp_path / "store").read_records()["response_text"].iloc[0]
    assert letter == "Dear Ms [name], we are sorry.\nCall [phone]."


def test_complainant_key_is_stable_and_depends_on_the_key(tmp_path, wide_profile, monkeypatch):
    rows = (GOOD, GOOD.replace("C1,", "C5,").replace("ann@example.org", " ANN@example.org "))
    _load(tmp_path, wide_profile, wide_export(tmp_path, *rows))
    keys = Store(tmp_path / "store").read_records()["complainant_key"]
    assert keys.nunique() == 1 and keys.iloc[0].startswith("c") and len(keys.iloc[0]) == 17
    monkeypatch.setenv("COMPLAINT_AUDIT_KEY", "another-key-0123456789")
    load_exports(store=tmp_path / "other", files=[tmp_path / "corporate.csv"], profile=wide_profile)
    assert Store(tmp_path / "other").read_records()["complainant_key"].iloc[0] != keys.iloc[0]


def test_a_profile_asking_for_a_complainant_key_needs_a_key(tmp_path, wide_profile, monkeypatch):
    monkeypatch.delenv("COMPLAINT_AUDIT_KEY")
    with pytest.raises(UserError, match="complainant_key needs a pseudonymisation key; set COMPLAINT_AUDIT_KEY"):
        _load(tmp_path, wide_profile, wide_export(tmp_path, GOOD))


def test_a_missing_column_is_an_error_and_writes_nothing(tmp_path, wide_profile):
    export = tmp_path / "corporate.csv"
    export.write_text("Title\nCase Ref,Source\nC1,MP\n")
    with pytest.raises(UserError, match=r"corporate.csv: column '.*' named in .*corporate.toml is not in the file"):
        _load(tmp_path, wide_profile, export)
    assert not (tmp_path / "store").exists()


def test_cp1252_and_bom_files_are_detected(tmp_path, wide_profile):
    _load(tmp_path, wide_profile, wide_export(tmp_path, GOOD.replace("Ann Lee", "Zoë Brontë"), encoding="cp1252"))
    _load(tmp_path, wide_profile, wide_export(tmp_path, GOOD.replace("C1,", "C2,"), name="bom.csv", encoding="utf-8-sig"))
    encodings = {entry["path"].rsplit("/", 1)[-1]: entry["encoding"] for entry in Store(tmp_path / "store").ledger()}
    assert encodings == {"corporate.csv": "cp1252", "bom.csv": "utf-8-sig"}
    assert len(Store(tmp_path / "store").read_records()) == 4


@pytest.mark.parametrize("block_size", [400, 4 << 20])
def test_cp1252_text_and_nan_words_are_read_alike_in_any_number_of_blocks(tmp_path, wide_profile, monkeypatch, block_size):
    """The transcoding and the NaN words are asked of a whole column, then answered block by block
    (a block is a chunk of every column, a repeating column's with a dictionary of its own)."""
    monkeypatch.setattr(csv_format, "_BLOCK_SIZE", block_size)
    outcomes = ["NaN" if n % 4 == 0 else "Upheld – in part" if n % 7 == 0 else "Not Upheld" for n in range(60)]
    letters = ["NaN" if n % 5 == 0 else "Dear Zoë, £50 refunded" if n % 3 == 0 else "Dear Ms Lee" for n in range(60)]
    rows = [f"C{n},Member of Public,Ann Lee,ann@example.org,14/04/2023,28/04/2023,Upheld,02/05/2023,30/05/2023,{outcome},\"{letter}\""
            for n, (outcome, letter) in enumerate(zip(outcomes, letters, strict=True))]
    frame = read_export(wide_export(tmp_path, *rows, encoding="cp1252"), load_profile(wide_profile)).frame
    assert frame["S2 Outcome"].astype("object").where(frame["S2 Outcome"].notna(), "NaN").tolist() == outcomes
    assert frame["Letter"].astype("object").where(frame["Letter"].notna(), "NaN").tolist() == letters


@pytest.mark.parametrize("block", range(1, 13))
def test_the_encoding_is_told_a_block_at_a_time_whatever_character_a_block_cuts(tmp_path, monkeypatch, block):
    """csv_encoding reads the file in blocks: a character of two, three or four bytes cut by a
    block's end must not make UTF-8 look like cp1252, nor a file cut inside one look like UTF-8."""
    monkeypatch.setattr(encodings, "_SCAN_BYTES", block)
    text = "Ref,Name\nC1,Zoë’s 𝒳 café\nC2,Łukasz\n"
    files = {"utf8.csv": text.encode("utf-8"), "cut.csv": text.encode("utf-8")[:-9] + "𝒳".encode()[:3],
             "cp1252.csv": text.replace("𝒳 ", "").replace("Ł", "L").encode("cp1252"), "ascii.csv": b"Ref\nC1\n"}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    assert encodings.csv_encoding(tmp_path / "utf8.csv", "auto") == ("utf8", "utf-8")
    assert encodings.csv_encoding(tmp_path / "cut.csv", "auto") == ("cp1252", "cp1252")
    assert encodings.csv_encoding(tmp_path / "cp1252.csv", "auto") == ("cp1252", "cp1252")
    assert encodings.csv_encoding(tmp_path / "ascii.csv", "cp1252") == ("utf8", "cp1252")
    with pytest.raises(UserError, match=r"utf8.csv: line 2: the file is UTF-8 \('ë', U\+00EB"):
        encodings.csv_encoding(tmp_path / "utf8.csv", "cp1252")


def test_a_missing_export_is_named(tmp_path, wide_profile):
    with pytest.raises(UserError, match=r"nowhere.csv: file not found"):
        _load(tmp_path, wide_profile, tmp_path / "nowhere.csv")


_ONE_COLUMN_PROFILE = """
[source]
name = "flat"

[constants]
process = "corporate"

[columns]
case_id = "Ref"
stage = "Stage"
received = "Received"
responded = "Closed"
closed = "Closed"
outcome = "Outcome"
organisation = "Service"
team = "Service"
"""


def test_two_fields_from_one_column_load_and_quarantine_with_the_raw_value_once(tmp_path):
    profile = write(tmp_path / "flat.toml", _ONE_COLUMN_PROFILE)
    export = write(tmp_path / "flat.csv", """
        Ref,Stage,Received,Closed,Outcome,Service
        A1,1,03/04/2023,10/04/2023,Upheld,Housing
        A2,1,31/02/2023,11/04/2023,Upheld,Housing
        A3,1,04/04/2023,12/04/2023,Not Upheld,Parks
    """)
    report = _load(tmp_path, profile, export)
    assert [(e["read"], e["loaded"], e["quarantined"], e["reasons"]) for e in report.files] == [(3, 2, 1, {"bad_date": 1})]
    records = Store(tmp_path / "store").read_records()
    assert records[["case_id", "organisation", "team"]].values.tolist() == [["A1", "Housing", "Housing"], ["A3", "Parks", "Parks"]]
    assert (records["responded"] == records["closed"]).all()
    raw = json.loads(Store(tmp_path / "store").read_quarantine()["raw"].iloc[0])
    assert raw == {"Ref": "A2", "Stage": "1", "Received": "31/02/2023", "Closed": "11/04/2023", "Outcome": "Upheld", "Service": "Housing"}


def test_a_wide_stage_field_may_share_its_column(tmp_path):
    profile = write(tmp_path / "corporate.toml", WIDE_PROFILE.replace('responded = "S1 Responded"', 'responded = "S1 Responded"\nclosed = "S1 Responded"'))
    report = _load(tmp_path, profile, wide_export(tmp_path, GOOD, "C2,MP,,,31/02/2024,01/03/2024,Upheld,,,,"))
    assert [(e["read"], e["loaded"], e["quarantined"]) for e in report.files] == [(3, 2, 1)]
    raw = json.loads(Store(tmp_path / "store").read_quarantine()["raw"].iloc[0])
    assert raw == {"Case Ref": "C2", "Source": "MP", "S1 Received": "31/02/2024", "S1 Responded": "01/03/2024", "S1 Outcome": "Upheld"}
