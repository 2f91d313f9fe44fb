"""Near-identical letters, found in bulk: MinHash signatures of word shingles, compared by banding.

Each letter's body (from phrases.bodies: no address block or sign-off) is split into
runs of words (shingles) with dates, amounts and references masked; two letters' similarity
is the share of shingles they have in common (Jaccard), estimated from their signatures. The
only Python loops are over batches of letters, signature bands and a few window offsets.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from complaint_audit.letters.phrases import BATCH_SIZE, bodies

_MONTHS = r"\b(?:january|february|march|april|may|june|july|august|september|october|november|december)\b"

# One-permutation MinHash: each shingle is hashed once into one of SIGNATURE_SIZE bins and a
# letter keeps each bin's smallest value (16 bits of it); candidate pairs are the letters that
# agree on a whole band of bins (locality-sensitive hashing), then their bins are compared.
SIGNATURE_SIZE = 128
_BANDS = 16
_WINDOW = 10  # within one band bucket, each letter is compared with the next _WINDOW letters
EMPTY_BIN = np.uint16(0xFFFF)  # a signature bin no shingle fell into
_MIX = np.uint64(0x9E3779B97F4A7C15)


def _mix(values: np.ndarray) -> np.ndarray:
    """A 64-bit finaliser (splitmix64) so nearby inputs give unrelated hashes."""
    with np.errstate(over="ignore"):
        values = values ^ (values >> np.uint64(30))
        values *= np.uint64(0xBF58476D1CE4E5B9)
        values ^= values >> np.uint64(27)
        values *= np.uint64(0x94D049BB133111EB)
        values ^= values >> np.uint64(31)
        return values


def _combine(columns: np.ndarray) -> np.ndarray:
    """One 64-bit hash per row of a 2-D array of integers."""
    hashed = np.zeros(len(columns), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for position in range(columns.shape[1]):
            hashed = _mix(hashed * _MIX + columns[:, position].astype(np.uint64) + np.uint64(position))
    return hashed


def signatures(text: pd.Series, shingle_words: int = 5, batch_size: int = BATCH_SIZE) -> np.ndarray:
    """MinHash signatures (letters x SIGNATURE_SIZE, uint16) of each letter's body.

    Digits and month names are masked, so dates, amounts and references do not tell two
    letters apart; names are masked by the loader already ("[name]").
    """
    parts = [_signature_batch(text.iloc[start:start + batch_size], shingle_words)
             for start in range(0, len(text), batch_size)]
    return np.concatenate(parts) if parts else np.zeros((0, SIGNATURE_SIZE), dtype=np.uint16)


def _signature_batch(text: pd.Series, shingle_words: int) -> np.ndarray:
    words = pc.split_pattern(bodies(text), " ")
    lengths = pc.list_value_length(words).to_numpy(zero_copy_only=False).astype(np.int64)
    flat = pc.dictionary_encode(pc.list_flatten(words))
    # Masked on the batch's vocabulary (its distinct words), not on every word of every letter.
    vocabulary = pd.Series(flat.dictionary.to_numpy(zero_copy_only=False), dtype="str")
    vocabulary = vocabulary.str.replace(r"[^a-z0-9]+", "", regex=True).str.replace(r"[0-9]+", "0", regex=True)
    vocabulary = vocabulary.str.replace(_MONTHS, "month", regex=True)
    vocabulary_hash = pd.util.hash_array(vocabulary.to_numpy(dtype=object))
    word_hash = np.zeros(len(flat) + shingle_words, dtype=np.uint64)  # ends in zeros: the last shingles run past it
    word_hash[:len(flat)] = vocabulary_hash[flat.indices.to_numpy(zero_copy_only=False)]
    letter = np.repeat(np.arange(len(lengths)), lengths)
    remaining = np.cumsum(lengths)[letter] - np.arange(len(letter))  # words from here to the end
    starts = (remaining >= shingle_words) | (remaining == lengths[letter])  # whole shingles; all of a short letter
    # Each shingle's hash from the words it starts, in place; a short letter's runs on into the next letter's words,
    # so those few are made again with the words past its end as zeros.
    shingle = word_hash[:len(letter)].copy()
    short = np.flatnonzero(starts & (remaining < shingle_words))
    short_shingle = shingle[short]
    with np.errstate(over="ignore"):
        for offset in range(1, shingle_words):
            shingle *= _MIX
            shingle += word_hash[offset:offset + len(letter)]
            short_shingle = short_shingle * _MIX + np.where(remaining[short] > offset, word_hash[short + offset], 0)
    shingle[short] = short_shingle
    shingle, letter = _mix(shingle[starts]), letter[starts]
    bins = (shingle >> np.uint64(57)).astype(np.int64)
    signature = np.full(len(lengths) * SIGNATURE_SIZE, EMPTY_BIN, dtype=np.uint16)
    np.minimum.at(signature, letter * SIGNATURE_SIZE + bins, (shingle >> np.uint64(41)).astype(np.uint16))
    return signature.reshape(len(lengths), SIGNATURE_SIZE)


def near_duplicates(signature: np.ndarray, case: np.ndarray, min_similarity: float) -> pd.DataFrame:
    """For each letter, its most similar letter of a different case, if at least min_similarity.

    `case` holds one integer per letter (its complaint, or whatever key two letters must differ
    on to be compared). Returns `similarity` (the estimated share of shingles in common; NaN
    when no letter of another case is that close) and `partner` (the position of that letter;
    -1 when none). Identical signatures are grouped first, so thousands of copies of one
    template cost one comparison; within a band's bucket each group is compared with its next
    _WINDOW neighbours, which bounds the work when a bucket is large.
    """
    count = len(signature)
    group = pd.factorize(_combine(signature))[0] if count else np.zeros(0, dtype=np.int64)
    members = pd.DataFrame({"group": group, "case": case, "letter": np.arange(count)}).sort_values(["group", "case"])
    groups = members.groupby("group").agg(first_case=("case", "first"), last_case=("case", "last"),
                                          first=("letter", "first"), last=("letter", "last"))
    similarity = np.full(count, np.nan)
    partner = np.full(count, -1, dtype=np.int64)
    # Identical signatures from two or more cases: each letter's partner is one of another case.
    mixed = (groups["first_case"] != groups["last_case"]).to_numpy()[group]
    similarity[mixed] = 1.0
    own_first = case == groups["first_case"].to_numpy()[group]
    partner[mixed] = np.where(own_first, groups["last"].to_numpy()[group], groups["first"].to_numpy()[group])[mixed]
    # Otherwise: the closest other group whose letters belong to another case.
    pairs = _candidate_pairs(signature[groups["first"].to_numpy()], min_similarity)
    if len(pairs):
        both = pd.concat([pairs, pairs.rename(columns={"a": "b", "b": "a"})], ignore_index=True)
        first_case, last_case = groups["first_case"].to_numpy(), groups["last_case"].to_numpy()
        own = first_case[both["a"].to_numpy()]
        other_first = first_case[both["b"].to_numpy()]
        valid = (other_first != own) | (last_case[both["b"].to_numpy()] != own)
        both = both[valid].assign(
            partner=np.where(other_first[valid] != own[valid], groups["first"].to_numpy()[both["b"].to_numpy()[valid]],
                             groups["last"].to_numpy()[both["b"].to_numpy()[valid]])
        )
        best = both.sort_values(["a", "similarity"], ascending=[True, False]).drop_duplicates("a").set_index("a")
        found = pd.Series(group).map(best["similarity"]).to_numpy()
        closer = ~mixed & ~np.isnan(found)
        similarity[closer] = found[closer]
        partner[closer] = pd.Series(group).map(best["partner"]).to_numpy()[closer].astype(np.int64)
    return pd.DataFrame({"similarity": similarity, "partner": partner})


def _candidate_pairs(signature: np.ndarray, min_similarity: float) -> pd.DataFrame:
    """Pairs of rows sharing a band of their signatures, with their estimated similarity."""
    rows = SIGNATURE_SIZE // _BANDS
    found_a, found_b = [], []
    for band in range(_BANDS):
        key = _combine(signature[:, band * rows:(band + 1) * rows])
        order = np.argsort(key, kind="stable")
        ordered = key[order]
        for step in range(1, min(_WINDOW, len(order) - 1) + 1):
            same = ordered[:-step] == ordered[step:]
            found_a.append(order[:-step][same])
            found_b.append(order[step:][same])
    if not found_a:
        return pd.DataFrame({"a": [], "b": [], "similarity": []})
    a, b = np.concatenate(found_a), np.concatenate(found_b)
    a, b = np.minimum(a, b), np.maximum(a, b)
    unique = np.unique(a.astype(np.int64) * len(signature) + b)
    a, b = unique // len(signature), unique % len(signature)
    similarity = np.concatenate([_similarity(signature[a[start:start + 100_000]], signature[b[start:start + 100_000]])
                                 for start in range(0, len(a), 100_000)]) if len(a) else np.zeros(0)
    close = similarity >= min_similarity
    return pd.DataFrame({"a": a[close], "b": b[close], "similarity": similarity[close]})


def _similarity(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of paired signatures: equal bins among those either letter filled."""
    filled = (left != EMPTY_BIN) | (right != EMPTY_BIN)
    return ((left == right) & filled).sum(axis=1) / np.maximum(filled.sum(axis=1), 1)
