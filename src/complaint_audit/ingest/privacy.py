"""Personal data at load: a keyed pseudonym for the complainant, and redaction of free text.

Names, emails, phone numbers and addresses never enter the store. The complainant key lets a
reviewer count repeat complainants without knowing who they are; it is SipHash-2-4 (pandas'
keyed hash, vectorised) under a key the user holds, so nobody without the key can test a guess.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import os
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from complaint_audit.columnwise import map_columns
from complaint_audit.errors import UserError
from complaint_audit.ingest.distinct import combined_numbers, distinct_values, spread, spread_categorical
from complaint_audit.ingest.unicode_classes import characters_in, narrowed
from complaint_audit.ingest.word_lookup import find_words

KEY_ENVIRONMENT_VARIABLE = "COMPLAINT_AUDIT_KEY"
# A one-character key was found by trying every key at once. Sixteen random characters put
# trying them all out of reach; sixteen words' worth of a passphrase is no worse.
MIN_KEY_LENGTH = 16
# Nor may those sixteen be a few characters repeated: 'aaaaaaaaaaaaaaaa', or 'k' and fifteen
# spaces, is among the first keys anyone tries.
MIN_KEY_DISTINCT_CHARACTERS = 8
# Free-text fields that may quote personal details back to the complainant.
FREE_TEXT_FIELDS = ("response_text", "learning", "remedy", "extension_reason", "clock_stop_reason")
# In RE2's syntax (pyarrow's regex engine, ten times faster here than Python's): its \w, \d and
# \s are ASCII-only, so letters, digits and spaces are spelled as Unicode classes, matching what
# Python's would. RE2's \b is ASCII too, which can only find more boundaries, so mask more.
_SPACE = r"[\s\p{Zs}]"
# Between a phone number's digits: up to three spaces, dots or dashes ('07700 - 900123'). Not
# slashes: '07/02/2023 14:00' is a date and a time.
_SEPARATOR = r"[\s\p{Zs}.\-\x{2010}-\x{2015}]{0,3}"
# What stands for '@' or '.' in an email written to dodge harvesters: 'jo (at) example [dot] org'.
_AT = r"(?:" + _SPACE + r"?[@\x{FF20}]" + _SPACE + r"?|" + _SPACE + r"?[(\[{<]at[)\]}>]" + _SPACE + r"?)"
_DOT = r"(?:\.|" + _SPACE + r"?[(\[{<]dot[)\]}>]" + _SPACE + r"?)"
# Every pattern ignores case: a postcode or NI number typed in lower case is as personal.
_PATTERNS = {
    "[email]": r"(?i)[\pL\pN_.+-]+" + _AT + r"[\pL\pN_-]+(?:" + _DOT + r"[\pL\pN_-]+)+",
    # Any two letters, not only valid prefixes: masking a look-alike costs less than a leak.
    "[NI number]": r"(?i)\b[A-Z]{2}(?:[\s\p{Zs}\-]?\p{Nd}{2}){3}[\s\p{Zs}\-]?[A-D]\b",
    # Personal numbers: landlines (01, 02) and mobiles (07), national or international (+44, 0044,
    # +44 (0)), the area code in brackets or not, digits grouped by spaces, dots or dashes,
    # after anything but a digit ('Tel07700 900123'), so the character before is kept as \1.
    # Service numbers such as the ombudsman's 0300 line are the organisation's, and a response
    # should quote them.
    "[phone]": rf"(^|[^\pN+])(?:(?:\+|00)44{_SEPARATOR}(?:\(0\){_SEPARATOR})?|\(0|0)[127](?:\)?{_SEPARATOR}\p{{Nd}}){{8,9}}\b",
    "[postcode]": r"(?i)\b(?:[A-Z]{1,2}\p{Nd}[A-Z\p{Nd}]?[\s\p{Zs}]{0,2}\p{Nd}[A-Z]{2}|GIR[\s\p{Zs}]{0,2}0AA)\b",
}
# Any of them, to find the texts worth masking: each pattern's own flags kept to itself.
_ANY_PATTERN = "|".join(f"(?i:{pattern.removeprefix('(?i)')})" if pattern.startswith("(?i)") else f"(?:{pattern})"
                        for pattern in _PATTERNS.values())
# How each is masked: the phone pattern's leading character is put back.
_REPLACEMENTS = {label: label for label in _PATTERNS} | {"[phone]": r"\1[phone]"}
# A word of a name: two or more letters of any script, with apostrophes and hyphens inside
# (Ng, Zoë, Łukasz, O'Neill, Smith-Jones).
_NAME_WORD = re.compile(r"[^\W\d_][\w'’\-]*[^\W\d_]")
# Words in personal columns that say who someone is, not which person: titles, relationships and
# roles, the function words of a representative's description ("Citizens Advice on behalf of
# Mr and Mrs Smith"), and the words of the masks. Matched in any case, "and" taken for a name
# would break "Local Government and Social Care Ombudsman" in every letter, and the letter
# checks would find the ombudsman unnamed.
_NOT_NAMES = frozenset("""
    mr mrs miss ms mx dr rev revd sir dame lady lord prof cllr mp
    self parent mother father mum dad son daughter wife husband partner brother sister grandparent
    grandmother grandfather grandson granddaughter aunt uncle niece nephew cousin child guardian
    carer foster friend neighbour advocate representative solicitor other family member
    an and as at by for from in of on or the to via with behalf
    name email phone postcode address ni number
