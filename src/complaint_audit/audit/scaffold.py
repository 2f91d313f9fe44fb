"""`complaint-audit init`: an audit folder for a council starting from its own exports.

It writes audit.toml and a draft profile per export (through profile suggest), so a new user
goes from exports to a first report by confirming guesses, not by reading the source. A folder
among the exports is the council's response letters: audit.toml gets a draft `[letters]`
section whose reference pattern is the shape of the exports' case references.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import re
from pathlib import Path

import tomlkit

from complaint_audit.errors import UserError
from complaint_audit.ingest.suggest.draft import ORGANISATION_PLACEHOLDER, draft_profile
from complaint_audit.letters.suggest import letters_table
from complaint_audit.paths import SURROGATE

_AUDIT_TOML = '''# audit.toml: what this audit loads, checks and reports. Paths are relative to this file.
# Every key: README.md and docs/profiles.md. Check the profiles in profiles/ first.

organisation = ""                        # confirm: the council's name, as the report should show it
period = ""                              # a financial year, or { start = 2023-04-01, end = 2024-03-31 }

[calendar]
nation = "england"                       # england, wales, scotland or northern_ireland: whose bank holidays
                                         # (elsewhere: country = "US" and subdivision = "NY" instead of nation)
closure_days = []                        # days the council was closed, such as "2023-12-27"

# The pseudonymisation key: set the environment variable COMPLAINT_AUDIT_KEY to a secret of 16+ characters
# (8+ of them different) and keep it the same from run to run, so repeat complainants match across runs.

[report]
title = "Complaint handling assessment"
audience = "Audit Committee"
marking = "OFFICIAL-SENSITIVE"
author = "Internal Audit"
free_text = false                        # true lets masked letter text appear in the report
# committee_date = 2024-07-15            # the action plan's due dates count from this meeting (else the report's date)

# [report.owners]                        # who answers for each team's recommendations (else the team itself)
# "Housing Complaints" = "Director of Housing"

[history]
keep = 24                                # runs kept in the output folder
'''


def scaffold_audit(folder: Path, exports: list[Path], today: dt.date | None = None) -> list[Path]:
    """Write FOLDER/audit.toml and FOLDER/profiles/<export>.toml; the paths written. One of EXPORTS may be
    a folder of response letters, which becomes audit.toml's `[letters]`."""
    folder = Path(folder)
    if (folder / "audit.toml").exists():
        raise UserError(f"{folder / 'audit.toml'} exists already; choose another folder or move it")
    letter_folders = [Path(export) for export in exports if Path(export).is_dir()]
    if len(letter_folders) > 1:
        raise UserError(f"{letter_folders[0]} and {letter_folders[1]} are both folders: give one folder of letters "
                        "(the letters of every team can sit in sub-folders of it)")
    exports = [export for export in exports if not Path(export).is_dir()]
    drafts = {export: draft_profile(export) for export in exports}  # fail before writing anything
    (folder / "profiles").mkdir(parents=True, exist_ok=True)
    config = tomlkit.parse(_AUDIT_TOML)
    config["organisation"] = ORGANISATION_PLACEHOLDER
    config["period"] = _last_financial_year(today or dt.date.today())
    sources = tomlkit.aot()
    written = []
    for export, drafted in drafts.items():
        draft = tomlkit.parse(drafted.text)
        profile = _unique(folder / "profiles" / f"{_slug(export.stem)}.toml", written)
        # The organisation is set once, in audit.toml, rather than in every profile.
        if draft.get("constants", {}).get("organisation") == ORGANISATION_PLACEHOLDER:
            del draft["constants"]["organisation"]
        profile.write_text(tomlkit.dumps(draft), encoding="utf-8")
        written.append(profile)
        source = tomlkit.table()
        source.add("profile", profile.relative_to(folder).as_posix())
        source.add("files", [_files_pattern(Path(os.path.relpath(Path(export).resolve(), folder.resolve())).as_posix())])
        sources.append(source)
    if letter_folders:
        references = [reference for drafted in drafts.values() for reference in drafted.case_references]
        config.add(tomlkit.nl())
        config.add("letters", letters_table(letter_folders[0], folder, references))
    config.add(tomlkit.nl())
    config.add("sources", sources)
    (folder / "audit.toml").write_text(tomlkit.dumps(config), encoding="utf-8")
    return [folder / "audit.toml", *written]


def _files_pattern(relative_export: str) -> str:
    """The export's path as a `files` pattern that finds it and only it: glob-escaped, since
    `files` takes patterns ('Complaints [Q1].csv' is one), and each byte of a name that is not
    UTF-8 (a lone surrogate here, which a UTF-8 TOML file cannot hold) as '?', one character."""
    return SURROGATE.sub("?", glob.escape(relative_export))


def _last_financial_year(today: dt.date) -> str:
    """The last complete financial year: the usual scope of an annual complaints review."""
    first = today.year - 1 if today.month >= 4 else today.year - 2
    return f"{first}-{(first + 1) % 100:02d}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "export"


def _unique(path: Path, taken: list[Path]) -> Path:
    candidate, number = path, 2
    while candidate in taken:
        candidate = path.with_stem(f"{path.stem}_{number}")
        number += 1
    return candidate
