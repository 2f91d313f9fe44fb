"""Personal data at load: patterns, names and addresses masked; nothing personal in the store."""

from __future__ import annotations

import dataclasses
import json
import os
import random
import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from complaint_audit.cli import app
from complaint_audit.ingest.privacy import (
    PersonalTerms,
    _alternations,
    _masked_terms,
    personal_terms,
    redact,
    redact_patterns,
)
from complaint_audit.ingest.unicode_classes import characters_in
from complaint_audit.ingest.word_lookup import find_words
from complaint_audit.store import Store
from tests.builders import raw_personal_values
from tests.conftest import SAMPLE_DATA


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Write to ann.lee+x@example.co.uk today", "Write to [email] today"),
        ("Call 01632 960123 or 07700-900-123.", "Call [phone] or [phone]."),
        ("Call +44 7700 900123 now", "Call [phone] now"),
        ("The Ombudsman: 0300 061 0614 or www.lgo.org.uk", "The Ombudsman: 0300 061 0614 or www.lgo.org.uk"),
        ("NI number QQ 12 34 56 C on file", "NI number [NI number] on file"),
        ("Postcode NS6 7WS.", "Postcode [postcode]."),
        # RE2's own \w and \s are ASCII-only: accented addresses and no-break spaces must still match.
        ("Email zoë.brontë@exämple.com now", "Email [email] now"),
        ("Call 07700\xa0900123", "Call [phone]"),
    ],
)
def test_contact_details_are_masked_by_pattern(text, expected):
    assert redact_patterns(pd.Series([text], dtype="str")).iloc[0] == expected


def test_names_and_address_parts_are_masked_but_not_the_councils_name():
    personal = [
        pd.Series(["Priya", "Tom"]), pd.Series(["Patel", "Ray"]),
        pd.Series(["28 Victoria Road, Fernleigh", "3 Mill Lane, Oxton"]),
        pd.Series(["Cllr Jo Bell (Northshire County Council)", None]),
    ]
    terms = personal_terms(personal, keep={"Northshire", "County", "Council"})
    assert terms == PersonalTerms(
        names=["Bell", "Jo", "Patel", "Priya", "Ray", "Tom"],  # two-letter names too (issue 20, defect 6); Cllr a title
        places=["28 Victoria Road", "3 Mill Lane", "Fernleigh", "Oxton"],
    )
    letter = "Dear Mrs Patel, of 28 Victoria Road, Fernleigh. Northshire County Council apologises."
    assert redact(pd.Series([letter, None]), terms).tolist()[0] == (
        "Dear Mrs [name], of [address], [address]. Northshire County Council apologises."
    )


def test_no_personal_value_from_the_raw_exports_reaches_the_store(sample_store):
    stored = "\n".join(
        pd.read_parquet(path).to_csv() if path.suffix == ".parquet" else path.read_text(encoding="utf-8")
        for path in sample_store.rglob("*") if path.is_file()
    )
    leaked = sorted(value for value in raw_personal_values(SAMPLE_DATA) if value in stored)
    assert leaked == []
    assert "demo-key-for-sample-data-only" not in stored


# Any National Insurance number, however it got in: the sample exports hold none to look up.
_NI_NUMBER = re.compile(r"\b[A-CEGHJ-PR-TW-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b")


def _output_text(path: Path) -> str:
    """Everything a person or a program could read in one output file, as text."""
    if path.suffix in {".html", ".md", ".json", ".log", ".csv", ".lock"}:
        return path.read_text(encoding="utf-8-sig")
    if path.suffix == ".parquet":
        return pd.read_parquet(path).to_csv()
    if path.suffix == ".xlsx":
        workbook = openpyxl.load_workbook(path, read_only=True)
        return "\n".join(str(cell) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None)
    raise AssertionError(f"{path}: an output this test cannot read; teach _output_text its format")


