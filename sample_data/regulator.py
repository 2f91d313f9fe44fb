"""A made-up return to the Regulator of Social Housing for the sample council, laid out like the real workbook.

The regulator publishes every landlord's Tenant Satisfaction Measures as a full-data workbook; its
sheet TSMyy_Management_Info holds CH01 (Stage 1 and Stage 2 complaints per 1,000 homes) and CH02
(the share answered within the Housing Ombudsman's Code timescales) with their numerators and
denominators. This writes a small workbook with that sheet, the same headings (so the same reader
reads it), the sample council's line and a few made-up peer councils, each marked MADE-UP.

The council's line is worked out from the housing complaints the corporate export holds, with the
Code's clock (from acknowledgement, or receipt plus 5 working days; 10 working days at Stage 1 and
20 at Stage 2; an extension with a reason up to 10 or 20 more), a complaint not answered counting as
not on time. Its CH01 is the records' count; its Stage 1 CH02 is seeded a few points kinder than the
records give (none with `clean`), the gap TS007 should find.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

from complaint_audit.calendar import working_days_between

from . import dates
from .workbook import pinned_bytes

FOLDER = "regulator"
FILE = "regulator/tsm_full_data_EXAMPLE.xlsx"
MADE_UP = "MADE-UP EXAMPLE: not the Regulator of Social Housing's published figures"
HOMES = 21_400  # the sample council's homes (low-cost rental) at the year's end
KINDER_POINTS = (3.0, 4.5)  # the seeded Stage 1 gap: the return this many points kinder than the records
CODE_DAYS = {"1": (10, 10), "2": (20, 20)}  # response working days, extension working days
ACKNOWLEDGE_DAYS = 5
# Fictional councils to set the sample council among: (name, code, homes).
PEERS = (
    ("Eastmere District Council", "99EM", 4_300), ("Brackenhurst Borough Council", "99BH", 6_100),
    ("Southbrook City Council", "99SB", 15_200), ("Northwold District Council", "99NW", 5_400),
    ("Kingsford Borough Council", "99KF", 11_800), ("Ashcombe District Council", "99AC", 3_100),
    ("Ravensmoor City Council", "99RM", 24_600), ("Lowfield Borough Council", "99LF", 8_700),
    ("Hartley Vale District Council", "99HV", 2_200), ("Greyhaven City Council", "99GH", 31_500),
)
_STAGE_WORDS = {"1": "one", "2": "two"}
_CODE = "Housing Ombudsman’s Complaint Handling Code"


def housing_figures(frame: pd.DataFrame, quarantined: set[tuple[str, str]], year: int) -> pd.DataFrame:
    """Per stage, the housing complaints received in the financial year and those answered on the Code's clock.

    `frame` is the corporate export as written; `quarantined` the (case id, stage) rows the loader sets aside.
    """
    start, end = dates.financial_year(year)
    counts = {}
    for stage, prefix in (("1", "Stage 1"), ("2", "Stage 2")):
        received_column = "Date Received" if stage == "1" else "Stage 2 Requested"
        when = {name: pd.to_datetime(frame[column], format="%d/%m/%Y", errors="coerce")
                for name, column in (("received", received_column), ("ack", f"{prefix} Acknowledged"),
                                     ("extended", f"{prefix} Extended Due"), ("responded", f"{prefix} Response Sent"))}
        kept = ~pd.Series([(case, stage) in quarantined for case in frame["Case Ref"]], index=frame.index)
        housing = frame["Complaint Type"].eq("Housing") & kept & when["received"].between(start, end)
        rows = {name: values[housing] for name, values in when.items()}
        reason = frame.loc[housing, f"{prefix} Extension Reason"].fillna("").astype("str").str.strip().ne("")
        respond, extension = CODE_DAYS[stage]
        from_receipt = rows["ack"].isna()
        clock_start = rows["ack"].where(~from_receipt, rows["received"])
        deadline = dates.after(clock_start, respond + ACKNOWLEDGE_DAYS * from_receipt.astype("int64")
                               + _clock_stop(frame.loc[housing], prefix, rows["received"], rows["responded"]))
        latest = dates.after(deadline, extension)
        extended = rows["extended"].notna() & reason & rows["extended"].gt(deadline)
        due = deadline.where(~extended, rows["extended"].where(rows["extended"].le(latest), latest))
        on_time = rows["responded"].le(due).fillna(False)
        counts[stage] = {"received": int(housing.sum()), "on_time": int(on_time.sum())}
    return pd.DataFrame.from_dict(counts, orient="index").rename_axis("stage").reset_index()


def _clock_stop(rows: pd.DataFrame, prefix: str, received: pd.Series, responded: pd.Series) -> np.ndarray:
    """The working days on hold TS007 deducts, as engine/toolkit.py does: with a reason, more than 0 and no longer
    than the stage took; 0 otherwise, or where the export has no such column."""
    if f"{prefix} Days On Hold" not in rows:
        return np.zeros(len(rows), dtype="int64")
    days = pd.to_numeric(rows[f"{prefix} Days On Hold"], errors="coerce")
    reason = rows[f"{prefix} Hold Reason"].fillna("").astype("str").str.strip().ne("")
    taken = working_days_between(received, responded).astype("float64")
    counted = reason & days.gt(0) & days.le(taken)
    return days.where(counted, 0).fillna(0).astype("int64").to_numpy()


def council_return(records: pd.DataFrame, rng: np.random.Generator, *, clean: bool) -> dict:
    """The council's return: CH01 as its records give it, Stage 1 CH02 a seeded few points kinder (none if clean)."""
    stages = {}
    for row in records.itertuples(index=False):
        received, on_time = int(row.received), int(row.on_time)
        returned = on_time
        if row.stage == "1" and not clean:
            kinder = rng.uniform(*KINDER_POINTS)
            returned = min(received, on_time + int(round(kinder * received / 100)))
        stages[row.stage] = {"complaints": received, "homes": HOMES, "answered_on_time": returned,
                             "answered": received, "records_on_time": on_time,
                             "gap_points": round(100 * (returned - on_time) / received, 1)}
    return stages


