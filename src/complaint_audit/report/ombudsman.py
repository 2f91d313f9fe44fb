"""The Ombudsman's annual figures for the council beside the council's own figures for the same year.

A pure function of the figures the run kept (ombudsman.json, see ingest/published/ombudsman.py)
and the report's headline figures, so the section says the same in every format and a test can
read it without rendering. A council missing from the figures file is a warning in the section,
not an error: the rest of the assessment stands without it.
"""

from __future__ import annotations

from complaint_audit.ingest.published.ombudsman_profile import FIGURES
from complaint_audit.report.suppression import WITHHELD, Suppression
from complaint_audit.report.text import number

_OMBUDSMAN_STAGE = "Ombudsman"


def _value(kind: str, value, suppression: Suppression) -> str:
    if value is None:
        return "not given"
    if kind == "count":
        return suppression.count(int(value))
    return f"{value:g}%" if kind == "percent" else number(value)


def _figure_rows(rows: list[dict], figures: list[str], suppression: Suppression) -> list[list[str]]:
    """One row per figure, one column per year; an uphold rate that would reveal a small count is withheld."""
    table = []
    for key in figures:
        label, kind = FIGURES[key]
        cells = []
        for row in rows:
            shown = _value(kind, row.get(key), suppression)
            if key == "uphold_rate" and suppression.withholds(row.get("upheld"), row.get("investigated")):
                shown = WITHHELD
            cells.append(shown)
        table.append([label, *cells])
    return table


def _own_figures(headline: dict) -> list[list[str]]:
    """The council's own figures to set beside the Ombudsman's, as the headline shows them (suppressed alike): those
    the headline table just above does not already give, its upholding and what it recorded at the Ombudsman stage."""
    stages = {row["stage"]: row for row in headline["stages"]}
    at_ombudsman = stages.get(_OMBUDSMAN_STAGE)
    rows = [["Upheld or partly upheld by the council, all stages", headline["upheld_text"]],
            ["Complaints recorded at the Ombudsman stage", at_ombudsman["complaints_text"] if at_ombudsman else "0"]]
    if at_ombudsman:
        rows.append(["Upheld or partly upheld at the Ombudsman stage, as the council recorded it",
                     at_ombudsman["upheld_text"]])
    return rows


def _comparison(year_row: dict, headline: dict, suppression: Suppression) -> list[str]:
    """The few sentences that read the two sets of figures together."""
    sentences = []
    rate, average = year_row.get("uphold_rate"), year_row.get("average_uphold_rate")
    if rate is not None and not suppression.withholds(year_row.get("upheld"), year_row.get("investigated")):
        text = f"The Ombudsman upheld {rate:g}% of its detailed investigations into the council in {year_row['year']}"
        if average is not None:
            gap = round(rate - average, 1)
            position = "the same as" if gap == 0 else f"{abs(gap):g} points {'above' if gap > 0 else 'below'}"
            text += f", against an average of {average:g}% for similar authorities: {position} the average"
        sentences.append(text + ".")
    sentences.append(f"In its own handling the council upheld or partly upheld {headline['upheld_text']} of the "
                     "complaint stages it decided.")
    if year_row.get("complaints_decided") is not None:
        stages = {row["stage"]: row for row in headline["stages"]}
        recorded = stages[_OMBUDSMAN_STAGE]["complaints_text"] if _OMBUDSMAN_STAGE in stages else "0"
        sentences.append(f"The Ombudsman decided {suppression.count(int(year_row['complaints_decided']))} complaints "
                         f"and enquiries about the council; the council's own records hold {recorded} at the "
                         "Ombudsman stage for the period audited.")
    if year_row.get("compliance_rate") is not None:
        sentences.append(f"The council complied with {year_row['compliance_rate']:g}% of the Ombudsman's "
                         "recommendations.")
    remedied = year_row.get("satisfactory_remedy")
    if remedied:
        sentences.append(f"In {suppression.count(int(remedied))} cases the Ombudsman found the council had already "
                         "provided a satisfactory remedy before it became involved.")
    return sentences


def section(record: dict | None, headline: dict, suppression: Suppression) -> dict | None:
    """The section's content, or None when the run was given no ombudsman figures."""
    if record is None:
        return None
    year, organisation, rows = record.get("year"), record.get("organisation"), record["rows"]
    source = (f"{record['file']} (profile {record['profile']}; {record['organisations_in_file']} organisations, "
              f"{', '.join(record['years_in_file'])}; SHA-256 {record['sha256']})")
    shown = {"title": f"The Ombudsman's figures{' for ' + year if year else ''}", "year": year,
             "notes": record["notes"], "source": source, "warning": None, "figures": None, "own": None,
             "comparison": []}
    if organisation is None:
        return {**shown, "warning": "The audit covers more than one organisation and audit.toml names none, so the "
                                    "Ombudsman's figures cannot be matched to a council."}
    if not rows:
        return {**shown, "warning": f"{organisation} is not in the Ombudsman's figures file ({record['file']}), so its "
                                    "figures are not shown. Check that the name in the file matches `organisation` "
                                    "in audit.toml."}
    year_row = next((row for row in rows if row["year"] == year), None)
    if year_row is None and year:
        shown["warning"] = (f"The Ombudsman's figures file has no row for {organisation} for {year}; the years it "
                            "has are shown for context.")
    own_title = f"The council's own records, {year or 'period audited'}"
    return {
        **shown,
        "figures": {"columns": ["Figure", *(row["year"] for row in rows)],
                    "rows": _figure_rows(rows, record["figures"], suppression)},
        "own": {"columns": [own_title, "Figure"], "rows": _own_figures(headline)},
        "comparison": _comparison(year_row, headline, suppression) if year_row else [],
    }