""".split())
# An apostrophe or a hyphen inside a name is typed in several ways: O'Neill, O’Neill, Anne‐Marie.
_APOSTROPHES = "'’‘ʼ`´"
_HYPHENS = "-‐‑–—"
# A term stands alone when no letter, digit or underscore touches it. RE2's \b knows only ASCII
# letters (it would find no end to 'Zoë'), so the boundary is matched as a character and kept.
_BEFORE, _AFTER = r"(^|[^\pL\pN_])", r"($|[^\pL\pN_])"
# RE2 builds one automaton per pattern, and ignoring case makes it larger: 5,000 terms a pattern
# went past RE2's memory cap where 500 stayed well inside it (docs/scaling.md).
_TERMS_PER_PATTERN = 500


def resolve_key(configured: str | None) -> str | None:
    """The pseudonymisation key: the environment wins over audit.toml; None when neither."""
    return os.environ.get(KEY_ENVIRONMENT_VARIABLE) or configured or None


def pseudonymise(columns: list[pd.Series], key: str) -> tuple[pd.Series, list[pd.Series]]:
    """(pseudonyms, distinct): per row, a keyed hash of the normalised, joined columns ('c' + 16
    hex digits; missing if all blank), and each column's distinct values as found on the way.

    Worked out once per distinct combination of the columns' values: each column's distinct
    values are normalised, a row is numbered by its combination, and only the combinations are
    joined and hashed (a handler's name repeats over thousands of stages; an email with its
    name, over a complainant's rows). Values equal once normalised ('Ann', ' ann') make
    different combinations with the same joined text, so the same pseudonym. The distinct
    values are what personal_terms() reads of these columns: a caller need not hash them again.
    """
    numbers, normalised, distinct = zip(*map_columns(_numbered_normalised, columns, rows=len(columns[0])), strict=True)
    # Numbered in the order they first appear, so a row is the first of its combination exactly
    # where the highest number so far goes up: two passes over integers, not a hash of them.
    combination = pd.factorize(combined_numbers(list(numbers)))[0]
    first_row = np.flatnonzero(np.diff(np.maximum.accumulate(combination), prepend=-1) > 0)
    joined = pc.binary_join_element_wise(*(values.take(pa.array(row_numbers[first_row])) for values, row_numbers
                                           in zip(normalised, numbers, strict=True)), pa.scalar("\x1f", normalised[0].type))
    hashes = pd.util.hash_array(joined.to_numpy(zero_copy_only=False), hash_key=_siphash_key(key), categorize=False)
    # 'c' then the hash's 16 hex digits, as 17 bytes per value: hex-encoding the big-endian words in one go.
    letters = np.empty((len(hashes), 17), dtype=np.uint8)
    letters[:, 0] = ord("c")
    letters[:, 1:] = np.frombuffer(hashes.astype(">u8").tobytes().hex().encode("ascii"), dtype=np.uint8).reshape(-1, 16)
    blank = pc.equal(pc.utf8_trim(joined, "\x1f"), "")
    pseudonyms = pd.Series(pc.if_else(blank, pa.scalar(None, pa.string()), pa.array(letters.view("S17").ravel()).cast(pa.string())), dtype="str")
    # Columns read dictionary-encoded (a handler's name, REPEATING_FIELDS) give a categorical: a
    # stage then holds its pseudonym's number until the store writes the text. A complainant's
    # email is nearly as varied as the rows, so its pseudonyms are text.
    if all(isinstance(column.dtype, pd.CategoricalDtype) for column in columns):
        return spread_categorical(pseudonyms, combination, columns[0].index), list(distinct)
    return spread(pseudonyms, combination, columns[0].index), list(distinct)


def _numbered_normalised(column: pd.Series) -> tuple[np.ndarray, pa.Array, pd.Series]:
    """(numbers, normalised, distinct): each row's number among the column's distinct values,
    those values normalised (_normalised) with '' last for the rows whose value is missing, and
    the distinct values themselves."""
    # A workbook's cells as text first: factorising objects takes 1 and 1.0 for one value, and they are two texts.
    codes, distinct = distinct_values(column.astype("str") if column.dtype == object else column)
    normalised = _normalised(distinct)
    return np.where(codes < 0, len(distinct), codes), pa.concat_arrays([normalised, pa.array([""], normalised.type)]), distinct


def _normalised(column: pd.Series) -> pa.Array:
    """Trimmed and case-folded text, '' where missing, in Arrow.

    Case folding is Python's, per value; on ASCII it equals lower-casing, which Arrow does over
    the whole column, so only the non-ASCII values take the slow path.
    """
    values = pa.array(column.astype("str"))  # chunked when the column came from a CSV's blocks
    text = pc.utf8_trim_whitespace(values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values)
    folded = pc.utf8_lower(text)
    special = pc.fill_null(pc.invert(pc.string_is_ascii(text)), False)
    if pc.any(special).as_py():
        casefolded = pd.Series(pc.filter(text, special), dtype="str").str.casefold()
        folded = pc.replace_with_mask(folded, special, pa.array(casefolded, type=folded.type))
    return pc.fill_null(folded, "")


def require_key(key: str | None, profile_path, needed_by: str = "[personal] complainant_key") -> str:
    """The key, refused when missing or too short to keep the pseudonyms secret; `needed_by` names what asks for it."""
    if not key:
        raise UserError(
            f"{profile_path}: {needed_by} needs a pseudonymisation key; "
            f"set {KEY_ENVIRONMENT_VARIABLE} or [privacy] key in audit.toml"
        )
    if len(key) < MIN_KEY_LENGTH:
        raise UserError(
            f"the pseudonymisation key ({KEY_ENVIRONMENT_VARIABLE} or [privacy] key) is {len(key)} characters; use at "
            f"least {MIN_KEY_LENGTH}: anyone who knows one complainant's email can try every short key against the "
            f"pseudonyms in a report until one matches, and then name everyone"
        )
    if len(set(key)) < MIN_KEY_DISTINCT_CHARACTERS:
        raise UserError(
            f"the pseudonymisation key ({KEY_ENVIRONMENT_VARIABLE} or [privacy] key) is a few characters "
            f"repeated ({len(set(key))} different); use at least {MIN_KEY_DISTINCT_CHARACTERS} different ones: a key of a few characters repeated is "
            f"among the first anyone tries against the pseudonyms in a report, as short keys are"
        )
    return key


def screen_names(column: pd.Series, terms: PersonalTerms) -> pd.Series:
    """A repeated-name field (team, category ...) with personal details masked, per category.

    Such fields are no place for personal data, but an export can put an email, a phone number
    or the complainant's name anywhere, and these fields reach every table of the report.
    """
    if not isinstance(column.dtype, pd.CategoricalDtype):
        return redact(column, terms)
    categories = pd.Series(column.cat.categories, dtype="str")
    screened = redact(categories, terms)
    if screened.equals(categories):
        return column
    return column.map(dict(zip(categories, screened, strict=True))).astype("category")


def personal_data_kinds(text: pd.Series, masked: pd.Series) -> pd.Series:
    """Per value, the kinds of personal data masking found in it ('an email address, a name'), missing where none.

    `masked` is `text` through redact(); only the values it changed are worded.
    """
    changed = (masked.ne(text) & text.notna()).fillna(False).astype(bool)
    kinds = pd.Series(None, index=text.index, dtype=object)
    if changed.any():
        held = masked[changed].astype("str")
        words = pd.Series("", index=held.index, dtype="str")
        for label, kind in _KIND_WORDS.items():
            holds = held.str.contains(label, regex=False)
            words = words.where(~holds, (words + ", " + kind).str.removeprefix(", "))
        kinds[changed] = words.astype(object)
    return kinds


_KIND_WORDS = {
    "[email]": "an email address", "[NI number]": "an NI number", "[phone]": "a phone number", "[postcode]": "a postcode",
    "[address]": "an address", "[name]": "a name",
}


def redact_cells(column: pd.Series, terms: PersonalTerms) -> pd.Series:
    """A column of raw cells with its text masked; numbers, dates and other cells as they were.

    For raw values shown again (quarantine.csv): a mapped column may hold anything, a
    complainant's email in a date column or a name in an outcome.
    """
    if isinstance(column.dtype, pd.CategoricalDtype):  # the quarantined rows' categories, not the whole export's
        column = column.cat.remove_unused_categories()
    if column.dtype != object:
        return redact(column, terms) if pd.api.types.is_string_dtype(column) else column
    # Workbook and JSON cells mix types; which hold text is asked per cell (quarantined rows only).
    is_text = column.map(type).eq(str).to_numpy()
    if not is_text.any():
        return column
    masked = column.copy()
    masked[is_text] = redact(column[is_text].astype("str"), terms).astype(object)
    return masked


def redact_patterns(text: pd.Series) -> pd.Series:
    """Mask emails, NI numbers, phone numbers and postcodes, once per distinct text."""
    codes, distinct = distinct_values(text)
    return spread(_patterns_masked(distinct), codes, text.index)


def _patterns_masked(distinct: pd.Series) -> pd.Series:
    """redact_patterns() of text whose values are distinct already, so not factorised again."""
    values = pa.array(distinct.astype("str"))
    characters = characters_in(values)
    # One pass finds the few texts any pattern matches; only they are masked pattern by pattern.
    holds = pc.fill_null(pc.match_substring_regex(values, pattern=narrowed(_ANY_PATTERN, characters)), False)
    if not pc.any(holds).as_py():  # the text itself where it is text already: redact() can tell nothing changed
        return distinct if isinstance(distinct.dtype, pd.StringDtype) else pd.Series(values, dtype="str")
    held = values.filter(holds)
    for label, pattern in _PATTERNS.items():
        held = pc.replace_substring_regex(held, pattern=narrowed(pattern, characters), replacement=_REPLACEMENTS[label])
    return pd.Series(pc.replace_with_mask(values, holds, held), dtype="str")


@dataclass(frozen=True)
class PersonalTerms:
    """What to mask in free text: the words of names, and the parts of addresses."""

    names: list[str]
    places: list[str]


def personal_terms(personal: list[pd.Series], keep: set[str] = frozenset()) -> PersonalTerms:
    """The terms of the personal columns to mask in free text, less the words in `keep`.

    PERSONAL holds each personal column's distinct values (a value repeated costs only time).
    A column whose values mostly carry digits or '@' holds addresses, phones or emails: their
    comma-separated parts with letters ('28 Victoria Road', 'Fernleigh') are masked as places;
    emails and phone numbers are masked by pattern. Other columns hold names, whose capitalised
    words are masked. `keep` holds words that are not personal however they appear, such as the
    council's own name in 'Cllr Patel (Northshire County Council)'. A column a core each: their
    values are searched and split by Arrow's kernels.
    """
    names: set[str] = set()
    places: set[str] = set()
    for column_names, column_places in map_columns(_terms_of_column, personal, rows=max(map(len, personal), default=0)):
        names |= column_names
        places |= column_places
    # Matching ignores case, so one spelling a word is enough, and what is kept is kept in any case.
    ignored = _NOT_NAMES | {word.casefold() for word in keep}
    names = {word.casefold(): word for word in names if word.casefold() not in ignored}
    places = {place.casefold(): place for place in places if place.casefold() not in ignored}
    return PersonalTerms(sorted(names.values()), sorted(places.values()))


def _terms_of_column(column: pd.Series) -> tuple[set[str], set[str]]:
    """(names, places) of one personal column: see personal_terms()."""
    values = _composed(pd.Series(column.dropna().astype("str"), dtype="str"))
    if values.empty:
        return set(), set()
    if values.str.contains(r"[\d@]", regex=True).mean() > 0.5:
        parts = pd.Series(pc.list_flatten(pc.split_pattern(pa.array(values), ",")), dtype="str")
        # The parts holding '@' first, by a plain search: in a column of emails that is nearly every part.
        parts = parts[~parts.str.contains("@", regex=False)].str.strip()
        return set(), set(parts[parts.str.contains(r"[A-Za-z]", regex=True) & parts.str.len().ge(4)].unique())
    # A name's words never run past a line break: every value searched at once, as one text, in one call.
    return set(_NAME_WORD.findall("\n".join(values.tolist()))), set()


def _terms_masked(text: pd.Series, passes: list[tuple[list[str], str]]) -> pd.Series:
    """Mask the terms of each pass as its label ([address], then [name]), whole columns at a time.

    One alternation of the terms, run by pyarrow's RE2 engine (linear time, a compiled
    automaton), is far faster than a pattern per row; it runs only on the texts that hold a
    word of some term, with those terms alone (word_lookup.py). The texts are split into words
    once for every pass: a pass only takes words away and adds its label's ('address'), never a
    name (_NOT_NAMES), so the words found still cover every text the names' pass can mask.
    Masking one complainant's name in another's letter is a harmless excess.
    """
    present = text.notna()
    passes = [(tuple(terms), label) for terms, label in passes if terms]
    if not passes or not present.any():
        return text
    values = pa.array(text[present], type=pa.string(), from_pandas=True)
    characters = characters_in(values)  # a pass only adds its ASCII label
    found = find_words(values, [terms for terms, _ in passes])
    masked_any = False
    for index, (terms, label) in enumerate(passes):
        rows = found[index].rows
        if not len(rows):
            continue
        chosen = values.take(pa.array(rows))
        masked = _masked_terms(chosen, found[index].terms(terms), label, characters)
        if not pc.any(pc.not_equal(masked, chosen)).as_py():
            continue
        chosen_rows = np.zeros(len(values), dtype=bool)
        chosen_rows[rows] = True
        values, masked_any = pc.replace_with_mask(values, pa.array(chosen_rows), masked), True
    if not masked_any:
        return text
    masked_text = pd.Series(values, index=text.index[present.to_numpy()], dtype="str")
    return masked_text.reindex(text.index).astype(text.dtype if text.dtype == object else "str")


def _masked_terms(chosen: pa.Array, terms: tuple[str, ...], label: str, characters: frozenset[str] | None) -> pa.Array:
    """The texts with every one of TERMS masked as LABEL; CHARACTERS are those past ASCII they hold (unicode_classes.py)."""
    for alternation in _alternations(terms):
        pattern = narrowed(alternation.pattern, characters)
        once = pc.replace_substring_regex(chosen, pattern=pattern, replacement=rf"\1{label}\2")
        # Again where a mask stands beside what may be a term the first pass could not see: a match takes the
        # character after it, so in 'Jo Ng' the first pass masks 'Jo ' and leaves 'Ng' without the boundary before
        # it; and in '(Flat 2)Leeds' a mask for 'Leeds' gives '(Flat 2)' the boundary after it. Not in
        # '[address], Leeds' (the space was the boundary, and 'Leeds' was masked already) nor in '[address]\n[postcode]'.
        # Looked for in the texts the first pass changed only: no more text than the second pass itself read.
        changed = np.flatnonzero(pc.not_equal(once, chosen).to_numpy(zero_copy_only=False))
        beside = pc.match_substring_regex(once.take(changed), narrowed(alternation.beside(label), characters))
        again = changed[beside.to_numpy(zero_copy_only=False)]
        if len(again):
            twice = pc.replace_substring_regex(once.take(again), pattern=pattern, replacement=rf"\1{label}\2")
            rows = np.zeros(len(once), dtype=bool)
            rows[again] = True
            once = pc.replace_with_mask(once, pa.array(rows), twice)
        chosen = once
    return chosen


@dataclass(frozen=True)
class _Alternation:
    """Some terms as one RE2 pattern, and the characters they start and end with, in any spelling (class bodies)."""

    pattern: str
    first: str
    last: str

    def beside(self, label: str) -> str:
        """Where a mask LABEL stands beside what may be one of the terms: after it, past the character the first
        pass's match took or starting with it ('Leeds-Top Farm'), or right before it."""
        mask = re.escape(label)
        return rf"(?i){mask}[^\pL\pN_]?[{self.first}]|[{self.last}]{mask}"


