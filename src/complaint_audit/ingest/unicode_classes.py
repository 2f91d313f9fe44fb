"""RE2 patterns with their Unicode classes spelled as the characters the texts hold.

pyarrow compiles a pattern on every call, and RE2 compiles \\pL into an automaton of hundreds of
ranges: a masking pattern's two word edges cost 2-3 ms each time, before any text is read. The
sample's load and letters make about a hundred such calls, a quarter of a second in all. Spelled
as ASCII's letters and the few other letters the texts hold, the same class compiles in
microseconds and matches the same characters in those texts, so the pattern matches the same
places; a character the texts do not hold cannot be told apart.

Texts of more than _MOST_BYTES are matched with the patterns as written: there the compile is
lost in the reading, and finding their characters would be a pass over them and a copy of them
for nothing (at a million cases, a load's peak 50-80 MB higher with 16 MB).
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from complaint_audit.arrow_text import text_bytes

_MOST_BYTES = 4 << 20  # the sample's largest texts to mask are 2.2 MB
# What the rewrite must see: any escape (a property class whole), a class's bounds, and the groups
# that set or scope case-insensitivity.
_TOKEN = re.compile(r"\\p\{\w+\}|\\p\w|\\.|\[\^?|\]|\(\?i\)|\(\?i:|\(|\)")
_ASCII = frozenset(map(chr, range(128)))
_ASCII_BYTES = bytes(range(128))
# Which characters a class matches, asked of RE2 once per character and class: (class, ignoring case) -> {character: matched}.
_MATCHED: dict[tuple[str, bool], dict[str, bool]] = {}


def characters_in(texts: pa.Array | pa.ChunkedArray) -> frozenset[str] | None:
    """The characters past ASCII that TEXTS hold; None when they are too long to be worth it.

    The texts that are not plain ASCII are read as one run of bytes with the ASCII bytes taken
    out: what is left is their other characters, whole, as a UTF-8 character's bytes are all
    past ASCII.
    """
    if texts.nbytes > _MOST_BYTES:
        return None
    chunks = texts.chunks if isinstance(texts, pa.ChunkedArray) else [texts]
    found: set[str] = set()
    for chunk in chunks:
        others = chunk.filter(pc.invert(pc.fill_null(pc.string_is_ascii(chunk), True)))
        if not len(others):
            continue
        found.update(text_bytes(others)[0].tobytes().translate(None, _ASCII_BYTES).decode())
    return frozenset(found)


@functools.lru_cache(maxsize=64)
def narrowed(pattern: str, characters: frozenset[str] | None) -> str:
    """PATTERN with each property class (\\pL, \\p{Nd}...) spelled as the characters of ASCII and of
    CHARACTERS it matches; as written when CHARACTERS is None.

    RE2 itself says which characters a class matches, ignoring case where the pattern does there,
    so on texts holding no other characters the narrowed pattern matches exactly where PATTERN
    does: a character the narrowed class ignoring case matches shares its case with one the
    whole class matches. Cached: a load masks several fields with the same patterns.
    """
    if characters is None:
        return pattern
    spelled, start, in_class, ignoring_case = [], 0, False, [False]
    for token in _TOKEN.finditer(pattern):
        spelled.append(pattern[start : token.start()])
        start = token.end()
        text = token.group()
        if text.startswith(r"\p"):
            # A class none of them is in is left whole: RE2 has no empty class.
            if members := _members(text, ignoring_case[-1], _ASCII | characters):
                text = members if in_class else f"[{members}]"
        elif in_class:
            in_class = text != "]"
        elif text.startswith("["):
            in_class = True
        elif text == "(?i)":
            ignoring_case[-1] = True
        elif text.startswith("("):
            ignoring_case.append(text == "(?i:" or ignoring_case[-1])
        elif text == ")" and len(ignoring_case) > 1:
            ignoring_case.pop()
        spelled.append(text)
    spelled.append(pattern[start:])
    return "".join(spelled)


def matched_by(character_class: str, characters: frozenset[str], ignoring_case: bool = False) -> frozenset[str]:
    """Those of CHARACTERS that CHARACTER_CLASS (such as \\pL or [\\pL\\pN_]) matches, as RE2 says: asked once per
    character and class, whatever Unicode version Python's own tables are of."""
    matched = _MATCHED.setdefault((character_class, ignoring_case), {})
    if unknown := sorted(characters - matched.keys()):
        asked = pc.match_substring_regex(pa.array(unknown, pa.string()), f"^(?i:{character_class})$" if ignoring_case else f"^{character_class}$")
        matched.update(zip(unknown, asked.to_pylist(), strict=True))
    return frozenset(character for character in characters if matched[character])


def _members(property_class: str, ignoring_case: bool, characters: frozenset[str]) -> str:
    """The body of a class of those CHARACTERS that PROPERTY_CLASS matches, as runs of code points."""
    codes = np.array(sorted(map(ord, matched_by(property_class, characters, ignoring_case))), dtype=np.int64)
    runs = np.split(codes, np.flatnonzero(np.diff(codes) > 1) + 1) if len(codes) else []
    return "".join(f"\\x{{{run[0]:X}}}" if len(run) == 1 else f"\\x{{{run[0]:X}}}-\\x{{{run[-1]:X}}}" for run in runs)
