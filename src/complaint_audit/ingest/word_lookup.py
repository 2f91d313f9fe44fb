"""Which texts can hold which terms, found by looking their words up, before any pattern runs.

Masking thousands of names in a million case ids with RE2 alternations costs seconds even
though almost no case id holds a name. A term found as a whole word has each of its words
as a whole word too, so a text can hold a term only if it holds the term's longest word: split
every text into words (numpy over the bytes of a batch of text) and look them up in a set. The
patterns then run on the few texts that can match, with only the terms whose every word some
text holds: an address's longest word is often as common as 'street' (all 3,356 of the sample's
places had theirs in its letters, 1,678 had every word), and RE2 compiles each pattern anew.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from complaint_audit.arrow_text import text_bytes
from complaint_audit.ingest.unicode_classes import characters_in, matched_by, narrowed

# Between words: what the masking patterns take for a word's edge (privacy._BEFORE, _AFTER).
_NOT_WORD = r"[^\pL\pN_]+"
# Text split into words at once: bounds the memory a million letters would take. A batch takes some seven
# times its bytes, and two columns are split at once: batches of 16 MB held 0.1 GB at a load's peak, and
# those of 4 MB are no slower (the masking at a million cases 0.81-0.82 s against 0.83-0.88 s).
_BATCH_BYTES = 4 << 20


@dataclass(frozen=True)
class _KeyWords:
    """Each term's longest word and all its words, lower case, and the distinct ones as Arrow sets."""

    of_term: tuple[str, ...]
    distinct: pa.Array
    words_of_term: tuple[tuple[str, ...], ...]
    every_word: pa.Array


@dataclass(frozen=True)
class FoundWords:
    """Where one list of terms' words are in a set of texts, by the texts' positions."""

    rows: np.ndarray  # the texts holding some term's longest word: the only ones a term can be in
    words: pa.Array  # the words of the terms found, lower case

    def terms(self, terms: tuple[str, ...]) -> tuple[str, ...]:
        """The terms whose every word some text holds: only they can match."""
        keys = _key_words(terms)
        found = set(pc.unique(self.words).to_pylist())
        return tuple(term for term, key, words in zip(terms, keys.of_term, keys.words_of_term, strict=True)
                     if key in found and found.issuperset(words))


def find_words(values: pa.Array, term_lists: list[tuple[str, ...]]) -> list[FoundWords]:
    """Where each list's terms' words are in VALUES, the texts split into words once for all the lists."""
    keys = [_key_words(terms) for terms in term_lists]
    rows: list[list[np.ndarray]] = [[] for _ in keys]
    words: list[list[pa.Array]] = [[] for _ in keys]
    # Every text's words are looked up once, in all the lists' words; the few found, in each list's.
    any_list_word = pc.unique(pa.concat_arrays([pa.array([], pa.string()), *(key.every_word for key in keys)]))
    for start, stop in _batches(values):
        flat, parents = _words(_folded(values.slice(start, stop - start)))
        found = pc.is_in(flat, value_set=any_list_word)
        flat, parents = flat.filter(found), start + parents[found.to_numpy(zero_copy_only=False)]
        for index, key in enumerate(keys):
            rows[index].append(np.unique(parents[pc.is_in(flat, value_set=key.distinct).to_numpy(zero_copy_only=False)]))
            words[index].append(flat.filter(pc.is_in(flat, value_set=key.every_word)))
    return [FoundWords(np.concatenate([np.zeros(0, np.int64), *rows[index]]),
                       pa.concat_arrays([pa.array([], pa.string()), *words[index]])) for index in range(len(keys))]


