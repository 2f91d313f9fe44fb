"""Which column holds which canonical field, and which canonical value a source value means.

Fields are matched by header (a table of each field's usual names, then difflib similarity on
normalised headers) and checked against the column's values: a date field needs dates, an
enumerated field needs words that map to its canonical values. Used by `profile suggest`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache

from complaint_audit.ingest.formats.tables import Sample
from complaint_audit.ingest.profile import normalise_label
from complaint_audit.ingest.suggest.columns import ColumnFacts
from complaint_audit.schema import FIELD_BY_NAME, FIELD_NAMES, LINEAGE_FIELDS, OPEN_OUTCOME, Stage

_THRESHOLD = 0.8
# A case id column filled in fewer rows than this is not the file's case reference.
_CASE_ID_FILLED = 0.9
# Median characters of a column of response letters; labels and codes are far shorter.
_LETTER_LENGTH = 80
# Usual names per canonical field, normalised by sniff_columns.normalise_header; order is priority.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "case_id": ("case id", "case ref", "case reference", "reference", "ref", "case number", "case no", "complaint id",
                "complaint ref", "complaint reference", "complaint number", "id", "record id", "reference number", "ref no",
                "unique key", "request id", "request number", "request reference", "service request id",
                "service request number", "ticket id", "ticket number", "incident id", "incident number", "file reference",
                "file number", "enquiry reference", "enquiry number"),
    "stage": ("stage", "complaint stage", "stage number", "current stage", "level", "stage level"),
    "process": ("process", "procedure", "complaint type", "type of complaint", "complaint process", "process type", "regime"),
    # The body complained about: a council, a landlord in an ombudsman's file, a company in a
    # consumer register. Not "agency": a city's agencies are its services (see service).
    "organisation": ("organisation", "organization", "council", "authority", "local authority", "public body",
                     "organisation name", "organization name", "council name", "authority name", "landlord",
                     "landlord name", "provider", "provider name", "company", "company name", "firm", "public authority",
                     "body name"),
    "received": ("received", "date received", "received date", "opened", "date opened", "logged", "date logged",
                 "logged date", "complaint date", "date of complaint", "start date", "date requested", "request date",
                 "created", "created date", "date created", "created on", "creation date", "report date", "date reported",
                 "reported", "reported date", "submitted", "date submitted", "submission date", "date of request"),
    "acknowledged": ("acknowledged", "date acknowledged", "acknowledgement date", "acknowledgement sent",
                     "acknowledgment date", "ack date", "ack sent"),
    "due": ("due", "due date", "date due", "target date", "deadline", "response due", "target response date", "due by", "target",
            "agreed response date", "response due date"),
    "extended_due": ("extended due", "extended due date", "revised due date", "new due date", "extension date",
                     "extended target date", "extended deadline", "extended target", "revised response date",
                     "revised target date", "revised deadline"),
    "extension_reason": ("extension reason", "reason for extension", "extension", "extension notes", "why extended",
                         "reason for revision", "revision reason"),
    "statement_agreed": ("statement agreed", "statement of complaint agreed", "date statement agreed", "soc agreed"),
    "investigation_completed": ("investigation completed", "io report", "io report date", "investigation report",
                                "investigation report date", "investigating officer", "investigating officer report"),
    "panel_held": ("panel held", "panel date", "date of panel", "review panel date", "panel meeting"),
    "panel_report": ("panel report", "panel report date", "panel report issued", "panel outcome date"),
    "responded": ("responded", "date responded", "response date", "response sent", "date response sent", "replied",
                  "date replied", "reply date", "response issued", "date of response", "response", "adjudication",
                  "adjudication date", "adjudication letter", "adjudication sent"),
    "closed": ("closed", "date closed", "closed date", "closure date", "date of closure"),
    # A status column is offered too: its values decide (misfit below), so one that holds
    # decisions ("Closed - upheld") is proposed and one that holds only "Open"/"Closed" is not.
    "outcome": ("outcome", "decision", "result", "finding", "findings", "complaint outcome", "outcome decision",
                "finding outcome", "decision outcome", "final outcome", "disposition", "final disposition",
                "determination", "status", "case status", "complaint status"),
    "status": ("status", "case status", "complaint status", "request status", "current status", "state", "case state",
               "open closed", "open or closed"),
    "raised_via": ("raised via", "source", "raised by", "complainant type", "on behalf of", "made by", "submitted by",
                   "requester type"),
    "channel": ("channel", "method", "how received", "received via", "contact method", "method of contact", "medium",
                "submitted via", "channel type", "contact channel", "intake method"),
    "handled_by": ("handled by", "route", "dealt with by", "handling route", "handled"),
    "category": ("category", "complaint category", "subject", "nature of complaint", "topic", "theme", "issue",
                 "complaint type", "type", "request type", "problem", "issue type", "allegation", "allegation type"),
    "team": ("team", "complaints team", "owning team", "responsible team", "team name"),
    "service": ("service", "service area", "service name", "department", "department name", "agency", "agency name"),
    "directorate": ("directorate", "division"),
    "remedy": ("remedy", "remedy offered", "remedy type", "redress", "resolution", "put right"),
    "remedy_amount": ("remedy amount", "amount", "compensation", "payment", "compensation amount", "payment amount",
                      "financial remedy", "amount paid", "goodwill payment"),
    "remedy_done": ("remedy done", "remedy completed", "remedy complete", "remedy delivered", "remedy paid",
                    "payment made", "date paid"),
    "learning": ("learning", "lessons", "lessons learned", "lessons learnt", "improvement", "improvements",
                 "action taken", "service improvement", "learning points"),
    "action_due": ("action due", "action due date", "improvement due", "learning action due"),
    "action_done": ("action done", "action completed", "action complete", "improvement completed", "learning action done"),
    "signed_off_by": ("signed off by", "sign off", "signed off", "approved by", "signatory", "authorised by"),
    "response_text": ("response text", "response letter", "letter text", "letter", "response body", "response"),
}
_FILLER = {"date", "dt", "the", "of", "complaint", "complaints", "case"}
STAGE_FIELDS = tuple(
    name for name in FIELD_NAMES
    if FIELD_BY_NAME[name].kind == "date" or name in {"outcome", "remedy", "remedy_amount", "learning", "signed_off_by",
                                                       "response_text", "extension_reason", "handled_by"}
)
MAPPABLE = tuple(name for name in _SYNONYMS if name not in LINEAGE_FIELDS)
# The share of a column's values that must map for it to be the field. A status column whose other
# values are decisions ("Successful", "Refused") is an outcome column with some open codes in it.
_LEAST_COVERAGE = {"status": 0.8}
# An outcome column records decisions: a status column of open and closed codes maps to outcome
# too (open is an outcome code), so at least this share must be decisions.
_LEAST_DECISIONS = 0.2
# "Closed" alone: in an outcome column a closure with no decision recorded; in a status column a state.
_BARE_CLOSED = r"^(?:case )?closed$"
# Words for a case still waiting for its answer: an outcome or status code that means open.
_OPEN_WORDS = (r"\bopen\b|\bin progress\b|\bwork in progress\b|\bwip\b|\bpending\b|\bawaiting\b|\bwaiting\b"
               r"|\bon ?going\b|\bunder (?:investigation|review|consideration|assessment)\b|\buntimely\b|\binternal review\b"
               r"|\bbeing (?:investigated|considered|reviewed|assessed|handled)\b|\bover ?due\b|\bdelayed\b"
               r"|\bon hold\b|\bnew\b|\breceived\b|\blogged\b|\bregistered\b|\backnowledged\b|\bassigned\b"
               r"|\ballocated\b|\bunassigned\b|\bunallocated\b|\bnot yet\b|\blive\b|\bactive\b|\bcurrent\b"
               r"|\bin hand\b|\bto do\b|\bnot started\b|\bstarted\b|\bunder way\b|\bunderway\b|\btriage")
# Ordered (pattern, canonical value) rules over a normalised source value; the first match wins.
_VALUE_RULES: dict[str, tuple[tuple[str, str], ...]] = {
    "stage": (
        (r"\b(?:ombudsman|lgsco|lgo|hos)\b", "ombudsman"),
        (r"^(?:stage|stg|st|s|level) ?1$|\b(?:stage|stg|level) ?(?:1|one)\b|\bfirst\b|\blocal resolution\b", "1"),
        (r"^(?:stage|stg|st|s|level) ?2$|\b(?:stage|stg|level) ?(?:2|two)\b|\bsecond\b|\binvestigation\b", "2"),
        (r"^(?:stage|stg|st|s|level) ?3$|\b(?:stage|stg|level) ?(?:3|three)\b|\bthird\b|\bpanel\b", "3"),
    ),
    "process": (
        (r"\badult|\basc\b", "adult_social_care"),
        (r"\bchild|\bcsc\b|\bcyp\b", "childrens_statutory"),
        (r"\bhousing\b|\blandlord\b|\btenan", "housing"),
        (r"\bcorporate\b|\bcorp\b|\bgeneral\b", "corporate"),
        (r"\bother\b", "other"),
    ),
    "raised_via": (
        (r"^member of (?:the )?public$|^mop$", "public"),
        (r"\bmp\b|\bmember of parliament\b", "mp"),
        # not "Elected Member": an MP is one too, so that is for the user to decide
        (r"\bcllr\b|\bcouncill?or\b|\bward member\b", "councillor"),
        (r"\badvoca(?:te|cy)\b|\bimca\b", "advocate"),
        # A foster carer or a parent may complain about a child's care in their own right.
        (r"\bfoster\b", "other"),
        (r"\bpublic\b|\bresident\b|\bcustomer\b|\bself\b|\bservice user\b|\bcomplainant\b|\btenant\b|\bcitizen\b"
         r"|\bindividual\b|\byoung person\b|\bchild\b|\bparent\b|\bguardian\b", "public"),
        (r"\brep\b|\brepresentative\b|\bon behalf\b|\bsolicitor\b|\bfamily\b|\brelative\b|\bfriend\b|\bcarer\b"
         r"|\bthird party\b", "representative"),
        (r"\bother\b|\banonymous\b", "other"),
    ),
    # Councils' words, and the ombudsmen's and regulators': the LGSCO's fault and injustice,
    # the Housing Ombudsman's maladministration, service failure and reasonable redress, a
    # police complaint's sustained / not sustained / exonerated, a consumer register's relief. The
    # LGSCO upholds where it finds fault, with or without injustice.
    "outcome": (
        (r"\bnot (?:well )?(?:upheld|justified|substantiated|founded|sustained)\b|\bunfounded\b|\bunsubstantiated\b"
         r"|\bunsustained\b|\bno (?:fault|maladministration|service failure)\b|\bexonerated\b|\brejected\b"
         r"|\bclosed with(?:out relief| explanation)\b|\bno charges?\b"
         # A request refused or whose information is not held: the requester did not get what was asked.
         r"|\bunsuccessful\b|\brefused\b|\bnot held\b", "not_upheld"),
        (r"\bpart(?:ly|ially|ial)?\b.*\b(?:upheld|justified|substantiated|founded|sustained|successful)\b", "partly_upheld"),
        (r"\bwithdrawn\b|\bwithdrew\b", "withdrawn"),
        (r"\bout of (?:scope|time|jurisdiction)\b|\boutside\b|\bnot accepted\b|\bnot a complaint\b|\bdeclined\b"
         r"|\bclosed after initial enquiries\b|\bpremature\b|\bno jurisdiction\b|\bnot investigated\b"
         r"|\badmin(?:istrative)?(?:ly)? clos|\bvoid(?:ed)?\b|\bduplicate\b|\bvexatious\b|\bnot an? (?:foi|eir)\b",
         "out_of_scope"),
        # The body put it right before the ombudsman decided: redress already made. A case only
        # "closed" records no decision: it is counted as a case, never as upheld or not.
        (r"\bresolved\b|\bresolution\b|\bsettled\b|\breasonable redress\b|" + _BARE_CLOSED, "resolved"),
        (r"\b(?:upheld|justified|substantiated|founded|sustained)\b|\bmaladministration\b|\bservice failure\b"
         r"|\bfault\b|\bclosed with (?:non )?(?:monetary )?relief\b|\bsuccessful\b", "upheld"),
        (_OPEN_WORDS, "open"),
    ),
    "status": (
        (r"\bre ?opened\b|\bnot (?:yet )?(?:closed|resolved|complete|completed|finished)\b", "open"),
        (r"\bclosed?\b|\bresolved\b|\bcomplete(?:d)?\b|\bfinali[sz]ed\b|\bfinished\b|\bdone\b|\bcancell?ed\b"
         r"|\banswered\b|\bresponded\b|\bconcluded\b|\bdecided\b|\bwithdrawn\b|\barchived\b|\bfulfilled\b", "closed"),
        (_OPEN_WORDS, "open"),
    ),
}
_STAGE_MARK = re.compile(r"(?:^| )(?:stage|stg|st|s) ?([123])(?= |$)|(?:^| )(ombudsman|lgsco|lgo|hos)(?= |$)")
_CHILDRENS_SIGNS = r"\b(?:adjudicat\w*|statement (?:of complaint )?agreed|io report|investigating officer|panel)\b"


@dataclass(frozen=True)
class Match:
    """The column (or JSON key) a field is read from, and why it was picked."""

    column: ColumnFacts
    why: str


@cache
def guess_value(field_name: str, label: str) -> str | None:
    """The canonical value a source label most likely means, or None."""
    allowed = {normalise_label(value): value for value in FIELD_BY_NAME[field_name].targets}
    if normalise_label(label) in allowed:
        return allowed[normalise_label(label)]
    key = " ".join(re.sub(r"[^\w\s]", " ", normalise_label(label)).split())
    return next((target for pattern, target in _VALUE_RULES.get(field_name, ()) if re.search(pattern, key)), None)


# --- matching fields to columns -------------------------------------------------------------


def _similarity(label: str, synonym: str) -> float:
    if label == synonym:
        return 1.0
    ratio = SequenceMatcher(None, label, synonym).ratio()
    if f" {synonym} " in f" {label} ":
        # A header's first word qualifies what its last says: "Allegation Outcome" is an
        # outcome, "Status Date" a date, so a synonym that only starts the header counts less.
        base = 0.6 if label.startswith(f"{synonym} ") else 0.7
        ratio = max(ratio, base + 0.25 * len(synonym) / len(label))
    return ratio


def _core(label: str) -> str:
    return " ".join(token for token in label.split() if token not in _FILLER)


@cache
def header_score(field_name: str, label: str) -> float:
    """How much LABEL looks like one of the field's usual names, 0..1."""
    best = 0.0
    for synonym in _SYNONYMS.get(field_name, ()) if label else ():
        best = max(best, _similarity(label, synonym))
        if _core(label) and _core(synonym):
            best = max(best, 0.95 * _similarity(_core(label), _core(synonym)))
    return best