def test_no_personal_value_or_key_reaches_any_output_of_a_run(tmp_path, sample_run):
    """The sample run (conftest) pseudonymised with audit.toml's demo key; COMPLAINT_AUDIT_KEY (conftest) must not show either."""
    from complaint_audit.review import draw_from_store, write_review

    # The PDF's text is searched by test_report's test of personal data in every report.
    run_dir = shutil.copytree(sample_run, tmp_path / sample_run.name, ignore=shutil.ignore_patterns("report.pdf"))
    write_review(run_dir / "review.xlsx", *draw_from_store(run_dir / "store", 60, 1, [], {}))
    outputs = sorted(path for path in run_dir.rglob("*") if path.is_file())
    assert {"report.html", "report.md", "results.json", "manifest.json", "run.log", "quarantine.csv",
            "exceptions.xlsx", "review.xlsx", "load.json"} <= {path.name for path in outputs}
    assert any(path.suffix == ".parquet" and "records" in path.parts for path in outputs)
    personal = raw_personal_values(SAMPLE_DATA)
    assert len(personal) > 1000  # the check has something to find
    leaks = {}
    for path in outputs:
        text = _output_text(path)
        found = sorted(value for value in personal if value in text) + _NI_NUMBER.findall(text)
        found += [f"key {key}" for key in (os.environ["COMPLAINT_AUDIT_KEY"], "demo-key-for-sample-data-only") if key in text]
        if found:
            leaks[str(path.relative_to(run_dir))] = found[:5]
    assert leaks == {}


@pytest.mark.parametrize(
    "privacy",
    [
        '[privacy]\nkey = "s3cret-value-123"\n',
        "[privacy]\nkey = 's3cret-value-123'  # a literal string\n",
        'privacy.key = "s3cret-value-123"\n',
        'privacy = { key = "s3cret-value-123" }\n',
        '[privacy]\n"key" = "s3cret-value-123"\n',
        '[privacy]\nkey = """\ns3cret-value-123"""\n',
    ],
    ids=["basic", "literal", "dotted", "inline-table", "quoted-key", "multi-line"],
)
def test_the_manifest_never_holds_the_key_however_audit_toml_writes_it(tmp_path, privacy):
    from complaint_audit.audit.run_folder import ConfigFile
    from complaint_audit.config import load_config

    config = tmp_path / "audit.toml"
    config.write_text('organisation = "Testshire Council"\n' + privacy, encoding="utf-8")
    assert load_config(config).privacy_key == "s3cret-value-123"
    record = ConfigFile.of(config)
    assert "s3cret-value-123" not in json.dumps(dataclasses.asdict(record))
    assert record.text.startswith('organisation = "Testshire Council"\n')


def test_an_error_about_a_broken_row_never_quotes_the_row(runner, tmp_path):
    """pyarrow's parse errors quote the row, dropped personal columns included: only the fault is shown (issue 20, defect 7)."""
    from tests.bad_inputs import csv_profile, csv_row, csv_text

    profile = csv_profile(tmp_path)
    export = tmp_path / "broken.csv"
    # A carriage return inside the dropped Name column, and a row pyarrow alone cannot parse.
    export.write_text(csv_text([csv_row("R1")]) + csv_text([csv_row("R2", Name="Zoë\rNg", Email="zoe.ng@example.org")]).split("\n", 1)[1])
    result = runner.invoke(app, ["load", "--profile", str(profile), str(export), "--store", str(tmp_path / "store")],
                           env={"COMPLAINT_AUDIT_KEY": "a-long-enough-test-key-0123456789"})
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == f"error: {export}: row 3 cannot be read as CSV (a line break inside a value that is not in quotes); fix it in the export"
    assert "Zo" not in result.stderr and "example.org" not in result.stderr


@pytest.mark.parametrize("key", ["k", "fifteen-chars!!"])
def test_a_key_too_short_to_keep_pseudonyms_secret_is_refused(runner, tmp_path, key):
    """A one-character key was recovered by brute force at once (issue 20, defect 8)."""
    from tests.bad_inputs import csv_profile, csv_row, csv_text

    export = tmp_path / "export.csv"
    export.write_text(csv_text([csv_row("C1")]))
    result = runner.invoke(app, ["load", "--profile", str(csv_profile(tmp_path)), str(export), "--store", str(tmp_path / "store")],
                           env={"COMPLAINT_AUDIT_KEY": key})
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (
        f"error: the pseudonymisation key (COMPLAINT_AUDIT_KEY or [privacy] key) is {len(key)} characters; use at least 16: "
        "anyone who knows one complainant's email can try every short key against the pseudonyms in a report until one "
        "matches, and then name everyone")
    assert not (tmp_path / "store").exists()


