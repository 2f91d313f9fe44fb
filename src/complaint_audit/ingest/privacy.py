"""Personal data at load: a keyed pseudonym for the complainant, and redaction of free text.

Names, emails, phone numbers and addresses never enter the store. The complainant key lets a
reviewer count repeat complainants without knowing who they are; it is SipHash-2-4 (pandas'
keyed hash, vectorised) under a key the user holds, so nobody without the key can test a guess.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re

import numpy as np
import pandas as pd

from complaint_audit.errors import UserError

KEY_ENVIRONMENT_VARIABLE = "COMPLAINT_AUDIT_KEY"
# Free-text fields that may quote personal details back to the complainant.
FREE_TEXT_FIELDS = ("response_text", "learning", "remedy", "extension_reason")
_PATTERNS = {
    "[email]": r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    "[NI number]": r"\b[A-CEGHJ-PR-TW-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b",
    "[phone]": r"(?:\+44\s?|\b0)(?:\d[\s-]?){9,10}\b",
    "[postcode]": r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b",
}
_HEX_DIGITS = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_NAME_TOKEN = re.compile(r"[A-Z][A-Za-z'\-]{2,}")


def resolve_key(configured: str | None) -> str | None:
    """The pseudonymisation key: the environment wins over audit.toml; None when neither."""
    return os.environ.get(KEY_ENVIRONMENT_VARIABLE) or configured or None


def pseudonymise(columns: list[pd.Series], key: str) -> pd.Series:
    """Keyed hash of the normalised, joined columns -> 'c' + 16 hex digits; missing if all blank."""
    parts = [c.astype("str").str.strip().str.casefold().fillna("") for c in columns]
    joined = parts[0].str.cat(parts[1:], sep="\x1f") if len(parts) > 1 else parts[0]
    hashes = pd.util.hash_pandas_object(joined, index=False, hash_key=_siphash_key(key)).to_numpy()
    nibbles = np.stack([(hashes >> np.uint64(shift)) & np.uint64(15) for shift in range(60, -4, -4)], axis=1)
    hex_text = _HEX_DIGITS[nibbles.astype(np.intp)].view("S16").ravel().astype(str)
    result = pd.Series(np.char.add("c", hex_text), index=joined.index, dtype="str")
    return result.where(joined.str.strip("\x1f").ne(""))


def require_key(key: str | None, profile_path) -> str:
    if not key:
        raise UserError(
            f"{profile_path}: [personal] complainant_key needs a pseudonymisation key; "
            f"set {KEY_ENVIRONMENT_VARIABLE} or [privacy] key in audit.toml"
        )
    return key


def redact_patterns(text: pd.Series) -> pd.Series:
    """Mask emails, NI numbers, phone numbers and postcodes, vectorised."""
    for label, pattern in _PATTERNS.items():
        text = text.str.replace(pattern, label, regex=True)
    return text


def redact_names(text: pd.Series, personal: list[pd.Series]) -> pd.Series:
    """Mask the words of each row's own personal values (the complainant's name) in its text.

    The pattern differs per row, so this walks the rows that have text; free text is the one
    place where a per-row step is allowed, and it runs only over rows with text.
    """
    has_text = text.notna()
    if not personal or not has_text.any():
        return text
    words = pd.concat([column[has_text].astype("str") for column in personal], axis=1).fillna("")
    joined = words.agg(" ".join, axis=1)
    redacted = [
        _mask_words(body, token_source)
        for body, token_source in zip(text[has_text].tolist(), joined.tolist(), strict=True)
    ]
    result = text.copy()
    result[has_text] = redacted
    return result


def _mask_words(body: str, personal_text: str) -> str:
    tokens = sorted(set(_NAME_TOKEN.findall(personal_text)), key=len, reverse=True)
    if not tokens:
        return body
    return re.sub(r"\b(?:" + "|".join(map(re.escape, tokens)) + r")\b", "[name]", body)


def _siphash_key(key: str) -> str:
    # pandas wants exactly 16 characters; derive them from the whole user key.
    return base64.b64encode(hashlib.sha256(key.encode("utf-8")).digest()[:12]).decode("ascii")