def _coverage(field_name: str, column: ColumnFacts, decisions_only: bool = False) -> float:
    """Share of the sample rows (among the listed values) whose value maps to a canonical one
    (with DECISIONS_ONLY, to one other than open)."""
    total = sum(count for _, count in column.counts)
    mapped = sum(count for label, count in column.counts
                 if guess_value(field_name, label) not in (None, *((OPEN_OUTCOME,) if decisions_only else ()))
                 and not (decisions_only and re.match(_BARE_CLOSED, normalise_label(label))))
    return mapped / total if total else 0.0


def misfit(field_name: str, column: ColumnFacts) -> str | None:
    """Why the column's values cannot be this field, or None when they can."""
    kind = FIELD_BY_NAME[field_name].kind
    if column.filled == 0:
        return None
    if column.flag:
        return "its values are yes/no flags"
    if field_name == "case_id" and column.filled < _CASE_ID_FILLED * len(column.raw):
        # Every row needs a case id: a mostly empty column would quarantine most of the file.
        return f"only {column.filled / len(column.raw):.0%} of sample rows have a value"
    if field_name == "response_text" and not _reads_as_letters(column):
        return "its values are short labels, not letters"
    if kind == "date":
        return None if column.dates else "its values are not dates"
    if column.dates:
        return "its values are dates"
    if kind == "number" and column.number_share < 0.8:
        return "its values are not amounts"
    if kind == "enum" and _coverage(field_name, column) < _LEAST_COVERAGE.get(field_name, 0.5):
        return f"only {_coverage(field_name, column):.0%} of its values map to {field_name}"
    if field_name == "outcome" and _coverage(field_name, column, decisions_only=True) < _LEAST_DECISIONS:
        return "its values say whether a case is open, not what was decided"
    return None


