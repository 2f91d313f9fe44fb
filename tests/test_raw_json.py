"""A quarantined row's raw values as JSON (ingest/raw_json.py): every value read back as it was,
in the export's column order, and written so that a person reading quarantine.csv can read it."""

from __future__ import annotations

import json

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from complaint_audit.ingest.raw_json import json_lines

# Any text a cell may hold: quotes, backslashes, every control character, accents, emoji, line separators.
_cells = st.one_of(st.none(), st.text(alphabet=st.characters(codec="utf-8"), max_size=12))


@given(rows=st.lists(st.tuples(_cells, _cells), min_size=1, max_size=8),
       names=st.lists(st.text(max_size=6), min_size=2, max_size=2, unique=True))
@settings(max_examples=300, deadline=None)
def test_any_text_reads_back_as_it_was_in_column_order(rows, names):
    frame = pd.DataFrame(rows, columns=names, dtype="str")
    lines = json_lines(frame).to_pylist()
    assert [list(json.loads(line).items()) for line in lines] == [list(zip(names, row, strict=True)) for row in rows]


def test_a_date_and_an_accent_are_written_as_they_read():
    frame = pd.DataFrame({"Received": ["31/02/2024"], "Name": ["Zoë \"Z\" O'Neill\\"], "Closed": [None]}, dtype="str")
    assert json_lines(frame).to_pylist() == ['{"Received":"31/02/2024","Name":"Zoë \\"Z\\" O\'Neill\\\\","Closed":null}']


def test_a_workbooks_mixed_cells_keep_their_types_beside_text_and_categories():
    frame = pd.DataFrame({
        "Ref": pd.Series(["A/1", None, "A3"], dtype="str"),
        "Received": pd.Series([pd.Timestamp("2024-01-02"), "31/02/2024", None], dtype=object),
        "Amount": pd.Series([150, 12.5, None], dtype=object),
        "Team": pd.Series(["Housing", "Parks", None], dtype="category"),
    })
    assert [json.loads(line) for line in json_lines(frame).to_pylist()] == [
        {"Ref": "A/1", "Received": "2024-01-02T00:00:00.000", "Amount": 150, "Team": "Housing"},
        {"Ref": None, "Received": "31/02/2024", "Amount": 12.5, "Team": "Parks"},
        {"Ref": "A3", "Received": None, "Amount": None, "Team": None},
    ]
    assert '"Received":"31/02/2024"' in json_lines(frame).to_pylist()[1]


def test_no_columns_is_an_empty_object_per_row():
    assert json_lines(pd.DataFrame(index=range(2))).to_pylist() == ["{}", "{}"]
