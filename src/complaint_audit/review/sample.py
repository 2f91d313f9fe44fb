"""A reproducible, stratified random sample of stage records for a quality review.

The sample unit is one stage record (organisation, case_id, stage). How it is drawn:

1. The population is sorted by (organisation, case_id, stage), so the draw does not depend on
   the order the files were loaded in.
2. Strata are the combinations of the `stratify` fields (a missing value is its own stratum).
   Each stratum's target is its proportional share of n, rounded by largest remainder; every
   non-empty stratum gets at least one when n is at least the number of strata (the one is
   taken from the stratum with the largest target).
3. Oversampling: rows where any `field in values` holds are guaranteed
   min(matching rows, ceil(n * OVERSAMPLE_SHARE)) places. Those are drawn first, spread over
   the strata in proportion to where the matching rows are. The other places go to the strata
   still short of their target, in proportion to the shortfall, so stratum counts equal the
   targets unless the oversampled rows alone exceed a stratum's target.
4. Within a stratum, rows are chosen without replacement with `numpy.random.default_rng(seed)`,
   strata taken in sorted order. The same records, arguments and library versions give the
   same sample.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from complaint_audit import __version__
from complaint_audit.errors import UserError
from complaint_audit.paths import path_text
from complaint_audit.schema import FIELD_BY_NAME, FIELD_NAMES, RECORD_KEY

OVERSAMPLE_SHARE = 0.25
MISSING = "(missing)"


def draw_sample(
    records: pd.DataFrame,
    n: int,
    seed: int,
    stratify: tuple[str, ...] | list[str] = (),
    oversample: dict[str, list[str]] | None = None,
) -> tuple[pd.DataFrame, dict]:
    """The sampled records (sorted by organisation, case_id, stage) and how they were drawn.

    The returned frame has the canonical columns plus `stratum` (text) and `oversampled`
    (whether the row was drawn in the guaranteed oversampling share).
    """
    stratify = tuple(stratify)
    oversample = {field: list(values) for field, values in (oversample or {}).items()}
    _validate(n, seed, stratify, oversample)
    if records.empty:
        raise UserError("the store holds no records to sample from (load exports first)")

    population = records.sort_values(list(RECORD_KEY), kind="stable").reset_index(drop=True)
    strata = _stratum_labels(population, stratify)
    matching = _matching(population, oversample)
    names = sorted(strata.unique())
    sizes = [int((strata == name).sum()) for name in names]
    took_everything = n >= len(population)
    rng = np.random.default_rng(seed)

    if took_everything:
        chosen = np.arange(len(population))
        guaranteed_rows = np.flatnonzero(matching.to_numpy())
        targets = sizes
    else:
        targets = _allocate(n, sizes)
        guaranteed = min(int(matching.sum()), math.ceil(n * OVERSAMPLE_SHARE)) if oversample else 0
        guaranteed_rows = _draw_by_stratum(rng, strata, matching, names, guaranteed)
        drawn = pd.Series(False, index=population.index)
        drawn.iloc[guaranteed_rows] = True
        already = [int((drawn & (strata == name)).sum()) for name in names]
        shortfall = [max(target - done, 0) for target, done in zip(targets, already, strict=True)]
        rest = _allocate(n - guaranteed, shortfall)
        rest_rows = _draw_by_stratum(rng, strata, ~drawn, names, counts=rest)
        chosen = np.sort(np.concatenate([guaranteed_rows, rest_rows]))

    sample = population.iloc[chosen].assign(stratum=strata.iloc[chosen])
    sample["oversampled"] = sample.index.isin(guaranteed_rows)
    sample = sample.reset_index(drop=True)

    description = {
        "unit": "stage record (organisation, case_id, stage)",
        "n_requested": int(n),
        "n_drawn": int(len(sample)),
        "population": int(len(population)),
        "seed": int(seed),
        "took_everything": took_everything,
        "note": (
            f"n={n} is not smaller than the population of {len(population)} records: every record is in the sample"
            if took_everything else ""
        ),
        "stratify": list(stratify),
        "strata": [
            {
                "stratum": name,
                "population": size,
                "target": int(target),
                "sampled": int((sample["stratum"] == name).sum()),
                "oversampled": int(((sample["stratum"] == name) & sample["oversampled"]).sum()),
            }
            for name, size, target in zip(names, sizes, targets, strict=True)
        ],
        "oversample": {
            "fields": oversample,
            "share": OVERSAMPLE_SHARE if oversample else 0.0,
            "matching_in_population": int(matching.sum()) if oversample else 0,
            "guaranteed": int(len(guaranteed_rows)) if oversample else 0,
            "matching_in_sample": int(_matching(sample, oversample).sum()),
        },
        "method": (
            "population sorted by (organisation, case_id, stage); proportional allocation over strata with "
            "largest-remainder rounding and at least one per non-empty stratum; oversampled rows guaranteed "
            f"min(matching, ceil(n * {OVERSAMPLE_SHARE})) places, drawn first; random choice without replacement "
            "within each stratum with numpy.random.default_rng(seed)"
        ),
        "versions": {"complaint_audit": __version__, "numpy": np.__version__, "pandas": pd.__version__},
    }
    return sample, description


def parse_stratify(text: str | None) -> tuple[str, ...]:
    """`team,stage` -> ("team", "stage"); empty or None -> ()."""
    return tuple(part.strip() for part in (text or "").split(",") if part.strip())


def parse_oversample(specs: list[str] | None) -> dict[str, list[str]]:
    """["raised_via=mp,councillor", ...] -> {"raised_via": ["mp", "councillor"]}."""
    parsed: dict[str, list[str]] = {}
    for spec in specs or []:
        field, sep, values = spec.partition("=")
        wanted = [value.strip() for value in values.split(",") if value.strip()]
        if not sep or not field.strip() or not wanted:
            raise UserError(f"--oversample {spec!r}: write FIELD=VALUE[,VALUE...], e.g. raised_via=mp,councillor")
        parsed.setdefault(field.strip(), []).extend(wanted)
    return parsed


def _validate(n: int, seed: int, stratify: tuple[str, ...], oversample: dict[str, list[str]]) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise UserError(f"n must be a whole number of at least 1, not {n!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise UserError(f"seed must be a whole number of at least 0, not {seed!r}")
    for option, fields in (("stratify", stratify), ("oversample", tuple(oversample))):
        for field in fields:
            if field not in FIELD_BY_NAME:
                raise UserError(f"{option}: '{field}' is not a canonical field; use one of {', '.join(FIELD_NAMES)}")
    for field, values in oversample.items():
        allowed = FIELD_BY_NAME[field].allowed
        unknown = [value for value in values if allowed and value not in allowed]
        if unknown:
            raise UserError(f"oversample: '{unknown[0]}' is not a value of {field}; use one of {', '.join(allowed)}")


def _stratum_labels(frame: pd.DataFrame, stratify: tuple[str, ...]) -> pd.Series:
    """One text label per row, e.g. "team=Housing; stage=1"; "all" without stratification."""
    if not stratify:
        return pd.Series("all", index=frame.index, dtype=object)
    parts = [field + "=" + frame[field].astype(object).where(frame[field].notna(), MISSING).astype(str) for field in stratify]
    label = parts[0]
    for part in parts[1:]:
        label = label + "; " + part
    return label.astype(object)


def _matching(frame: pd.DataFrame, oversample: dict[str, list[str]]) -> pd.Series:
    """Rows where any oversampled field holds one of its values."""
    mask = pd.Series(False, index=frame.index)
    for field, values in oversample.items():
        mask |= frame[field].astype(object).isin(values)
    return mask


def _allocate(total: int, sizes: list[int]) -> list[int]:
    """Split `total` over `sizes` in proportion (largest remainder; ties to the earlier one).

    Every non-empty size gets at least one when total allows, taken from the largest share.
    Assumes total <= sum(sizes); no share exceeds its size.
    """
    whole = sum(sizes)
    if whole == 0 or total == 0:
        return [0] * len(sizes)
    shares = [total * size // whole for size in sizes]
    remainders = sorted(range(len(sizes)), key=lambda i: (-(total * sizes[i] % whole), i))
    for i in remainders[: total - sum(shares)]:
        shares[i] += 1
    if total >= sum(1 for size in sizes if size):
        for i, size in enumerate(sizes):
            if size and not shares[i]:
                donor = max(range(len(sizes)), key=lambda j: (shares[j], -j))
                shares[donor] -= 1
                shares[i] = 1
    return shares


def _draw_by_stratum(
    rng: np.random.Generator,
    strata: pd.Series,
    eligible: pd.Series,
    names: list[str],
    total: int | None = None,
    counts: list[int] | None = None,
) -> np.ndarray:
    """Positions drawn from the eligible rows of each stratum: `counts` per stratum, or `total` in proportion."""
    pools = [np.flatnonzero((eligible & (strata == name)).to_numpy()) for name in names]
    if counts is None:
        counts = _allocate(total or 0, [len(pool) for pool in pools])
    drawn = [rng.choice(pool, size=count, replace=False) for pool, count in zip(pools, counts, strict=True) if count]
    return np.sort(np.concatenate(drawn)) if drawn else np.array([], dtype=int)


def draw_from_store(
    store: Path,
    n: int,
    seed: int,
    stratify: tuple[str, ...] | list[str] = (),
    oversample: dict[str, list[str]] | None = None,
) -> tuple[pd.DataFrame, dict]:
    """draw_sample on a store's records; the description also names the store and its files' SHA-256."""
    from complaint_audit.store import Store

    source = Store(store)
    sample, description = draw_sample(source.read_records(), n, seed, stratify, oversample)
    description["source"] = {
        "store": path_text(store),
        "files": [{"path": entry["path"], "sha256": entry["sha256"]} for entry in source.ledger()],
    }
    return sample, description