@functools.lru_cache(maxsize=4)
def _alternations(terms: tuple[str, ...]) -> list[_Alternation]:
    """The terms as RE2 alternations of at most _TERMS_PER_PATTERN, longest first so that a
    longer name masks before a shorter one inside it. Cached: a load masks a dozen fields, and
    the free text of a large export can hold tens of thousands of terms."""
    longest_first = sorted(terms, key=len, reverse=True)
    chunks = [longest_first[start : start + _TERMS_PER_PATTERN] for start in range(0, len(longest_first), _TERMS_PER_PATTERN)]
    return [_Alternation("(?i)" + _BEFORE + "(?:" + "|".join(_spelled_any_way(term) for term in chunk) + ")" + _AFTER,
                         _any_spelling({term[0] for term in chunk}), _any_spelling({term[-1] for term in chunk}))
            for chunk in chunks]


def _any_spelling(characters: set[str]) -> str:
    """A class body of CHARACTERS, an apostrophe or a hyphen standing for any (as _spelled_any_way has them)."""
    spelled = set().union(*(_APOSTROPHES if character in _APOSTROPHES else _HYPHENS if character in _HYPHENS else character
                            for character in characters))
    return "".join(f"\\x{{{ord(character):X}}}" for character in sorted(spelled))


def _spelled_any_way(term: str) -> str:
    """The term as an RE2 pattern matching it with any apostrophe or hyphen: one translation of the whole term, not a
    call per character (a load's thousands of terms took 3 microseconds each)."""
    return term.translate(_ANY_SPELLING)