@pytest.mark.parametrize("key", ["a" * 16, "k" + " " * 15, "ab" * 10])
def test_a_key_of_a_few_characters_repeated_is_refused(runner, tmp_path, key):
    """Sixteen characters of one or two letters are as quickly tried as one (issue 20, defect 8)."""
    from tests.bad_inputs import csv_profile, csv_row, csv_text

    export = tmp_path / "export.csv"
    export.write_text(csv_text([csv_row("C1")]))
    result = runner.invoke(app, ["load", "--profile", str(csv_profile(tmp_path)), str(export), "--store", str(tmp_path / "store")],
                           env={"COMPLAINT_AUDIT_KEY": key})
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (
        f"error: the pseudonymisation key (COMPLAINT_AUDIT_KEY or [privacy] key) is a few characters repeated ({len(set(key))} different); "
        "use at least 8 different ones: a key of a few characters repeated is among the first anyone tries against the "
        "pseudonyms in a report, as short keys are")
    assert not (tmp_path / "store").exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call (01632) 960 001 today", "Call [phone] today"),
        ("Call 0044 7700 900123 today", "Call [phone] today"),
        ("Call 07700.900.123 today", "Call [phone] today"),
        ("Call +44 (0)1632 960001 today", "Call [phone] today"),
        ("Our line is 0300 061 0614", "Our line is 0300 061 0614"),
        ("Postcode ns6 7ws and GIR 0AA.", "Postcode [postcode] and [postcode]."),
        ("NI ab 12 34 56 c.", "NI [NI number]."),
        ("Write to jo.ng(at)example(dot)org or jo [at] example.org", "Write to [email] or [email]"),
        ("Write to jo @ example.org, jo{at}example.org or jo＠example.org", "Write to [email], [email] or [email]"),
        ("Call 07700 - 900123, 07700 – 900 123 or Tel07700900123 by 07/02/2023", "Call [phone], [phone] or Tel[phone] by 07/02/2023"),
        ("Postcode ns6\u00a07ws, NS6  7WS; NI AB-12-34-56-C", "Postcode [postcode], [postcode]; NI [NI number]"),
    ],
)
def test_contact_details_in_any_case_and_spelling_are_masked(text, expected):
    """Issue 20, defect 6: the forms that slipped through."""
    assert redact_patterns(pd.Series([text], dtype="str")).iloc[0] == expected


def test_names_are_masked_in_any_capitalisation_and_script():
    """Two-letter names, non-ASCII letters and other capitalisations slipped through (issue 20, defect 6)."""
    terms = personal_terms([pd.Series(["Jo Ng", "Zoë Łukasz", "José O'Neill", "Li Wei"])])
    letter = "Dear jo ng, JO NG and o'neill; zoë, ŁUKASZ, josé and Li: Ngozi and Joan are other people."
    assert redact(pd.Series([letter], dtype="str"), terms).iloc[0] == (
        "Dear [name] [name], [name] [name] and [name]; [name], [name], [name] and [name]: Ngozi and Joan are other people.")


_TERM_PIECES = {"[name]": ("Jo", "Ng", "Ann", "Lee", "Zoë", "O'Neill"),
                "[address]": ("28 Victoria Road", "Fernleigh", "(Flat 2)", "O'Neill House", "Leeds", "-Top Farm", "Flat 2.")}
_BETWEEN = (" ", ", ", ",", "-", "\n", "(", ")", "'", "\u00a0", "\t", "x", "", " and ", "[postcode]", "[name]", "’", "é")