def _reads_as_letters(column: ColumnFacts) -> bool:
    """A response letter is long and differs from case to case; a label or code repeats."""
    lengths = column.raw.dropna().astype("str").str.len()
    return bool(lengths.median() >= _LETTER_LENGTH) and column.distinct >= 0.5 * column.filled


def _preference(field_name: str, column: ColumnFacts, label: str, childrens: bool) -> float:
    # Children's Stage 2 ends with the adjudication letter, not the investigator's response.
    if field_name == "responded" and "adjudicat" in label:
        return 0.05 if childrens else -0.05
    if field_name == "case_id":
        # 'Record ID' 1, 2, 3 ... numbers a file's rows (one per finding or allegation); a
        # header that names the case ('Case ID') says what a case is.
        if column.row_number:
            return -0.3
        if not re.search(r"\b(?:case|complaint|ref|reference|request|ticket|incident|enquiry|file)\b", label):
            return -0.02
    return 0.0


def match_fields(
    columns: list[ColumnFacts], fields: tuple[str, ...], childrens: bool, labels: dict[str, str] | None = None
) -> dict[str, Match]:
    """Greedy best-first pairing of fields and columns by header, then enumerations by value."""
    labels = labels or {}
    pairs = []
    for column_index, column in enumerate(columns):
        label = labels.get(column.name, column.label)
        scores = {
            field_index: round(header_score(field_name, label) + _preference(field_name, column, label, childrens), 6)
            for field_index, field_name in enumerate(fields)
            if misfit(field_name, column) is None
        }
        # A column that names a field outright competes for that field only: 'Response Date'
        # is not a runner-up for due just because another column took responded.
        best = max(scores.values(), default=0.0)
        floor = best - 0.02 if best >= 0.95 else _THRESHOLD
        pairs += [(-score, index, column_index) for index, score in scores.items() if score >= max(_THRESHOLD, floor)]
    matches: dict[str, Match] = {}
    taken: set[str] = set()
    for negative_score, field_index, column_index in sorted(pairs):
        field_name, column = fields[field_index], columns[column_index]
        if field_name not in matches and column.name not in taken:
            matches[field_name] = Match(column, f"header match {min(-negative_score, 1.0):.2f}")
            taken.add(column.name)
    for field_name in fields:
        if field_name in matches or FIELD_BY_NAME[field_name].kind != "enum":
            continue
        found = [
            (_coverage(field_name, column), -index, column)
            for index, column in enumerate(columns)
            if column.name not in taken and column.filled and not column.dates and column.distinct <= 30
            and (field_name != "stage" or any(re.search("[a-z]", label, re.I) for label, _ in column.counts))
        ]
        coverage, _, column = max(found, default=(0.0, 0, None), key=lambda item: item[:2])
        if coverage >= 0.8:
            matches[field_name] = Match(column, f"values look like {field_name}: {coverage:.0%} of sample rows map")
            taken.add(column.name)
    return matches