def peer_lines(rng: np.random.Generator) -> list[dict]:
    """Made-up councils' CH01 and CH02: complaints per 1,000 homes around 15 at Stage 1, most answered on time."""
    lines = []
    for name, code, homes in PEERS:
        stage1 = int(homes * rng.uniform(8, 30) / 1000)
        stage2 = int(stage1 * rng.uniform(0.1, 0.3))
        share1, share2 = rng.uniform(0.55, 0.98), rng.uniform(0.5, 0.98)
        lines.append({"landlord": name, "code": code, "stages": {
            "1": {"complaints": stage1, "homes": homes, "answered_on_time": int(round(stage1 * share1)),
                  "answered": stage1},
            "2": {"complaints": stage2, "homes": homes, "answered_on_time": int(round(stage2 * share2)),
                  "answered": stage2}}})
    return lines


def write_workbook(path: Path, year: int, organisation: str, council: dict, peers: list[dict]) -> None:
    """The management-information sheet as the regulator lays it out: title, notes, headings, a row per landlord."""
    sheet_year = f"TSM{(year + 1) % 100:02d}"
    book = Workbook()
    book.active.title = "Introduction"
    book.active.append([f"Tenant Satisfaction Measures {dates.period_label(year)}: {MADE_UP}."])
    book.active.append(["Every council named in this workbook is fictional; its figures are made up for the "
                        "complaint-audit demo. Laid out like the regulator's full-data workbook."])
    sheet = book.create_sheet(f"{sheet_year}_Management_Info")
    sheet.append([f"{sheet_year}_Management_Info"])
    sheet.append([f"Notes: {MADE_UP}. Every council named here is fictional."])
    sheet.append(_headings())
    lines = [{"landlord": organisation, "code": "99NC", "stages": council}, *peers]
    for line in lines:
        homes = line["stages"]["1"]["homes"]
        size = "<5,000" if homes < 5000 else "5,000-40,000" if homes <= 40000 else ">40,000"
        rates, figures = [], []
        for stage in ("1", "2"):
            figure = line["stages"][stage]
            rates += [round(1000 * figure["complaints"] / figure["homes"], 1),
                      round(100 * figure["answered_on_time"] / figure["answered"], 1) if figure["answered"] else "[U]"]
            figures += [figure["complaints"], figure["homes"], figure["answered_on_time"], figure["answered"]]
        sheet.append([line["landlord"], line["code"], "LA", "", size, "MADE-UP", *rates, *figures, MADE_UP])
    book.properties.creator = "complaint-audit sample generator"
    produced = dt.datetime(year + 1, 11, 1)
    book.properties.created = produced
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pinned_bytes(book, produced))


def _headings() -> list[str]:
    """The real workbook's headings for the columns the sample fills (LCRA: low-cost rental accommodation)."""
    rates = []
    figures = []
    for stage in ("1", "2"):
        words = _STAGE_WORDS[stage]
        rates += [f"LCRA - Number of stage {words} complaints made by tenants in the relevant stock type during the "
                  f"reporting year per 1,000 homes (CH01 {stage})",
                  f"LCRA - Proportion of stage {words} complaints responded to within the {_CODE} timescales "
                  f"(CH02 {stage})"]
        figures += [f"LCRA - Number of stage {words} complaints made by tenants in the relevant stock type during the "
                    f"reporting year (CH01 {stage} Numerator)",
                    f"LCRA - Number of dwelling units owned of the relevant stock type at year end (CH01 {stage} "
                    "Denominator)",
                    f"LCRA - Number of stage {words} complaints made by tenants during the reporting year for the "
                    f"relevant stock type that were responded to within the {_CODE} timescale (CH02 {stage} Numerator)",
                    f"LCRA - Number of stage {words} complaints made by tenants in the relevant stock type during the "
                    f"reporting year (CH02 {stage} Denominator)"]
    return ["Landlord name", "Landlord code", "Landlord type", "Landlord TSM Publication URL1",
            "Landlord group size (homes owned, LCRA and LCHO combined)", "Landlord predominant region",
            *rates, *figures, "Note"]
