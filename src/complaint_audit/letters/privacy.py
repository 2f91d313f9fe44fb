"""Letters masked like the exports' free text, before anything of them is kept.

The records' personal terms (the names and addresses of every loaded file's personal columns)
and the contact patterns are masked by ingest.privacy. A letter also greets the complainant by
name, who may not be in any export column (a profile may drop the name column unread): a title
followed by capitalised words ("Mrs Ann Lee") and the word after "Dear" are masked as names too.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from complaint_audit.ingest.privacy import PersonalTerms, redact
from complaint_audit.ingest.unicode_classes import characters_in, narrowed

# RE2 (pyarrow) patterns, case kept: a name is capitalised, and "dear" starts a greeting only as "Dear".
# A word of a name, or one masked already: "Dear [name] Ng" must lose "Ng" too.
_WORD = r"(?:\p{Lu}[\pL'’\-]*|\[name\])"
_TITLED_NAME = r"\b(Mr|Mrs|Ms|Miss|Mx|Dr|Mister|Master)(\.?[ \t]+)" + _WORD + r"(?:[ \t]+" + _WORD + r"){0,2}"
_GREETING = r"\b(Dear)([ \t]+)" + _WORD + r"(?:[ \t]+" + _WORD + r"){0,3}"


def combined_terms(terms: list[PersonalTerms | None]) -> PersonalTerms:
    """Every file's terms as one: a letter may be matched to a case of any file, and masking one
    complainant's name in another's letter is a harmless excess."""
    present = [term for term in terms if term is not None]
    return PersonalTerms(sorted({name for term in present for name in term.names}),
                         sorted({place for term in present for place in term.places}))


def mask_letters(texts: pd.Series, terms: PersonalTerms) -> pd.Series:
    """Each letter's text with names, addresses, phones and e-mails masked."""
    masked = pa.array(redact(texts.astype("str"), terms), type=pa.string())
    characters = characters_in(masked)
    for pattern in (_GREETING, _TITLED_NAME):
        masked = pc.replace_substring_regex(masked, pattern=narrowed(pattern, characters), replacement=r"\1\2[name]")
    return pd.Series(masked, index=texts.index, dtype="str")
