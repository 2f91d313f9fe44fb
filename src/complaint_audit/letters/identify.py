"""What a letter says it is: its case reference, its stage and its kind, from its name or its first page.

The file's name is asked first: it is what a case system or a reviewer chose, and it is short.
The first page is asked for the stage and the kind only through patterns that name the kind of
letter ("Stage 2 response"), because a Stage 1 letter also mentions Stage 2 when it says how
to escalate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from complaint_audit.config import LETTER_TEXT_STAGE_PATTERN, LettersConfig

RESPONSE, EXTENSION, ACKNOWLEDGEMENT = "response", "extension", "acknowledgement"
KINDS = (RESPONSE, EXTENSION, ACKNOWLEDGEMENT)
_STAGE_WORDS = {"1": "1", "2": "2", "3": "3", "one": "1", "two": "2", "three": "3"}


@dataclass(frozen=True)
class Identity:
    """What a letter says of itself; None where it does not say."""

    reference: str | None
    reference_from: str | None  # "name", "text" or "index"
    stage: str | None
    kind: str


def identify(name: str, first_page: str, config: LettersConfig) -> Identity:
    """The reference (where `reference_in` says to look), the stage and the kind of one letter."""
    places = {"name": name, "text": first_page}
    reference, found_in = None, None
    for place in config.reference_in:
        reference = find_reference(places[place], config.reference_pattern)
        if reference:
            found_in = place
            break
    return Identity(reference, found_in, letter_stage(name, first_page, config), letter_kind(name, first_page, config))


def find_reference(text: str, pattern: str | None) -> str | None:
    """The first match of PATTERN in TEXT: its group `case` if it has one, else the whole match."""
    if not pattern or not text:
        return None
    match = re.search(pattern, text)
    if not match:
        return None
    return (match.group("case") if "case" in match.re.groupindex else match.group(0)).strip() or None


def letter_stage(name: str, first_page: str, config: LettersConfig) -> str | None:
    """'1', '2' or '3' where the name, else a heading on the first page, says so."""
    for text, pattern in ((name, config.stage_pattern), (first_page, LETTER_TEXT_STAGE_PATTERN)):
        match = re.search(pattern, text or "")
        if match:
            return _STAGE_WORDS.get((match.group(1) if match.re.groups else match.group(0)).lower())
    return None


def letter_kind(name: str, first_page: str, config: LettersConfig) -> str:
    """An extension or acknowledgement where the name (else the first page) says so; otherwise a response."""
    for text in (name, first_page):
        for kind, pattern in ((ACKNOWLEDGEMENT, config.acknowledgement_pattern), (EXTENSION, config.extension_pattern)):
            if re.search(pattern, text or ""):
                return kind
    return RESPONSE
