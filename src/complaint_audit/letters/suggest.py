"""`init` with a folder of letters: a draft `[letters]` whose reference pattern is the shape of the exports' references.

A council's letters are named by case reference more often than not ("ASC-2023-0412 final
response.docx"), and the references' shape is in the exports: letters, digits and separators
("ASC-", four digits, "-", four digits). The draft turns the most common shapes into a regular
expression and says how many of the folder's file names it finds a reference in, so the user
confirms a pattern with its evidence beside it, instead of writing one.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import tomlkit

from complaint_audit.config import LettersConfig
from complaint_audit.letters.files import letter_files
from complaint_audit.toml_file import toml_comment

# Shapes kept in the pattern: enough for a council whose teams number cases differently, few enough to read.
MOST_SHAPES = 3
# A shape this rare among the references is a typing slip or a legacy case, not a numbering scheme.
_RARE_SHARE = 0.05
_RUN = re.compile(r"\d+|[A-Za-z]+|[^A-Za-z\d]")
_SPECIAL = set(".^$*+?{}[]\\|()")  # the characters a pattern must escape: a hyphen or slash reads better bare


def reference_shape(references: Iterable[str]) -> str | None:
    """A regular expression matching the references' common shapes; None where they have no digits to go by.

    Digits become \\d{n}; letters stay as written where every reference of the shape has the same
    ones (a prefix such as ASC), else [A-Za-z]{n}; other characters stay as written. The pattern
    is anchored so it does not match inside a longer number or word.
    """
    by_shape: dict[tuple, Counter] = {}
    for reference in {str(value).strip() for value in references if str(value).strip()}:
        if not any(character.isdigit() for character in reference):
            continue
        runs = _RUN.findall(reference)
        shape = tuple("d" if run.isdigit() else "a" if run.isalpha() else run for run in runs)
        lengths = tuple(len(run) for run in runs)
        spelling = tuple(run if run.isalpha() else "" for run in runs)
        by_shape.setdefault((shape, lengths), Counter())[spelling] += 1
    if not by_shape:
        return None
    total = sum(sum(letters.values()) for letters in by_shape.values())
    ranked = sorted(by_shape.items(), key=lambda item: (-sum(item[1].values()), str(item[0])))  # ties in a fixed order
    kept = [(key, letters) for key, letters in ranked[:MOST_SHAPES] if sum(letters.values()) >= _RARE_SHARE * total]
    parts = [_pattern(shape, lengths, letters) for (shape, lengths), letters in kept]
    body = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
    return rf"(?<![A-Za-z\d]){body}(?!\d)"


def letters_table(folder: Path, audit_folder: Path, references: Iterable[str]) -> tomlkit.items.Table:
    """The draft `[letters]` section for FOLDER, its pattern from REFERENCES, with the evidence as comments."""
    table = tomlkit.table()
    table.add("folder", Path(os.path.relpath(Path(folder).resolve(), Path(audit_folder).resolve())).as_posix())
    table["folder"].comment(toml_comment("relative to this file; every file in it (and its sub-folders) is read"))
    names = [path.name for path in letter_files(LettersConfig(folder=Path(folder)))]
    pattern = reference_shape(references)
    if pattern is None:
        table.add(tomlkit.comment(toml_comment(
            "confirm: the exports' case references have no digits to find in a file name; set reference_pattern "
            "(a regular expression) or an index CSV naming each file's case_id (docs/letters.md)")))
        return table
    found = sum(1 for name in names if re.search(pattern, name))
    table.add("reference_pattern", tomlkit.string(pattern, literal="'" not in pattern))
    table["reference_pattern"].comment(toml_comment(
        f"confirm: the shape of the exports' case references; found in {found:,} of {len(names):,} file names"))
    where = ["name", "text"]
    table.add("reference_in", where)
    table["reference_in"].comment(toml_comment(
        "the file name first, then the letter's first page" if found < len(names) else
        "every file name holds a reference; the first page is read only where one does not"))
    return table


def _pattern(shape: tuple, lengths: tuple, letters: Counter) -> str:
    spelled = {position: {each[position] for each in letters} for position, run in enumerate(shape) if run == "a"}
    pieces = []
    for position, (run, length) in enumerate(zip(shape, lengths, strict=True)):
        if run == "d":
            pieces.append(rf"\d{{{length}}}")
        elif run == "a":
            same = spelled[position]
            pieces.append(re.escape(next(iter(same))) if len(same) == 1 else f"[A-Za-z]{{{length}}}")
        else:
            pieces.append(re.escape(run) if run in _SPECIAL else run)
    return "".join(pieces)
