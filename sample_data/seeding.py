"""Seeded problems: drawing disjoint sets of cases, and recording them as ground truth.

Every seeded problem is recorded case by case, so a test can assert that a check finds exactly
these cases. The sets are disjoint (one problem per case) except where the problems describe
one situation together: the member-case problems, and the team-wide loose local target.
"""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

import numpy as np
import pandas as pd

# Which loader reason each kind of bad row should get (docs/profiles.md).
QUARANTINE_REASONS = {
    "missing_received": "missing_required",
    "impossible_date": "bad_date",
    "unmapped_code": "unmapped_value",
    "responded_before_received": "responded_before_received",
}


class Seeder:
    """Picks cases for seeded problems without picking any case twice."""

    def __init__(self, rng: np.random.Generator, count: int):
        self.rng = rng
        self.taken = np.zeros(count, dtype=bool)

    def reserve(self, mask) -> None:
        """Keep these cases out of every later pick (they carry a problem already)."""
        self.taken |= np.asarray(mask, dtype=bool)

    def pick(self, eligible, share: float, minimum: int = 1) -> np.ndarray:
        """A share of the eligible, untaken cases (at least `minimum` when there are enough)."""
        pool = np.flatnonzero(np.asarray(eligible, dtype=bool) & ~self.taken)
        size = min(len(pool), max(minimum, int(round(share * len(pool)))))
        chosen = np.zeros(len(self.taken), dtype=bool)
        chosen[self.rng.choice(pool, size=size, replace=False)] = True
        self.taken |= chosen
        return chosen


def own_stream(rng: np.random.Generator, key: int) -> np.random.Generator:
    """A generator of its own, derived from `rng`'s seed and `key` without drawing from `rng`.

    Seeds added later draw from such a stream, so they leave every earlier draw (and so every
    earlier problem's cases and letters) as it was, and two additions with different keys do not
    move each other.
    """
    seed = rng.bit_generator.seed_seq
    return np.random.default_rng(np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, key)))


def _plain(value):
    """numpy scalars -> Python ones, so the ground truth serialises the same everywhere."""
    return value.item() if isinstance(value, np.generic) else value


class GroundTruth:
    """The seeded problems of one or more exports, case by case."""

    def __init__(self):
        self.problems: dict[str, list[dict]] = defaultdict(list)
        self.quarantine: dict[str, list[dict]] = {kind: [] for kind in QUARANTINE_REASONS}
        self.details: dict[str, dict] = defaultdict(dict)

    def add(self, problem: str, file: str, cases: pd.DataFrame) -> None:
        """Record cases (columns case_id, stage and any extra facts) under a problem."""
        columns = {name: [_plain(value) for value in cases[name].tolist()] for name in cases.columns}
        for values in zip(*columns.values(), strict=True):
            self.problems[problem].append({"file": file, **dict(zip(columns, values, strict=True))})

    def add_quarantine(self, kind: str, file: str, rows: pd.DataFrame) -> None:
        """Record bad rows (columns case_id, stage, source_row, field, value) of one kind."""
        for record in rows.to_dict("records"):
            entry = {"file": file, **{k: _plain(v) for k, v in record.items()}, "reason": QUARANTINE_REASONS[kind]}
            self.quarantine[kind].append(entry)

    def merge(self, other: GroundTruth) -> None:
        for problem, entries in other.problems.items():
            self.problems[problem].extend(entries)
        for kind, entries in other.quarantine.items():
            self.quarantine[kind].extend(entries)
        for problem, facts in other.details.items():
            self.details[problem].update(facts)


class SystemExport(NamedTuple):
    """One system's export as it will be written (export-shaped frame or records), and its seeded problems.

    `letters`: where the system keeps its response letters as files rather than in the export
    (adult social care), one row per letter with what letter_files.py needs to write them.
    """

    data: object
    truth: GroundTruth
    letters: object = None
