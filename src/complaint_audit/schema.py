"""The canonical complaint record: one row per (organisation, case_id, stage).

This module is the only place the schema is written down; every other part of complaint-audit
reads field names, types and allowed values from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd
import pyarrow as pa

from complaint_audit.columnwise import map_columns


class Stage(StrEnum):
    STAGE_1 = "1"
    STAGE_2 = "2"
    STAGE_3 = "3"
    OMBUDSMAN = "ombudsman"


# The stages the council handles itself: the ombudsman's stage is the ombudsman's record, not the council's.
COUNCIL_STAGES: tuple[str, ...] = (Stage.STAGE_1.value, Stage.STAGE_2.value, Stage.STAGE_3.value)
# The two stages of the Complaint Handling Codes (corporate and housing complaints), each with its own clock.
CODE_STAGES: tuple[str, ...] = (Stage.STAGE_1.value, Stage.STAGE_2.value)


class Process(StrEnum):
    CORPORATE = "corporate"
    ADULT_SOCIAL_CARE = "adult_social_care"
    CHILDRENS_STATUTORY = "childrens_statutory"
    HOUSING = "housing"
    OTHER = "other"


# The processes under the UK's statutory schemes (the Complaint Handling Codes, the social care
# regulations); `other` is outside them and never measured against UK rules (docs/profiles.md).
UK_PROCESSES: tuple[str, ...] = tuple(process.value for process in Process if process is not Process.OTHER)

# Each process as a finding or the report names it ("children's statutory Stage 2").
PROCESS_WORDS = {
    "corporate": "corporate", "housing": "housing", "adult_social_care": "adult social care",
    "childrens_statutory": "children's statutory", "other": "other",
}


class RaisedVia(StrEnum):
    PUBLIC = "public"
    REPRESENTATIVE = "representative"
    ADVOCATE = "advocate"
    MP = "mp"
    COUNCILLOR = "councillor"
    OTHER = "other"


class Outcome(StrEnum):
    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    NOT_UPHELD = "not_upheld"
    WITHDRAWN = "withdrawn"
    RESOLVED = "resolved"
    OUT_OF_SCOPE = "out_of_scope"


# The outcomes from most to least serious, for combining several rows of one case (a finding
# per allegation) into one record: any finding upheld makes the case upheld, as ombudsmen and
# police complaints count them. A decision on the merits (upheld, partly upheld, not upheld)
# outranks a case settled without one (resolved), then the complainant's withdrawal, then a
# complaint not taken on (out of scope).
MOST_SERIOUS_FIRST: tuple[str, ...] = (
    Outcome.UPHELD.value, Outcome.PARTLY_UPHELD.value, Outcome.NOT_UPHELD.value,
    Outcome.RESOLVED.value, Outcome.WITHDRAWN.value, Outcome.OUT_OF_SCOPE.value,
)


# Decisions on the merits, and those that find fault (upheld in whole or part): what an apology, a remedy and
# learning are owed to, and what an uphold rate counts.
DECIDED_OUTCOMES: tuple[str, ...] = (Outcome.UPHELD.value, Outcome.PARTLY_UPHELD.value, Outcome.NOT_UPHELD.value)
UPHELD_OUTCOMES: tuple[str, ...] = (Outcome.UPHELD.value, Outcome.PARTLY_UPHELD.value)


class RecordedAs(StrEnum):
    """How the source system classed a case: a complaint, a service request, or a tier before Stage 1 that the
    Complaint Handling Codes do not have (a source's "informal" or "Stage 0" complaints)."""

    COMPLAINT = "complaint"
    SERVICE_REQUEST = "service_request"
    INFORMAL = "informal"


class RefusalGround(StrEnum):
    """Why a complaint was not accepted, or its escalation refused, as the source records the ground: the Codes'
    exclusions (section 2) and a request that was not a complaint; `other` for any other ground a policy gives."""

    OUT_OF_TIME = "out_of_time"  # made more than 12 months after the matter arose or the person became aware of it
    LEGAL_PROCEEDINGS = "legal_proceedings"
    ALREADY_CONSIDERED = "already_considered"
    NOT_A_COMPLAINT = "not_a_complaint"
    OTHER = "other"


class Status(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


# The outcome label for "no outcome yet" ([values.outcome] open = ["In progress", ...]): such a
# record loads with no outcome and status open (ingest/open_codes.py), never as an outcome.
OPEN_OUTCOME = Status.OPEN.value


@dataclass(frozen=True)
class Field:
    """One canonical field: its name, kind, group and a one-line meaning."""

    name: str
    kind: str  # "string", "date", "integer", "number" or "enum"
    group: str
    meaning: str
    required: bool = False
    enum: type[StrEnum] | None = None
    # Labels a profile may map source codes to besides the allowed values, that the loader
    # turns into something else (outcome's "open": no outcome yet, status open).
    also_mapped_to: tuple[str, ...] = ()

    @property
    def allowed(self) -> tuple[str, ...]:
        return tuple(member.value for member in self.enum) if self.enum else ()

    @property
    def targets(self) -> tuple[str, ...]:
        """What a `[values.FIELD]` table may map source labels to."""
        return self.allowed + self.also_mapped_to


_ARROW_TYPES = {
    "string": pa.string(),
    "enum": pa.string(),
    "date": pa.date32(),
    "integer": pa.int64(),
    "number": pa.float64(),
}

FIELDS: tuple[Field, ...] = (
    # identity and lineage
    Field("organisation", "string", "identity and lineage", "The public body the complaint is about.", required=True),
    Field("source", "string", "identity and lineage", "Name of the source profile the row was loaded with.", required=True),
    Field("source_file", "string", "identity and lineage", "The export file the row came from.", required=True),
    Field("source_row", "integer", "identity and lineage", "Row in that file: spreadsheet row number, or 1-based position in a JSON list or Parquet file.", required=True),
    Field("combined_rows", "integer", "identity and lineage", "How many rows of the export make this record: more than 1 where the profile's [combine] joined a case's rows (one per allegation, finding or action)."),
    Field("case_id", "string", "identity and lineage", "The case reference in the source system.", required=True),
    Field("stage", "enum", "identity and lineage", "Complaint stage this row describes.", required=True, enum=Stage),
    # which rules apply
    Field("process", "enum", "which rules apply", "Procedure whose timescales apply.", required=True, enum=Process),
    Field("recorded_as", "enum", "which rules apply", "How the source system classed the case: a complaint, a service request, or an 'informal' or 'Stage 0' tier before Stage 1 (informal). Map the source's labels in [values.recorded_as].", enum=RecordedAs),
    # who and where
    Field("team", "string", "who and where", "Complaints team that owns the case."),
    Field("service", "string", "who and where", "Service the complaint is about."),
    Field("directorate", "string", "who and where", "Directorate the service sits in."),
    Field("category", "string", "who and where", "What the complaint is about, in the source's categories."),
    Field("channel", "string", "who and where", "How the complaint arrived (email, phone, web form ...)."),
    Field("raised_via", "enum", "who and where", "Who brought the complaint: the public, a representative, an MP, a councillor ...", enum=RaisedVia),
    Field("handled_by", "string", "who and where", "Route that handled it: complaints team, service, chief executive's office, member services ..."),
    # dates
    Field("received", "date", "dates", "Date the complaint (or the request for this stage) was received.", required=True),
    Field("became_aware", "date", "dates", "Date the complainant became aware of the matter complained about (or it arose): the Codes' 12-month time limit runs from it."),
    Field("acknowledged", "date", "dates", "Date the complainant was sent an acknowledgement."),
    Field("due", "date", "dates", "Response due date as the source system recorded it."),
    Field("extended_due", "date", "dates", "Due date after an agreed extension."),
    Field("extension_reason", "string", "dates", "Why the response time was extended."),
    Field("clock_stopped_days", "integer", "dates", "Working days this stage's clock was stopped while the council waited on the complainant (for information, consent or access), as the source system recorded them; every timescale check deducts them where a reason is recorded."),
    Field("clock_stop_reason", "string", "dates", "What the council was waiting on the complainant for while the clock was stopped."),
    Field("statement_agreed", "date", "dates", "Children's Stage 2: date the statement of complaint was agreed (Stage 2 starts at the later of this and received)."),
    Field("investigation_completed", "date", "dates", "Children's Stage 2: date of the investigating officer's report."),
    Field("panel_held", "date", "dates", "Stage 3: date the review panel met."),
    Field("panel_report", "date", "dates", "Stage 3: date the panel issued its report."),
    Field("responded", "date", "dates", "Date the response was sent (children's Stage 2: the adjudication letter)."),
    Field("closed", "date", "dates", "Date the case was closed in the source system."),
    # outcome
    Field("outcome", "enum", "outcome", "Decision on the complaint at this stage.", enum=Outcome,
          also_mapped_to=(OPEN_OUTCOME,)),
    Field("status", "enum", "outcome", "Whether the case is still open (awaiting its outcome or response) or closed, as the source system says.", enum=Status),
    Field("refusal_ground", "enum", "outcome", "Where the complaint was not accepted (Stage 1) or its escalation refused (Stage 2): the ground recorded, out_of_time, legal_proceedings, already_considered, not_a_complaint or other. Map the source's labels in [values.refusal_ground].", enum=RefusalGround),
    Field("refusal_reason", "string", "outcome", "Where the complaint was not accepted or its escalation refused: the reasons recorded, in the source's words."),
    Field("remedy", "string", "outcome", "Remedy offered (apology, payment, service put right ...)."),
    Field("remedy_amount", "number", "outcome", "Financial remedy in pounds."),
    Field("remedy_done", "date", "outcome", "Date the remedy was delivered: the payment made, the service put right "
          "(an apology alone is delivered by the response letter)."),
    # learning and oversight
    Field("learning", "string", "learning and oversight", "What will change as a result of the complaint."),
    Field("action_due", "date", "learning and oversight", "Date the improvement action is due."),
    Field("action_done", "date", "learning and oversight", "Date the improvement action was completed."),
    Field("signed_off_by", "string", "learning and oversight", "Role or grade that signed off the response."),
    # text
    Field("response_text", "string", "text", "The response letter as sent (optional)."),
    # person
    Field("complainant_key", "string", "person", "Pseudonymised complainant: a keyed hash, never a name or address."),
    Field("handler_key", "string", "person", "Pseudonymised officer who handled this stage: the loader replaces the name the export gives with a keyed hash, as it does the complainant's."),
)

FIELD_BY_NAME: dict[str, Field] = {field.name: field for field in FIELDS}
FIELD_NAMES: tuple[str, ...] = tuple(FIELD_BY_NAME)
DATE_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.kind == "date")
NUMBER_FIELDS: frozenset[str] = frozenset(f.name for f in FIELDS if f.kind == "number")
ENUM_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.kind == "enum")
REQUIRED_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.required)
# Fields set by the loader itself, never mapped from a source column.
LINEAGE_FIELDS: tuple[str, ...] = ("source", "source_file", "source_row", "combined_rows")
RECORD_KEY: tuple[str, ...] = ("organisation", "case_id", "stage")
# Text that repeats: a council has a handful of teams and categories, not one per row.
CATEGORY_FIELDS: tuple[str, ...] = (
    "organisation", "source", "source_file", "stage", "process", "team", "service", "directorate", "category",
    "channel", "raised_via", "handled_by", "outcome", "status", "signed_off_by", "recorded_as", "refusal_ground",
)
# The fields whose source columns repeat a few values over many rows: the CSV reader keeps them
# dictionary-encoded until they are converted. A handler's name repeats over thousands of stages,
# and its pseudonym stays dictionary-encoded until the store writes it.
REPEATING_FIELDS: frozenset[str] = frozenset(DATE_FIELDS) | NUMBER_FIELDS | frozenset(CATEGORY_FIELDS) | {"handler_key"}

