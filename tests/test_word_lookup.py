"""Finding which texts can hold a personal term: the texts' words, split by numpy over their bytes
(word_lookup.py), must be the words RE2 finds, past ASCII as in ASCII; a word missed is a name left
unmasked."""

from __future__ import annotations

import random

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from complaint_audit.ingest.word_lookup import _NOT_WORD, _words, find_words

_ASCII = list("ab_9Z -.,'\t\n")
_BEYOND_ASCII = ["é", "’", "ς", "Ж", "\u00a0", "٣", "\u2013", "£", "\U0001D400", "\U0001F600"]  # of 2, 3 and 4 bytes


def _split_by_re2(texts: pa.Array) -> list[tuple[int, str]]:
    split = pc.split_pattern_regex(texts, _NOT_WORD)
    words, parents = pc.list_flatten(split).to_pylist(), pc.list_parent_indices(split).to_numpy()
    return sorted((int(parent), word) for parent, word in zip(parents, words, strict=True) if word)


@pytest.mark.parametrize("alphabet", [_ASCII, _ASCII + _BEYOND_ASCII], ids=["ascii", "mixed"])
@pytest.mark.parametrize("arrow_type", [pa.string(), pa.large_string()], ids=str)
def test_words_are_re2s_words_with_their_texts_positions(alphabet, arrow_type):
    chance = random.Random(19)
    for _ in range(300):
        texts = [None if chance.random() < 0.1 else "".join(chance.choices(alphabet, k=chance.randint(0, 9)))
                 for _ in range(chance.randint(0, 25))]
        array = pa.array(texts, arrow_type).slice(chance.randint(0, len(texts)) // 2)  # a slice starts past its buffer's start
        words, parents = _words(array)
        assert sorted(zip(parents.tolist(), words.to_pylist(), strict=True)) == _split_by_re2(array), texts


def test_a_term_is_found_in_an_ascii_case_id_and_in_a_letter_beyond_ascii():
    texts = pa.array(["C0-21-000001", "ref-OKAFOR-2", None, "Dear Ms Okafor’s son, Zoë", "c0-21-000002"])
    found = find_words(texts, [("Okafor",), ("Zoë", "Nobody")])
    assert found[0].rows.tolist() == [1, 3]
    assert found[1].rows.tolist() == [3]
    assert found[1].terms(("Zoë", "Nobody")) == ("Zoë",)
    assert found[0].words.to_pylist() == ["okafor", "okafor"]
