"""Reading response letters in bulk: the phrases in them and how readable they are.

Every step works on whole columns of letter text with pyarrow's compute functions and its RE2
engine (the engine pandas' string methods use on Arrow strings, called directly to skip
pandas' per-call checks), so the patterns avoid look-arounds. Phrases are looked for in the
letter as written, in any case and across line breaks; readability is measured on `bodies`,
the letter without its address block and sign-off. The only Python loop is over batches of
letters, which bounds the memory a million letters take. Nothing is downloaded: syllables are
counted with a few regular expressions and byte tables (the usual vowel-group rule).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from complaint_audit.arrow_text import text_bytes

BATCH_SIZE = 20_000

# The address block down to "Dear ...," and the sign-off from "Yours sincerely" on are the
# complainant's and the officer's details, not what the letter says.
_HEADER = r"(?s)\A(?:.*?\n)?[ \t]*dear [^\n]*\n"
_SIGN_OFF = r"\n[ \t]*(?:yours sincerely|yours faithfully|kind regards|best wishes)"
# Runs of spaces, line breaks and non-ASCII characters become one space; a lone space is left.
_NOT_PLAIN = r"[^!-~]{2,}|[^ -~]"


def _alternation(*phrases: str) -> str:
    """An RE2 pattern for any of the phrases as whole words, in any case, across line breaks."""
    return r"(?i)\b(?:" + "|".join(phrases).replace(" ", r"\s+") + r")\b"


# Sympathy or a conditional apology that does not accept fault ("sorry you feel ..."): removed
# before looking for an apology, so a letter whose only "sorry" is one of these does not count.
NON_APOLOGY = _alternation(
    r"(?:sorry|apologi[sz]e) (?:that |if )?you (?:feel|felt|think|thought|believe|believed|consider|perceive)",
    r"(?:sorry|apologi[sz]e) for (?:how|the way) you (?:feel|felt)",
    r"(?:sorry|apologi[sz]e) (?:that |if )?you (?:are|were|have been|may have been|remain) "
    r"(?:unhappy|dissatisfied|disappointed|upset|not happy)",
    r"sorry to (?:hear|learn|read)",
    r"(?:sorry|apologi[sz]e|apologies) if",
    r"regret that you (?:feel|felt|are|were)",
)
APOLOGY = _alternation(
    r"apologi[sz]e[sd]?", r"apologies", r"(?:an|my|our) apology",
    r"(?:am|are|is|was|were|i['’]?m|very|truly|deeply|so|genuinely|really) sorry", r"sorry (?:for|that|we)",
)
# Decisions: "not" and "partly" first; a plain "uphold" counts only once they are taken out.
NOT_UPHELD = _alternation(r"(?:not|cannot|can['’]?t|don['’]?t|unable to) (?:be |been |being )?(?:uphold|upheld)")
PARTLY_UPHELD = _alternation(
    r"(?:partly|partially|part|in part) (?:uphold|upheld)", r"(?:uphold|upheld) (?:it |your complaint |this complaint )?in part"
)
UPHELD = _alternation(r"uphold", r"upheld")
REMEDY = _alternation(
    r"put (?:things|this|it|matters|that) right", r"remed(?:y|ies|iation|ial)", r"refund(?:ed)?",
    r"compensat(?:e|ed|ion)", r"payment", r"pay you", r"reimburs(?:e|ed|ement)", r"waived?", r"cancell?ed",
    r"to stop this happening again", r"(?:does|do|will) not happen again", r"recurrence", r"what will change",
    r"we (?:will|have) (?:now )?(?:changed?|reviewed?|improved?|introduced?|trained?|updated?|corrected?|"
    r"arranged?|fixed?|repaired?|completed?|cleared?)",
)
STAGE_2 = _alternation(r"stage (?:2|two|ii)")
STAGE_3 = _alternation(r"stage (?:3|three|iii)", r"review panel")
LGSCO_NAME = _alternation(r"local government (?:and social care )?ombudsman", r"lgsco")
HOUSING_OMBUDSMAN_NAME = _alternation(r"housing ombudsman")
# The ombudsman's website anywhere, or a phone number (masked or not) soon after the word.
OMBUDSMAN_CONTACT = r"(?is)(?:lgo|ombudsman)\.org\.uk|ombudsman.{0,200}?(?:\[phone\]|\b0[0-9]{3} ?[0-9]{3} ?[0-9]{4}\b)"
TWELVE_MONTHS = _alternation(r"(?:12|twelve) ?-?months?", r"within (?:one|a) year")
# What the response contains (LGSCO code 6.8, Housing Ombudsman code 5.6-5.8): the complaint as the council defined it,
# the reasons for the decision, and any outstanding action with the date it will be done by.
COMPLAINT_DEFINED = _alternation(
    r"understands? (?:that )?(?:your|the) complaint (?:to be|is|was)", r"(?:your|the) complaint (?:is|was) that",
    r"you (?:complained|are complaining|have complained) that", r"(?:we|i) (?:agreed|defined) (?:that )?your complaint",
    r"the (?:points?|parts?) of your complaint (?:is|are|was|were)",
)
REASONS = _alternation(
    r"because", r"(?:i|we) (?:have |also )?found that", r"the reasons? (?:for|why|is|are)", r"(?:this|that) is why",
    r"on the basis that", r"insofar as", r"as a result of",
)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
DATED_ACTION = _alternation(
    rf"(?:by|before|no later than|on or before) (?:[0-9]{{1,2}}(?:st|nd|rd|th)? {_MONTH},? [0-9]{{4}}"
    rf"|[0-9]{{1,2}}[/.-][0-9]{{1,2}}[/.-][0-9]{{2,4}}|(?:the )?end of {_MONTH})",
)

PHRASES = {
    "apologises": APOLOGY,
    "states_upheld": UPHELD,
    "states_partly_upheld": PARTLY_UPHELD,
    "states_not_upheld": NOT_UPHELD,
    "offers_remedy": REMEDY,
    "offers_stage_2": STAGE_2,
    "offers_stage_3": STAGE_3,
    "names_lgsco": LGSCO_NAME,
    "names_housing_ombudsman": HOUSING_OMBUDSMAN_NAME,
    "gives_ombudsman_contact": OMBUDSMAN_CONTACT,
    "gives_time_limit": TWELVE_MONTHS,
    "defines_complaint": COMPLAINT_DEFINED,
    "gives_reasons": REASONS,
    "dates_actions": DATED_ACTION,
}
# Phrases whose look-alikes are taken out of the text before the phrase is looked for.
_REMOVED_FIRST = {"apologises": (NON_APOLOGY,), "states_upheld": (NOT_UPHELD, PARTLY_UPHELD)}

# Syllables: one per vowel group, less a silent final "e", "-ed" or "-es", at least one a word.
_CONSONANT = "[b-df-hj-np-tv-xz]"
_SENTENCE_END = r"[.!?]+(?: |\z)"
_WORD_CHARACTER = np.isin(np.arange(256), np.frombuffer(b"abcdefghijklmnopqrstuvwxyz0123456789", np.uint8))
_VOWEL = np.isin(np.arange(256), np.frombuffer(b"aeiouy", np.uint8))
_SILENT_ENDING = rf"[aeiouy]{_CONSONANT}*(?:[b-df-hj-kmnp-tv-xz]e|[bcfghj-np-sv-xz]ed|[bdfj-nprtvw]es)\b"
_NO_VOWEL_WORD = rf"\b(?:{_CONSONANT}|[0-9])+\b"


def arrow(text: pd.Series) -> pa.Array:
    """The column as one contiguous Arrow array (large_string), missing text as ""."""
    array = pa.array(text.fillna(""), type=pa.large_string())
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def bodies(text: pd.Series) -> pa.Array:
    """Each letter's body in lower case on one line of plain ASCII, without address or sign-off.

    Apostrophes go ("don't" -> "dont") so a word is one run of letters and digits.
    """
    body = pc.replace_substring_regex(pc.utf8_lower(arrow(text)), _HEADER, "")
    # Cut where the sign-off starts: split at its first match, not replaced by a pattern running on to the end of each
    # letter (five times as long).
    body = pc.list_element(pc.split_pattern_regex(body, _SIGN_OFF, max_splits=1), 0)
    for apostrophe in "'\u2018\u2019":  # a plain search each: half the time of one pattern of the three
        body = pc.replace_substring(body, apostrophe, "")
    return pc.utf8_trim(pc.replace_substring_regex(body, _NOT_PLAIN, " "), " ")


def measure(text: pd.Series, phrases: Iterable[str] | Mapping[str, pd.Series] = (), readability: bool = False,
            batch_size: int = BATCH_SIZE) -> pd.DataFrame:
    """Per letter: whether each named phrase (PHRASES) occurs, and optionally the reading ease.

    `phrases` may map each name to a mask of the letters to search (False elsewhere), so a
    phrase is only looked for where a criterion needs it. Readability columns: words,
    sentences, syllables and reading_ease (Flesch: 206.835 - 1.015 words a sentence - 84.6
    syllables a word); reading_ease is missing for a letter with no words.
    """
    where = {name: phrases[name].to_numpy(dtype=bool) for name in phrases} if isinstance(phrases, Mapping) \
        else {name: np.ones(len(text), dtype=bool) for name in phrases}
    parts = [_measure_batch(text.iloc[start:start + batch_size], {n: m[start:start + batch_size] for n, m in where.items()},
                            readability) for start in range(0, len(text), batch_size)]
    columns = list(where) + (["words", "sentences", "syllables", "reading_ease"] if readability else [])
    return pd.concat(parts) if parts else pd.DataFrame(columns=columns, index=text.index)


def _measure_batch(text: pd.Series, where: dict[str, np.ndarray], readability: bool) -> pd.DataFrame:
    letters = arrow(text)  # phrases are looked for in the letter as written: the patterns allow for case and line breaks
    columns: dict[str, np.ndarray] = {}
    chosen: dict[bytes, pa.Array] = {}  # the letters of each mask, copied once: most phrases share one with others
    for name, mask in where.items():
        key = mask.tobytes()
        if key not in chosen:
            chosen[key] = pc.filter(letters, pa.array(mask)) if not mask.all() else letters
        searched = chosen[key]
        for look_alike in _REMOVED_FIRST.get(name, ()):  # taken out of the letters holding one: a replace copies each text
            holds = pc.match_substring_regex(searched, look_alike)
            if pc.any(holds).as_py():
                searched = pc.replace_with_mask(searched, holds, pc.replace_substring_regex(searched.filter(holds), look_alike, " "))
        found = np.zeros(len(text), dtype=bool)
        found[mask] = pc.match_substring_regex(searched, PHRASES[name]).to_numpy(zero_copy_only=False)
        columns[name] = found
    if readability:
        body = bodies(text)
        words = _runs(body, _WORD_CHARACTER).astype("float64")
        sentences = np.maximum(_count(body, _SENTENCE_END), 1).astype("float64")
        syllables = (_runs(body, _VOWEL) - _count(body, _SILENT_ENDING) + _count(body, _NO_VOWEL_WORD)).astype("float64")
        with np.errstate(divide="ignore", invalid="ignore"):
            ease = np.where(words > 0, 206.835 - 1.015 * words / sentences - 84.6 * syllables / words, np.nan)
        columns |= {"words": words, "sentences": sentences, "syllables": syllables, "reading_ease": np.round(ease, 1)}
    return pd.DataFrame(columns, index=text.index)


def _count(body: pa.Array, pattern: str) -> np.ndarray:
    return pc.count_substring_regex(body, pattern).to_numpy(zero_copy_only=False).astype(np.int64)


def _runs(body: pa.Array, member: np.ndarray) -> np.ndarray:
    """Per text, how many runs of characters the byte table `member` marks (words, vowel groups).

    Counted on the bytes of the whole column at once (the bodies are ASCII): a run starts
    where a member character follows a non-member or the start of a text.
    """
    data, offsets = text_bytes(body)
    inside = member[data]
    starts = inside.copy()
    starts[1:] &= ~inside[:-1]
    first = offsets[:-1][offsets[:-1] < len(data)]
    starts[first] = inside[first]
    positions = np.flatnonzero(starts)
    return np.searchsorted(positions, offsets[1:]) - np.searchsorted(positions, offsets[:-1])

