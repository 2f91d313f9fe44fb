"""Make the sample exports of several fictional councils that handle complaints differently, one folder each.

    complaint-audit generate --councils 3 --out DIR

writes DIR/<council>/ for each council (its exports, profiles, audit.toml and ground_truth.json,
exactly as a single-council sample) and DIR/councils.json, the list of councils with their
folders and behaviours. Each folder runs on its own (`complaint-audit run DIR/<council>/audit.toml`),
so the runs can then be compared (`complaint-audit compare`). Council i is drawn with seed + i;
the first is the bundled sample's council, so with the default seed and case count its folder
holds the bundled exports under the same name.
"""

from __future__ import annotations

import json
from pathlib import Path

from complaint_audit.store import atomic_write

from .behaviour import COUNCILS
from .generate import DEFAULT_YEAR, generate


def generate_councils(
    out_dir: Path, councils: int = 3, cases: int = 2000, seed: int = 2023, year: int = DEFAULT_YEAR
) -> dict:
    """Write one sample folder per council and councils.json; return councils.json's content."""
    if not 1 <= councils <= len(COUNCILS):
        raise ValueError(f"councils must be between 1 and {len(COUNCILS)} (got {councils})")
    out_dir = Path(out_dir)
    command = f"complaint-audit generate --councils {councils} --cases {cases} --seed {seed} --year {year}"
    listed = []
    for index, council in enumerate(COUNCILS[:councils]):
        truth = generate(
            out_dir / council.folder, cases, seed + index, year, council.name,
            behaviour=council.behaviour, command=command,
        )
        listed.append({
            "organisation": council.name,
            "folder": council.folder,
            "seed": seed + index,
            "summary": council.summary,
            "behaviour": council.behaviour.as_dict(),
            "cases": truth["generator"]["cases"],
        })
    index = {"command": command, "year": year, "councils": listed}
    text = json.dumps(index, indent=2, ensure_ascii=False) + "\n"
    atomic_write(out_dir / "councils.json", lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return index
