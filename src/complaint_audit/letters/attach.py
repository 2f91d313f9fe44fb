"""Letters joined to the records a load is about to store: the one call the load makes ([letters] in audit.toml).

A matched response letter fills its stage's `response_text` (or, with `prefer = "column"`,
only a record the export left without one); a matched extension letter is added after the
stage's response text, where the QR checks look for the ombudsman's details when a timescale
was extended. Text is masked before it joins a record, and only matched letters' text is kept.
"""

from __future__ import annotations

import pandas as pd

from complaint_audit.config import LettersConfig
from complaint_audit.letters.identify import EXTENSION, RESPONSE
from complaint_audit.letters.privacy import combined_terms, mask_letters
from complaint_audit.letters.read import Letter
from complaint_audit.letters.reconcile import LetterReport, match_letters
from complaint_audit.store import FileBatch

# Between a response and the extension letter added after it: the QR checks read both.
EXTENSION_DIVIDER = "\n\n[extension letter]\n"
_KEY = ["organisation", "case_id", "stage"]


def attach_letters(config: LettersConfig, batches: list[FileBatch], letters: list[Letter]) -> LetterReport:
    """Match the letters to the batches' records, put the matched letters' masked text into them."""
    cases = pd.concat([_as_text(batch.records[_KEY]) for batch in batches], ignore_index=True) if batches \
        else pd.DataFrame(columns=_KEY, dtype="str")
    frame = match_letters(letters, cases)
    matched = frame["status"].eq("matched")
    # The files' names (one may be the complainant's), what is said of the unmatched (a reader's message, the reference
    # a letter gives) and the matched letters' text, masked in one call: each call pays for its patterns whatever it masks,
    # and masking is text by text.
    masked = mask_letters(pd.concat([frame["letter"].astype("str"), frame["detail"].astype("str"), pd.Series(
        [letter.text for letter in letters], dtype="str")[matched]], ignore_index=True),
        combined_terms([batch.personal_terms for batch in batches]))
    frame["letter"] = masked.iloc[:len(frame)].to_numpy()
    detail = masked.iloc[len(frame):2 * len(frame)]
    frame["detail"] = detail.astype(object).where(detail.notna(), None).to_numpy()
    texts = masked.iloc[2 * len(frame):].set_axis(frame.index[matched])
    frame["used"] = False
    responses = _by_key(frame[matched & frame["kind"].eq(RESPONSE)], texts)
    extensions = _by_key(frame[matched & frame["kind"].eq(EXTENSION)], texts)
    used: set[tuple] = set()
    case_ids = set(frame.loc[matched, "case_id"])
    for batch in batches:
        used |= _fill(batch.records, case_ids, responses, extensions, config.prefer)
    frame["used"] = matched & pd.Series(list(zip(*(frame[name] for name in _KEY), frame["kind"], strict=True)), index=frame.index).isin(used)
    return LetterReport(frame)


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype("str")


def _by_key(letters: pd.DataFrame, texts: pd.Series) -> pd.Series:
    """The letters' masked texts indexed by organisation + case_id + stage joined by a separator."""
    return pd.Series(texts[letters.index].to_numpy(), index=_joined(letters), dtype="str")


def _joined(frame: pd.DataFrame) -> pd.Index:
    return pd.Index(frame["organisation"].astype("str") + "\x1f" + frame["case_id"].astype("str") + "\x1f"
                    + frame["stage"].astype("str"))


def _fill(records: pd.DataFrame, case_ids: set[str], responses: pd.Series, extensions: pd.Series, prefer: str) -> set[tuple]:
    """Fill RECORDS' response_text in place; the (organisation, case_id, stage, kind) of each letter whose text was used.

    Only the records of CASE_IDS, the cases some letter was matched to, are looked at: a file's other records (most,
    or all of a file whose cases no letter answers) keep their text without a key worked out for each."""
    if records.empty or (responses.empty and extensions.empty):
        return set()
    answered = records["case_id"].astype("str").isin(case_ids).to_numpy()
    if not answered.any():
        return set()
    column = records["response_text"]
    keys = pd.Series(_joined(records[answered]), index=records.index[answered])
    letter = keys.map(responses).astype("str")  # an empty map gives floats
    own = column[answered]
    column_has_text = own.notna() & own.astype("str").str.strip().ne("")
    take_letter = letter.notna() & (~column_has_text if prefer == "column" else True)
    text = own.where(~take_letter, letter)
    extension = keys.map(extensions).astype("str")
    has_text = text.notna() & text.astype("str").str.strip().ne("")
    add_extension = extension.notna() & has_text
    text = text.where(~add_extension, text.astype("str") + EXTENSION_DIVIDER + extension)
    filled = column.copy()
    filled[answered] = text.astype(column.dtype) if column.dtype != object else text
    records["response_text"] = filled
    used = {(*key.split("\x1f"), RESPONSE) for key in keys[take_letter]}
    return used | {(*key.split("\x1f"), EXTENSION) for key in keys[add_extension]}
