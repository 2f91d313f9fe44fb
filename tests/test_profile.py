"""Profiles: a good one parses; each mistake is one clear error naming the file and key."""

from __future__ import annotations

import pytest

from complaint_audit.errors import UserError
from complaint_audit.ingest.profile import load_profile
from tests.builders import WIDE_PROFILE, write


def test_wide_profile_parses_with_normalised_value_labels(tmp_path):
    profile = load_profile(write(tmp_path / "p.toml", WIDE_PROFILE))
    assert profile.name == "corporate"
    assert profile.layout == "wide"
    assert profile.header_row == 2
    assert profile.stage_columns["2"]["received"] == "S2 Received"
    assert profile.values["raised_via"] == {"member of public": "public", "cllr": "councillor"}
    assert profile.complainant_key == ("Email",)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("[columns]", "[columns]\nnot_a_field = \"X\""), "[columns] not_a_field: not a canonical field"),
        (("[source]", "[source]\ncolour = \"red\""), "[source] colour: unknown key"),
        (("[source]", "[source]\nformat = \"xls\""), "[source] format: 'xls' is not one of csv, xlsx, json, parquet"),
        (("process = \"corporate\"", "process = \"planning\""), "[constants] process: 'planning' is not one of"),
        (("kind = \"wide\"", "kind = \"sideways\""), "[layout] kind: 'sideways' is not one of long, wide, nested"),
        (("public = [\"Member of Public\"]", "public = [\"Member of Public\"]\nnobody = [\"X\"]"), "[values.raised_via] nobody: not an allowed value"),
        (("councillor = [\"Cllr\"]", "councillor = [\"Cllr\", \"member of  PUBLIC\"]"), "is mapped to both 'public' and 'councillor'"),
        (("drop = [\"Name\", \"Email\"]", "drop = [\"Name\", \"Email\", \"Source\"]"), "'Source' holds personal data but is also mapped"),
        (("complainant_key = [\"Email\"]", "complainant_key = [\"Email\", \"Source\"]"),
         "[personal] complainant_key: 'Source' holds personal data but is also mapped"),
        (("case_id = \"Case Ref\"", ""), "no column or constant for required field 'case_id'"),
        (("name = \"corporate\"", ""), "[source] name: required"),
        (("header_row = 2", "header_row = 0"), "[source] header_row: must be a whole number from 1"),
        (("[columns]", "[columns]\nsource_row = \"Row\""), "[columns] source_row: is set by the loader"),
    ],
)
def test_profile_mistakes_are_named(tmp_path, change, message):
    old, new = change
    assert old in WIDE_PROFILE
    path = write(tmp_path / "p.toml", WIDE_PROFILE.replace(old, new, 1))
    with pytest.raises(UserError) as error:
        load_profile(path)
    assert str(error.value).startswith(f"{path}: ")
    assert message in str(error.value)


@pytest.mark.parametrize(("file_name", "format_name"), [
    ("cases.csv", "csv"), ("cases.TXT", "csv"), ("cases.xlsx", "xlsx"), ("cases.XLSM", "xlsx"), ("cases.json", "json"),
    ("cases.Parquet", "parquet"),
])
def test_without_a_format_the_extension_says_which_in_any_case(tmp_path, file_name, format_name):
    profile = load_profile(write(tmp_path / "p.toml", WIDE_PROFILE))
    assert profile.format_for(tmp_path / file_name).name == format_name


def test_an_extension_no_format_claims_is_refused_naming_the_formats(tmp_path):
    profile = load_profile(write(tmp_path / "p.toml", WIDE_PROFILE))
    with pytest.raises(UserError) as error:
        profile.format_for(tmp_path / "cases.dat")
    assert str(error.value) == (f"{tmp_path / 'cases.dat'}: cannot tell the format from the extension '.dat'; "
                                f"set [source] format in {tmp_path / 'p.toml'} to one of csv, xlsx, json, parquet")


def test_invalid_toml_names_the_file(tmp_path):
    path = write(tmp_path / "p.toml", "[source\nname=")
    with pytest.raises(UserError, match="not valid TOML"):
        load_profile(path)


def test_nested_layout_needs_its_list(tmp_path):
    text = """
    [source]
    name = "childrens"
    [constants]
    organisation = "X"
    process = "childrens_statutory"
    [columns]
    case_id = "id"
    [layout]
    kind = "nested"
    [layout.fields]
    stage = "stage"
    received = "received"
    """
    with pytest.raises(UserError, match=r"\[layout\] list: kind = \"nested\" needs the key"):
        load_profile(write(tmp_path / "p.toml", text))


def test_a_complainant_key_column_mapped_in_a_stage_table_is_refused(tmp_path):
    """It would be stored in plain text beside its pseudonym (issue 20, defect 9), from a wide layout's stages too."""
    text = WIDE_PROFILE.replace('drop = ["Name", "Email"]', 'drop = ["Name"]').replace('received = "S2 Received"', 'received = "Email"')
    path = write(tmp_path / "p.toml", text)
    with pytest.raises(UserError) as error:
        load_profile(path)
    assert str(error.value) == f"{path}: [personal] complainant_key: 'Email' holds personal data but is also mapped to a field"


def test_a_complainant_key_column_mapped_as_a_nested_stage_field_is_refused(tmp_path):
    text = """
    [source]
    name = "childrens"
    [constants]
    organisation = "X"
    process = "childrens_statutory"
    [columns]
    case_id = "id"
    [layout]
    kind = "nested"
    list = "stages"
    [layout.fields]
    stage = "stage"
    received = "received"
    channel = "email"
    [personal]
    complainant_key = ["email"]
    """
    path = write(tmp_path / "p.toml", text)
    with pytest.raises(UserError) as error:
        load_profile(path)
    assert str(error.value) == f"{path}: [personal] complainant_key: 'email' holds personal data but is also mapped to a field"