def stage_mark(label: str) -> tuple[str, str] | None:
    """'s2 received' -> ('2', 'received'); None for a header naming no stage."""
    found = _STAGE_MARK.search(label)
    if not found:
        return None
    remainder = " ".join((label[: found.start()] + " " + label[found.end() :]).split())
    return (found.group(1) or "ombudsman"), remainder


def _wide_tables(columns: list[ColumnFacts], childrens: bool) -> dict[str, dict[str, Match]]:
    """Per stage, the stage-numbered columns that map to fields; empty unless two stages do."""
    marked: dict[str, dict[str, str]] = {}
    for column in columns:
        mark = stage_mark(column.label)
        if mark:
            marked.setdefault(mark[0], {})[column.name] = mark[1]
    tables = {}
    for stage in (stage.value for stage in Stage):
        if stage in marked:
            group = [column for column in columns if column.name in marked[stage]]
            matches = match_fields(group, STAGE_FIELDS, childrens, labels=marked[stage])
            if matches:
                tables[stage] = matches
    return tables if len(tables) >= 2 else {}


# --- the layout, and a field for every column ------------------------------------------------


@dataclass
class Layout:
    """The stage layout, and which column (or JSON key) each canonical field comes from, per table."""

    kind: str
    kind_why: str
    columns: dict[str, Match]
    stages: dict[str, dict[str, Match]] = field(default_factory=dict)  # wide
    fields: dict[str, Match] = field(default_factory=dict)  # nested: keys inside each stage object

    def tables(self) -> list[dict[str, Match]]:
        return [self.columns, *self.stages.values(), self.fields]

    def mapped(self) -> set[str]:
        return {name for table in self.tables() for name in table} | ({"stage"} if self.kind == "wide" else set())