ARROW_SCHEMA: pa.Schema = pa.schema(
    [pa.field(f.name, _ARROW_TYPES[f.kind], nullable=not f.required, metadata={"meaning": f.meaning}) for f in FIELDS]
)


def to_arrow(records: pd.DataFrame) -> pa.Table:
    """Canonical frame -> Arrow table in the canonical schema (dates become date32), a core per column."""

    def converted(field: Field) -> pa.Array | pa.ChunkedArray:
        column = records[field.name]
        if field.kind == "date":
            column = column.astype("datetime64[s]")
        if isinstance(column.dtype, pd.CategoricalDtype):  # decoded by Arrow: pyarrow would go through Python objects
            return pa.array(column).cast(_ARROW_TYPES[field.kind])
        return pa.array(column, type=_ARROW_TYPES[field.kind], from_pandas=True)

    return pa.Table.from_arrays(map_columns(converted, FIELDS, rows=len(records)), schema=ARROW_SCHEMA)


def from_arrow(table: pa.Table) -> pd.DataFrame:
    """Arrow table in the canonical schema -> canonical frame.

    Dates come back as ``datetime64[s]`` so checks can do vectorised arithmetic on them, cast
    in Arrow (pandas would otherwise build a Python date object per cell). Codes and names
    that repeat across many rows (CATEGORY_FIELDS) come back as categoricals with sorted
    categories: filtering, grouping and comparing them then moves small integers, not text.
    """
    for name in DATE_FIELDS:
        if name in table.column_names:
            index = table.column_names.index(name)
            table = table.set_column(index, name, table.column(name).cast(pa.timestamp("s")))
    frame = table.unify_dictionaries().to_pandas()
    for name in CATEGORY_FIELDS:
        if name not in frame.columns:
            continue
        column = frame[name]
        if isinstance(column.dtype, pd.CategoricalDtype):  # read dictionary-encoded (Store.read_records)
            # The dictionaries of every part were unified: keep only the names this read uses,
            # found by counting codes (linear) rather than pandas' sort of them.
            codes = column.cat.codes.to_numpy()
            used = np.bincount(codes[codes >= 0], minlength=len(column.cat.categories)) > 0
            frame[name] = column.cat.set_categories(sorted(column.cat.categories[used]))
        else:
            frame[name] = column.astype(pd.CategoricalDtype(sorted(column.dropna().unique())))
    return frame


def describe() -> list[dict[str, object]]:
    """The schema as plain data, for `complaint-audit schema` and the documentation."""
    return [
        {
            "name": f.name,
            "type": str(_ARROW_TYPES[f.kind]),
            "kind": f.kind,
            "group": f.group,
            "required": f.required,
            "allowed": list(f.allowed),
            "meaning": f.meaning,
        }
        for f in FIELDS
    ]