@pytest.mark.parametrize("label", list(_TERM_PIECES))
def test_terms_side_by_side_are_masked_as_two_full_passes_mask_them(label):
    """A term's match takes the character after it, so a second pass masks the term that character began. It runs
    only on the texts where a mask is followed by a character and what may start a term; the texts must come out
    as they would from two passes over every text."""
    chance, terms = random.Random(7), _TERM_PIECES[label]
    texts = pa.array(["".join(chance.choice(terms + _BETWEEN) for _ in range(chance.randint(0, 12))) for _ in range(3000)])
    expected = texts
    for alternation in _alternations(terms):
        once = pc.replace_substring_regex(expected, alternation.pattern, rf"\1{label}\2")
        expected = pc.replace_substring_regex(once, alternation.pattern, rf"\1{label}\2")
    assert _masked_terms(texts, terms, label, characters_in(texts)).to_pylist() == expected.to_pylist()


def test_many_terms_mask_the_texts_as_every_alternation_masking_every_text_would():
    """Past _TERMS_PER_PATTERN terms a pass is several alternations, run only on the texts holding some term's
    longest word: the letters come out as if every alternation had read every letter twice."""
    chance = random.Random(11)
    words = sorted({"".join(chance.choices("abcdefghijklmnopqrstuvwxyz", k=chance.randint(3, 9))).title() for _ in range(2000)})
    streets = [f"{chance.randint(1, 99)} {word} Road" for word in words[:1300]]
    places = [*streets, *(street.split(" ", 1)[1] for street in streets[::7]), *words[1300:1500]]  # 'Ab Road' inside '28 Ab Road'
    names = words[1500:]
    terms = PersonalTerms(names, places)
    letters = pd.Series([f"Dear Mr {chance.choice(names)}, {chance.choice(places)},\n{chance.choice(places)}-{chance.choice(names)}. "
                         f"{chance.choice(words)} and {chance.choice(words)} wrote."
                         for _ in range(3000)], dtype="str")
    values = pa.array(letters, type=pa.string())
    found = find_words(values, [tuple(places), tuple(names)])
    assert len(_alternations(found[0].terms(tuple(places)))) > 1
    expected = values
    for found_words, label, listed in zip(found, ["[address]", "[name]"], [places, names], strict=True):
        for alternation in _alternations(found_words.terms(tuple(listed))):
            for _ in range(2):
                expected = pc.replace_substring_regex(expected, alternation.pattern, rf"\1{label}\2")
    assert redact(letters, terms).tolist() == expected.to_pylist()


def test_a_greek_name_is_masked_whichever_sigma_ends_it():
    """Lower-cased, 'ΝΊΚΟΣ' ends in σ and 'Νίκος' in ς: the word lookup takes them as one word, as
    RE2's case-insensitive match does, among text of plain ASCII that needs no such care."""
    terms = personal_terms([pd.Series(["Νίκος Παπαδόπουλος"])])
    letters = pd.Series(["Dear ΝΊΚΟΣ ΠΑΠΑΔΌΠΟΥΛΟΣ,", "Mr Νίκος wrote.", "Dear Sir, thank you."], dtype="str")
    assert redact(letters, terms).tolist() == ["Dear [name] [name],", "Mr [name] wrote.", "Dear Sir, thank you."]


def test_names_are_masked_whatever_the_apostrophe_hyphen_or_unicode_composition():
    """'Zoë' as e + combining diaeresis in one system and as one letter in the other, O’Neill with
    a curly apostrophe in the export and a straight one in the letter, slipped through (issue 20, defect 6)."""
    terms = personal_terms([pd.Series(["Zoe\u0308 Ng", "Anne-Marie O’Neill"])])
    letter = "Dear Zo\u00eb, zoe\u0308, Anne\u2010Marie and O'NEILL or O\u02bcNeill."
    assert redact(pd.Series([letter], dtype="str"), terms).iloc[0] == "Dear [name], [name], [name] and [name] or [name]."