def map_fields(sample: Sample, usable: list[ColumnFacts], stage_keys: list[ColumnFacts], childrens: bool) -> Layout:
    """Nested when records hold stage lists, wide when two stages have numbered columns, else long."""
    if sample.stage_list:
        stage_level = match_fields(stage_keys, ("stage", *STAGE_FIELDS), childrens)
        case_level = match_fields(usable, tuple(name for name in MAPPABLE if name not in stage_level), childrens)
        why = f"each record holds a list of stage objects under '{sample.stage_list}'"
        return Layout("nested", why, case_level, fields=stage_level)
    stages = _wide_tables(usable, childrens)
    if stages:
        in_stages = {match.column.name for table in stages.values() for match in table.values()}
        rest = [column for column in usable if column.name not in in_stages]
        case_level = match_fields(rest, tuple(name for name in MAPPABLE if name != "stage"), childrens)
        first = next(iter(stages))
        if "received" in case_level and "received" not in stages[first]:
            # The complaint's received date starts its first stage; a stage row exists only
            # when one of its own columns has a value, so a new case must not lose it.
            match = case_level.pop("received")
            stages[first]["received"] = Match(match.column, match.why + f"; the complaint's date received starts stage {first}")
        examples = ", ".join(f"'{next(iter(table.values())).column.name}'" for table in stages.values())
        why = f"stage-numbered columns for stages {', '.join(stages)} ({examples}); one row per stage with data"
        return Layout("wide", why, case_level, stages=stages)
    case_level = match_fields(usable, MAPPABLE, childrens)
    why = "each row is one stage" + (f" (the stage is in '{case_level['stage'].column.name}')" if "stage" in case_level else "")
    return Layout("long", why, case_level)