def _words(text: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """Every word of the texts, as _NOT_WORD splits them, and the position of the text each is in.

    Split by numpy over the texts' bytes, not by RE2 (whose split of a million case ids cost twice
    as much, and of the sample's letters, some holding a '£', three times): the bytes in words
    are kept, end to end, and cut where a word starts and ends.
    """
    text = pc.fill_null(text, "")
    data, bounds = text_bytes(text)
    in_word = _WORD_BYTE.take(data)
    _characters_past_ascii_apart(data, in_word)
    # A word starts at a word byte after a byte that is none, or at the start of its text; it ends
    # at one before a byte that is none, or at the end of its text.
    starts, ends = in_word.copy(), in_word.copy()
    starts[1:] &= ~in_word[:-1]
    ends[:-1] &= ~in_word[1:]
    filled = bounds[:-1] < bounds[1:]
    starts[bounds[:-1][filled]] = in_word[bounds[:-1][filled]]
    ends[bounds[1:][filled] - 1] = in_word[bounds[1:][filled] - 1]
    word_starts = np.flatnonzero(starts)
    word_bounds = np.zeros(len(word_starts) + 1, dtype=bounds.dtype)
    np.cumsum(np.flatnonzero(ends) - word_starts + 1, out=word_bounds[1:])
    words = pa.Array.from_buffers(text.type, len(word_starts), [None, pa.py_buffer(word_bounds), pa.py_buffer(data[in_word])])
    words_per_text = np.diff(np.searchsorted(word_starts, bounds))
    return words, np.repeat(np.arange(len(text)), words_per_text)


# The bytes of a word as _NOT_WORD's complement (\pL, \pN and _) reads them: in ASCII, letters, digits
# and '_'; past it, every byte of a character of more than one, until _characters_past_ascii_apart
# takes out those of the characters that are not letters or digits.
_WORD_BYTE = np.zeros(256, dtype=bool)
for _first, _last in ("09", "AZ", "az", "__"):
    _WORD_BYTE[ord(_first) : ord(_last) + 1] = True
_WORD_BYTE[0x80:] = True


def _characters_past_ascii_apart(data: np.ndarray, in_word: np.ndarray) -> None:
    """Mark the bytes of DATA's characters past ASCII that are no letter or digit ('’', '£', a
    no-break space) as outside words, in IN_WORD. UTF-8 gives a character's length and code point
    by its first byte (from 0xC0) and the six low bits of each byte after it; RE2 says which of
    the few distinct characters its classes match."""
    first_bytes = np.flatnonzero(data >= 0xC0)
    if not len(first_bytes):
        return
    first = data[first_bytes].astype(np.int32)
    following = [data[np.minimum(first_bytes + step, len(data) - 1)].astype(np.int32) & 0x3F for step in (1, 2, 3)]
    length = np.where(first >= 0xF0, 4, np.where(first >= 0xE0, 3, 2))
    code = np.where(length == 2, (first & 0x1F) << 6 | following[0],
                    np.where(length == 3, (first & 0x0F) << 12 | following[0] << 6 | following[1],
                             (first & 0x07) << 18 | following[0] << 12 | following[1] << 6 | following[2]))
    characters = frozenset(map(chr, np.unique(code).tolist()))
    apart = np.isin(code, [ord(character) for character in characters - matched_by(r"[\pL\pN_]", characters)])
    for step in range(4):
        in_word[first_bytes[apart & (length > step)] + step] = False


@functools.lru_cache(maxsize=4)
def _key_words(terms: tuple[str, ...]) -> _KeyWords:
    # Cached: a load masks a dozen fields with the same terms, tens of thousands in a large export.
    folded = _folded(pa.array(terms, type=pa.string()))
    split = pc.split_pattern_regex(folded, narrowed(_NOT_WORD, characters_in(folded))).to_pylist()
    of_term = tuple(max(words, key=len) for words in split)
    words_of_term = tuple(tuple(word for word in words if word) for words in split)
    every_word = {word for words in words_of_term for word in words} | set(of_term)
    return _KeyWords(of_term, pa.array(sorted(set(of_term)), type=pa.string()), words_of_term,
                     pa.array(sorted(every_word), type=pa.string()))


def _folded(text: pa.Array) -> pa.Array:
    """Lower case, with the final sigma as any other: RE2's case-insensitive match treats them alike.

    The sigma is looked for only in the text past ASCII: over a million case ids the search
    cost ten times the lower-casing.
    """
    lower = pc.utf8_lower(text)
    beyond_ascii = pc.invert(pc.fill_null(pc.string_is_ascii(lower), True))
    if not pc.any(beyond_ascii).as_py():
        return lower
    return pc.replace_with_mask(lower, beyond_ascii, pc.replace_substring(pc.filter(lower, beyond_ascii), "ς", "σ"))


def _batches(values: pa.Array) -> list[tuple[int, int]]:
    """(start, stop) of runs of values of about _BATCH_BYTES of text each."""
    ends = np.cumsum(pc.fill_null(pc.binary_length(values), 0).to_numpy(zero_copy_only=False), dtype=np.int64)
    if not len(ends):
        return []
    starts = np.searchsorted(ends, np.arange(_BATCH_BYTES, int(ends[-1]), _BATCH_BYTES), side="right")
    bounds = sorted({0, *starts.tolist(), len(values)})
    return list(itertools.pairwise(bounds))
