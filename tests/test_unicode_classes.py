"""The masking patterns' Unicode classes spelled as the texts' own characters (unicode_classes.py) must
match exactly where the classes do: a place matched differently is a name left unmasked, or a word
of a letter lost."""

from __future__ import annotations

import random

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from complaint_audit.ingest import unicode_classes
from complaint_audit.ingest.privacy import _ANY_PATTERN, _PATTERNS, _REPLACEMENTS, _alternations
from complaint_audit.ingest.unicode_classes import characters_in, narrowed
from complaint_audit.ingest.word_lookup import _NOT_WORD
from complaint_audit.letters.privacy import _GREETING, _TITLED_NAME

# Words and separators past ASCII, with letters whose other case is not in the texts ('É' without
# 'é'), a letter whose case folds onto another's (the Kelvin sign, the long s), digits of other
# scripts, a combining mark and spaces and dashes that are no letters.
_PIECES = ["Zoë", "ÉLISE", "Łukasz", "ΣΟΦΙΑ", "σοφίας", "Жанна", "\u212a", "ſ", "ß", "٣٤", "Ⅻ", "e\u0301", "\u0345",
           "Ann", "Lee", "O’Neill", "AB 12 34 56 C", "SW1A 1AA", "07700 900123", "jo@example.org", "Dear", "Mrs",
           "12 High St", " ", "\u00a0", "\u2013", ", ", "\n", "_", "9", "[name]"]
_TERMS = ("Zoë", "Ann", "Łukasz", "σοφια", "élise", "Lee", "12 High St", "O'Neill", "k", "s")


def _texts(seed: int) -> pa.Array:
    chance = random.Random(seed)
    return pa.array([None if chance.random() < 0.05 else "".join(chance.choices(_PIECES, k=chance.randint(0, 8)))
                     for _ in range(60)])


_REPLACED = [(pattern, _REPLACEMENTS[label]) for label, pattern in _PATTERNS.items()] + [
    (alternation.pattern, r"\1[name]\2") for alternation in _alternations(_TERMS)] + [
    (_GREETING, r"\1\2[name]"), (_TITLED_NAME, r"\1\2[name]"), (r"(?i)\p{Lu}+", "U"), (r"\p{Ll}\p{Zs}", "l ")]


@pytest.mark.parametrize("seed", range(40))
def test_a_narrowed_pattern_masks_and_splits_the_texts_exactly_as_the_whole_classes_do(seed):
    texts = _texts(seed)
    characters = characters_in(texts)
    assert characters == frozenset(character for text in texts.to_pylist() if text for character in text if ord(character) > 127)
    for pattern, replacement in _REPLACED:
        assert narrowed(pattern, characters) != pattern
        assert pc.replace_substring_regex(texts, narrowed(pattern, characters), replacement).equals(
            pc.replace_substring_regex(texts, pattern, replacement)), pattern
    assert pc.match_substring_regex(texts, narrowed(_ANY_PATTERN, characters)).equals(pc.match_substring_regex(texts, _ANY_PATTERN))
    assert pc.split_pattern_regex(texts, narrowed(_NOT_WORD, characters)).equals(pc.split_pattern_regex(texts, _NOT_WORD))


def test_a_class_is_spelled_as_the_characters_re2_matches_ignoring_case_where_the_pattern_does():
    assert characters_in(pa.array(["Ann Lee", None, "SW1A 1AA"])) == frozenset()
    assert narrowed(r"(^|[^\pL\pN_])\pN+", frozenset()) == r"(^|[^\x{41}-\x{5A}\x{61}-\x{7A}\x{30}-\x{39}_])[\x{30}-\x{39}]+"
    # 'ß' has no capital of its own in Python, but RE2 ignoring case matches it with 'ẞ', a capital.
    assert narrowed(r"\p{Lu}", frozenset("ßé")) == r"[\x{41}-\x{5A}]"
    assert narrowed(r"(?i:\p{Lu})\p{Lu}", frozenset("ßé")) == r"(?i:[\x{41}-\x{5A}\x{61}-\x{7A}\x{DF}\x{E9}])[\x{41}-\x{5A}]"
    assert narrowed(r"\\pL \[\pN\] [(?i)\pN] \p{Greek}", frozenset()) == r"\\pL \[[\x{30}-\x{39}]\] [(?i)\x{30}-\x{39}] \p{Greek}"


def test_only_the_slices_texts_are_read_and_long_texts_keep_their_patterns(monkeypatch):
    texts = pa.array(["Zoë", "Ann", "Łukasz", "Жанна"], pa.large_string())
    assert characters_in(texts.slice(1, 2)) == frozenset("Ł")
    assert characters_in(pa.chunked_array([texts.slice(0, 1), texts.slice(3)])) == frozenset("ëЖан")
    monkeypatch.setattr(unicode_classes, "_MOST_BYTES", texts.nbytes - 1)
    assert characters_in(texts) is None
    assert narrowed(r"[^\pL\pN_]", None) == r"[^\pL\pN_]"