def test_contact_details_outside_free_text_never_reach_the_store_or_the_quarantine(runner, tmp_path):
    """An email in a team, a phone in a category or a case id reached every output (issue 20, defect 5)."""
    from tests.bad_inputs import csv_profile, csv_row, csv_text

    export = tmp_path / "export.csv"
    export.write_text(csv_text([csv_row("P1", Team="jo.ng@example.org", Category="Call 07700 900123", Service="ns1 2ab"),
                                csv_row("07700 900456")]))
    result = runner.invoke(app, ["load", "--profile", str(csv_profile(tmp_path)), str(export), "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    store = tmp_path / "store"
    written = pd.read_parquet(store / "records").to_csv() + (store / "quarantine.csv").read_text(encoding="utf-8")
    for value in ("jo.ng@example.org", "07700 900123", "07700 900456", "ns1 2ab"):
        assert value not in written
    quarantine = pd.read_csv(store / "quarantine.csv", dtype=str)
    assert quarantine[["case_id", "reason"]].values.tolist() == [["[phone]", "personal_data_in_case_id"]]


def test_function_words_titles_and_relationships_in_personal_columns_are_not_names():
    """Matched in any case, 'and' from "Mr and Mrs Smith" masked the ombudsman's name in every letter,
    and the letter checks then found it unnamed."""
    terms = personal_terms([pd.Series(["Mr and Mrs Smith", "Citizens Advice on behalf of Ann Lee", "Foster carer", "Self"])])
    assert terms.names == ["Advice", "Ann", "Citizens", "Lee", "Smith"]
    letter = "Mr Smith, you may ask the Local Government and Social Care Ombudsman on behalf of yourself and your carer."
    assert redact(pd.Series([letter], dtype="str"), terms).iloc[0] == (
        "Mr [name], you may ask the Local Government and Social Care Ombudsman on behalf of yourself and your carer.")


def test_an_email_holding_a_name_is_masked_whole_and_any_apostrophe_stands_for_another():
    terms = personal_terms([pd.Series(["Ann O'Neill"]), pd.Series(["ann.oneill@example.org"])])
    letter = "Dear Ms O’Neill, we wrote to ann.oneill@example.org."
    assert redact(pd.Series([letter], dtype="str"), terms).iloc[0] == "Dear Ms [name], we wrote to [email]."


def _load_csv(runner, tmp_path, rows) -> Path:
    from tests.bad_inputs import csv_profile, csv_text

    export = tmp_path / "export.csv"
    export.write_text(csv_text(rows), encoding="utf-8")
    store = tmp_path / "store"
    result = runner.invoke(app, ["load", "--profile", str(csv_profile(tmp_path)), str(export), "--store", str(store)])
    assert result.exit_code == 0, result.output
    return store


def test_names_in_teams_categories_and_case_ids_never_reach_the_store_or_the_quarantine(runner, tmp_path):
    """Only contact details were screened outside the letters: the complainant's name in a team,
    a category or a case id was stored as written."""
    from tests.bad_inputs import csv_row

    store = _load_csv(runner, tmp_path, [
        csv_row("P1", Name="Jo Ng", Team="Jo Ng's team", Category="ŁUKASZ"),
        csv_row("P2", Name="Zoë Łukasz", Team="zoë"),
        csv_row("P3-jo-ng", Name="Jo Ng"),
    ])
    records = Store(store).read_records()
    assert records[["case_id", "team", "category"]].astype(str).values.tolist() == [
        ["P1", "[name] [name]'s team", "[name]"], ["P2", "[name]", "Damp"]]
    quarantine = pd.read_csv(store / "quarantine.csv", dtype=str)
    assert quarantine[["case_id", "reason", "detail"]].values.tolist() == [
        ["P3-[name]-[name]", "personal_data_in_case_id",
         "case_id holds a name; a case reference must not be personal data (is the right column mapped?)"]]
    written = pd.read_parquet(store / "records").drop(columns="source_file").to_csv() + quarantine.drop(columns="source_file").to_csv()
    assert re.findall(r"(?i)\b(?:jo|ng|zoë|łukasz)\b", written) == []


def test_quarantine_messages_and_raw_values_show_no_personal_data(runner, tmp_path):
    """An email in a date, a name and a phone in an outcome, an email after a line break in a case
    id: each message quoted the value, and the raw values were masked as JSON text, escapes and all."""
    from tests.bad_inputs import csv_row

    store = _load_csv(runner, tmp_path, [
        csv_row("Q1", received="ann.lee@example.org"),
        csv_row("Q2", Name="Zoë Brontë", outcome="Zoë Brontë 07700 900123"),
        csv_row("Q3\nann.lee@example.org"),
        csv_row("Q4\nZoë", Name="Zoë Brontë"),
    ])
    quarantine = pd.read_csv(store / "quarantine.csv", dtype=str)
    assert quarantine["detail"].tolist() == [
        "received: '[email]' is not a date (expected day/month/year)",
        "outcome: '[name] [name] [phone]' is not mapped (allowed: upheld, partly_upheld, not_upheld, withdrawn, resolved, "
        "out_of_scope, open)",
        "case_id holds a line break or control character: 'Q3\\n[email]'",
        "case_id holds a line break or control character: 'Q4\\n[name]'",
    ]
    assert [json.loads(raw)["Case Ref"] for raw in quarantine["raw"]] == ["Q1", "Q2", "Q3\n[email]", "Q4\n[name]"]
    assert json.loads(quarantine["raw"][1])["Outcome"] == "[name] [name] [phone]"
    shown = quarantine[["case_id", "detail", "raw"]].to_csv()
    assert [value for value in ("ann", "lee", "Zo", "Bront", "07700", "example.org") if value in shown] == []


def test_a_quarantine_message_quoting_a_value_never_quotes_contact_details(runner, tmp_path):
    """A message that quotes the bad value ('outcome: ... is not mapped', a case id with a line
    break) wrote the email or phone number it held into quarantine.csv (issue 20, defect 5)."""
    from tests.bad_inputs import csv_profile, csv_row, csv_text

    export = tmp_path / "export.csv"
    export.write_text(csv_text([csv_row("C1", outcome="jo.ng@example.org"), csv_row("C2", received="07700 900123"),
                                csv_row("C3\tann@example.org", Team="Call 07700\u00a0900456", Category="zoë@example.org")]))
    result = runner.invoke(app, ["load", "--profile", str(csv_profile(tmp_path)), str(export), "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    quarantine = pd.read_csv(tmp_path / "store" / "quarantine.csv", dtype=str)
    assert quarantine["reason"].tolist() == ["unmapped_value", "bad_date", "bad_case_id"]
    written = (tmp_path / "store" / "quarantine.csv").read_text(encoding="utf-8") + result.output
    for value in ("jo.ng@example.org", "07700 900123", "ann@example.org"):
        assert value not in written
    assert "900456" not in written and "zoë" not in written.casefold()
    assert "[email]" in quarantine["detail"].iloc[0] and "[phone]" in quarantine["detail"].iloc[1]


def test_a_case_id_is_judged_once_and_every_row_that_repeats_it_gets_the_verdict(runner, tmp_path):
    """Case ids are checked once per distinct id (validate.CaseIds): a bad id given twice
    quarantines both of its rows with the same reason and message, its personal data masked; an
    accented id, which is not printable ASCII, is searched for control characters and loads."""
    from tests.bad_inputs import csv_row

    store = _load_csv(runner, tmp_path, [
        csv_row("Réf-1"),
        csv_row("Réf\t2"), csv_row("Réf\t2"),
        csv_row("R3-jo-ng", Name="Jo Ng"), csv_row("R3-jo-ng", Name="Jo Ng"),
    ])
    assert Store(store).read_records()["case_id"].tolist() == ["Réf-1"]
    quarantine = pd.read_csv(store / "quarantine.csv", dtype=str)
    control = "case_id holds a line break or control character: 'Réf\\t2'"
    named = "case_id holds a name; a case reference must not be personal data (is the right column mapped?)"
    assert quarantine[["source_row", "case_id", "reason", "detail"]].values.tolist() == [
        ["3", "Réf\t2", "bad_case_id", control], ["4", "Réf\t2", "bad_case_id", control],
        ["5", "R3-[name]-[name]", "personal_data_in_case_id", named], ["6", "R3-[name]-[name]", "personal_data_in_case_id", named]]