def fill_required(layout: Layout, usable: list[ColumnFacts], stage_keys: list[ColumnFacts]) -> None:
    """case_id and received must come from somewhere for the draft to parse: take the likeliest."""
    taken = {match.column.name for table in layout.tables() for match in table.values()}
    free = [column for column in usable if column.name not in taken]
    if "case_id" not in layout.columns:
        fit = [column for column in free if column.filled and not column.dates and misfit("case_id", column) is None]
        unique = [column for column in fit if column.distinct == column.filled and not column.row_number]
        # Several rows per case (allegations, findings): the case reference repeats, but it
        # is still short, has digits and fills every row; a row number is passed over.
        references = [column for column in fit if not column.row_number and _reference_like(column)]
        if unique or references or free or usable:
            column = (unique or references or free or usable)[0]
            why = "no header looked like a case reference: " + (
                "the first column whose sample values are all different" if unique
                else "the first column of reference-like values in every row" if references else "pick the right column")
            layout.columns["case_id"] = Match(column, why)
    if "received" not in layout.mapped():
        level, pool = (layout.fields, stage_keys) if layout.kind == "nested" else (layout.columns, free)
        dated = [column for column in pool if column.dates and column.name not in taken]
        if not dated and layout.kind == "nested":
            level, dated = layout.columns, [column for column in free if column.dates]
        if dated:
            level["received"] = Match(dated[0], "no header looked like the date received: the first date column")
        elif usable:
            layout.columns["received"] = Match(usable[0], "no date column found: change this to the date received")
    for table in layout.tables():
        if "closed" in table and "responded" not in table:
            # Without a response date, a case closed is a case answered: otherwise every
            # closed case of a 311 or police export would count as still open.
            closed = table["closed"]
            table["responded"] = Match(closed.column, "no response date column: the date closed is taken as the date answered")


def _reference_like(column: ColumnFacts) -> bool:
    """Values like '16-1', 'CR/2024/001' or 67127: short, no spaces, with a digit."""
    values = column.raw.dropna().astype("str").str.strip()
    return bool(len(values)) and bool(values.str.fullmatch(r"[\w/.\-]{1,30}").all()) and bool(values.str.contains(r"\d").all())


def childrens_signs(columns: list[ColumnFacts]) -> bool:
    """Whether the headers point to the children's statutory procedure."""
    return any(re.search(_CHILDRENS_SIGNS, c.label) for c in columns)


def process_named_in(text: str) -> str | None:
    """The procedure a team's or a value's name points to (never 'other')."""
    rules = [(pattern, process) for pattern, process in _VALUE_RULES["process"] if process != "other"]
    return next((process for pattern, process in rules if re.search(pattern, text)), None)
