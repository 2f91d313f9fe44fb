"""The letters read once per run (AuditData.derived) and shared by every QR check, instead of each reading them again."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from complaint_audit.checks import _letter_text as letter_text
from complaint_audit.checks import _response_criteria as response_criteria
from complaint_audit.engine.contract import AuditData


class Reading(NamedTuple):
    """The letters, read once per run for every QR check (AuditData.derived)."""

    letters: pd.DataFrame  # the council-stage rows with letter text
    unread: pd.Series  # a mask of the council-stage rows answered without letter text
    final: pd.Series  # whether each letter is its procedure's final response (final_stage)
    read: pd.DataFrame  # what `measure` read: every phrase wherever a criterion may need it, and readability


def reading(data: AuditData) -> Reading:
    """The letters and what they say, shared by the QR checks instead of each reading them again."""
    return data.derived(_read_letters)


def council_letters(data: AuditData) -> tuple[pd.DataFrame, pd.Series]:
    """response_criteria.letters_with_text(data.records), once per run."""
    return data.derived(_council_letters)


def _council_letters(data: AuditData) -> tuple[pd.DataFrame, pd.Series]:
    return response_criteria.letters_with_text(data.records)


def _read_letters(data: AuditData) -> Reading:
    letters, unread = council_letters(data)
    final = response_criteria.final_stage(data.records)[letters.index]
    # With on_extension every phrase is needed on the most letters, so one reading serves either setting.
    needed = response_criteria.phrases_needed(letters, final, on_extension=True)
    read = letter_text.measure(letters["response_text"], needed, readability=True)
    return Reading(letters, unread, final, read)