# What each character of a term becomes in its pattern: an apostrophe or a hyphen a class of every way it is typed,
# any other character as re.escape has it (which changes only ASCII's).
_ANY_SPELLING = {code: re.escape(chr(code)) for code in range(128) if re.escape(chr(code)) != chr(code)} | {
    ord(character): f"[{re.escape(_APOSTROPHES)}]" for character in _APOSTROPHES} | {
    ord(character): f"[{re.escape(_HYPHENS)}]" for character in _HYPHENS}


def redact(text: pd.Series, terms: PersonalTerms) -> pd.Series:
    """Everything personal masked: contact patterns, then addresses, then names.

    Patterns first, so that an email holding a name ('ann.lee@example.org') is masked whole.
    Done once per distinct text: learning and remedy notes repeat across many records.
    """
    codes, distinct = distinct_values(text)
    masked = redact_distinct(distinct, terms)
    # Nothing personal in it (most notes and codes): the column as it was, not a copy spread from its distinct values.
    return text if masked is distinct else spread(masked, codes, text.index)


def redact_distinct(distinct: pd.Series, terms: PersonalTerms) -> pd.Series:
    """redact() of text whose values are distinct already (a load's case ids), so not factorised again:
    the same Series, not a copy, where none holds anything personal (and none needed composing)."""
    return _terms_masked(_patterns_masked(_composed(distinct)), [(terms.places, "[address]"), (terms.names, "[name]")])


def _composed(text: pd.Series) -> pd.Series:
    """The text in Unicode's composed form (NFC), missing kept missing.

    'Zoë' typed as 'e' and a combining diaeresis looks the same as the single letter but is
    another string: a name from one system and a letter from another only match once both
    are composed the same way.
    """
    values = pa.array(text, type=pa.string(), from_pandas=True)
    # ASCII text is composed already: most case ids, codes and notes need no pass.
    if pc.all(pc.string_is_ascii(values)).as_py() is not False:
        return text
    composed = pc.utf8_normalize(values, form="NFC")
    if text.dtype != object:
        return pd.Series(composed, index=text.index, dtype=text.dtype)
    present = text.notna()
    result = text.copy()
    result[present] = composed.filter(pa.array(present.to_numpy())).to_numpy(zero_copy_only=False)
    return result


def _siphash_key(key: str) -> str:
    # pandas wants exactly 16 characters; derive them from the whole user key.
    return base64.b64encode(hashlib.sha256(key.encode("utf-8")).digest()[:12]).decode("ascii")
