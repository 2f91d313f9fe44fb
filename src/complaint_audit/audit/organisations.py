"""Several organisations in one export: which to report, a folder name for each, and each one's share.

A file of 271 landlords or 515 authorities is 271 or 515 audits, not one council's: `run` writes
each organisation's own report (audit/per_organisation.py) in a folder named here. The functions
here are pure: names in, names, folder names and frames out.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Sequence

import pandas as pd
from slugify import slugify

from complaint_audit.errors import UserError
from complaint_audit.ingest.validate import REASONS

_SLUG_LENGTH = 60


def organisations_in(records: pd.DataFrame) -> list[str]:
    """The organisations the records hold, sorted."""
    return sorted(str(name) for name in records["organisation"].dropna().unique())


def chosen_organisations(held: Sequence[str], asked: Sequence[str]) -> list[str]:
    """The organisations to report: those ASKED for (--organisation), or all HELD; an unknown name
    is a UserError naming the nearest ones held (case, spaces and typing slips forgiven in the hint only)."""
    if not asked:
        return list(held)
    for name in asked:
        if name not in held:
            raise UserError(_unknown(name, held))
    return sorted(set(asked))


def _unknown(name: str, held: Sequence[str]) -> str:
    by_fold = {" ".join(known.split()).casefold(): known for known in held}
    near = [by_fold[key] for key in difflib.get_close_matches(" ".join(name.split()).casefold(), list(by_fold), n=3, cutoff=0.6)]
    if near:
        hint = "did you mean " + " or ".join(f"'{known}'" for known in near) + "?"
    else:
        shown = ", ".join(f"'{known}'" for known in held[:5])
        hint = f"it holds {shown}" + (f" and {len(held) - 5:,} more" if len(held) > 5 else "")
    return f"--organisation '{name}': no records of that organisation in this run's exports; {hint}"


def folder_names(names: Sequence[str]) -> dict[str, str]:
    """A safe, readable folder name for each organisation, unique among NAMES.

    Transliterated to lower-case ASCII words joined by hyphens (python-slugify: 'Ærø Kommune' ->
    'aero-kommune', '東京都' -> 'dong-jing-du'), at most 60 characters, never empty, '.' or '..'
    and never holding a slash. Names that would share a folder name (`A/B` and `a-b`, two that
    differ only after 60 characters, or in case) each get a hash of the full name after theirs.
    """
    readable = {name: slugify(name, max_length=_SLUG_LENGTH, word_boundary=True) or "organisation" for name in names}
    taken = pd.Series(list(readable.values())).value_counts()
    return {name: slug if taken[slug] == 1 else f"{slug}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"
            for name, slug in readable.items()}


def records_of(records: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """The records of the named organisations (all of them, unchanged, when they are all the records hold)."""
    if set(names) >= set(organisations_in(records)):
        return records
    kept = records[records["organisation"].isin(names)].reset_index(drop=True)
    return kept.assign(**{column: kept[column].cat.remove_unused_categories()
                          for column, dtype in kept.dtypes.items() if isinstance(dtype, pd.CategoricalDtype)})


def records_by_organisation(records: pd.DataFrame, names: Sequence[str]) -> dict[str, pd.DataFrame]:
    """Each named organisation's records, as a store read of that organisation alone gives them:
    in store order, indexed from 0, categories only of the values it uses (so a table by team
    lists its own teams, not every organisation's)."""
    categorical = [column for column, dtype in records.dtypes.items() if isinstance(dtype, pd.CategoricalDtype)]
    wanted = set(names)
    split = {}
    for name, frame in records.groupby("organisation", observed=True, sort=True):
        if name in wanted:
            frame = frame.reset_index(drop=True)
            frame[categorical] = frame[categorical].apply(lambda column: column.cat.remove_unused_categories())
            split[str(name)] = frame
    return split


def inputs_of(name: str, inputs: list[dict], records: pd.DataFrame, quarantine: pd.DataFrame) -> list[dict]:
    """The manifest's inputs as one organisation sees them: per file, its rows loaded and the
    quarantined rows that name it (read = loaded + quarantined); the files it has no row in are
    left out. A quarantined row naming no organisation is counted in the run's whole figures only."""
    loaded = records["source_file"].astype("str").value_counts()
    mine = quarantine[quarantine["organisation"].eq(name)]
    reasons = mine.groupby(["source_file", "reason"]).size()
    quarantined = mine["source_file"].value_counts()
    rows = pd.concat([records[["source_file", "source_row"]].astype("str"), mine[["source_file", "source_row"]].astype("str")])
    source_rows = rows.drop_duplicates().groupby("source_file").size()
    shared = ("path", "sha256", "profile", "format")
    entries = []
    for entry in inputs:
        path = entry["path"]
        counts = {"loaded": int(loaded.get(path, 0)), "quarantined": int(quarantined.get(path, 0))}
        if counts["loaded"] or counts["quarantined"]:
            entries.append({**{key: entry.get(key) for key in shared}, "source_rows": int(source_rows.get(path, 0)),
                            "read": counts["loaded"] + counts["quarantined"], **counts,
                            "reasons": {reason: int(reasons[path, reason]) for reason in REASONS if (path, reason) in reasons.index}})
    return entries
