"""Source profiles: the TOML file that says how one case system's export maps to the schema.

A profile is parsed and checked in full before any data is read, so a typo in a field name or
a value mapping fails at once with the profile's path and the key at fault (docs/profiles.md).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from complaint_audit.errors import UserError
from complaint_audit.ingest.combine_rules import COMBINABLE, allowed_rules, resolved_rules
from complaint_audit.ingest.formats import FORMAT_NAMES, ExportFormat, export_format, format_of_extension
from complaint_audit.schema import FIELD_BY_NAME, LINEAGE_FIELDS, REQUIRED_FIELDS, Stage
from complaint_audit.toml_file import read_toml

ENCODINGS = ("auto", "utf-8", "utf-8-sig", "cp1252")
DATE_ORDERS = ("dmy", "mdy", "ymd")
LAYOUTS = ("long", "wide", "nested")
_ALLOWED_KEYS = {
    "": {"source", "dates", "constants", "columns", "values", "layout", "personal", "combine"},
    "source": {"name", "format", "encoding", "delimiter", "header_row", "sheet", "records"},
    "dates": {"order", "format"},
    "layout": {"kind", "stages", "list", "fields"},
    "personal": {"drop", "complainant_key"},
}
# The complainant key is derived from personal columns; lineage fields are set by the loader.
_UNMAPPABLE = set(LINEAGE_FIELDS) | {"complainant_key"}


def normalise_label(text: str) -> str:
    """How value mappings compare labels: case-, space- and underscore-insensitive, and
    compatibility forms folded (NFKC: full-width letters, ligatures), but not look-alike letters."""
    return re.sub(r"[\s_]+", " ", unicodedata.normalize("NFKC", text)).strip().casefold()


@dataclass(frozen=True)
class Profile:
    """A parsed, checked source profile."""

    path: Path
    name: str
    format: str | None = None
    encoding: str = "auto"
    delimiter: str = ","
    header_row: int = 1
    sheet: str | None = None
    records: str | None = None
    date_order: str = "dmy"
    date_format: str | None = None
    constants: dict[str, str] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)
    layout: str = "long"
    stage_columns: dict[str, dict[str, str]] = field(default_factory=dict)
    stage_list: str | None = None
    stage_fields: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    personal_drop: tuple[str, ...] = ()
    complainant_key: tuple[str, ...] = ()
    # [combine]: a rule per field for combining a case's rows into one record; None: no table,
    # a row repeating a case and stage is quarantined as duplicate_record.
    combine: dict[str, str] | None = None

    def format_for(self, path: Path) -> ExportFormat:
        """The file format: the profile's, else the file's extension."""
        if self.format:
            return export_format(self.format)
        found = format_of_extension(path)
        if found is None:
            raise UserError(
                f"{path}: cannot tell the format from the extension '{path.suffix}'; "
                f"set [source] format in {self.path} to one of {', '.join(FORMAT_NAMES)}"
            )
        return found

    def mapped_fields(self) -> set[str]:
        """Every canonical field this profile provides, from any layout or constant."""
        return set(self.constants) | self.exported_fields()

    def exported_fields(self) -> set[str]:
        """The canonical fields read from the export's own columns: not constants, not audit.toml's
        defaults. A field outside this set is one the export lacks, never one the council left blank."""
        read = set(self.columns) | set(self.stage_fields)
        for stage_map in self.stage_columns.values():
            read |= set(stage_map)
        if self.layout == "wide":
            read.add("stage")
        if self.complainant_key:
            read.add("complainant_key")
        return read

    def combine_rules(self) -> dict[str, str] | None:
        """Each field this profile reads from the export with its [combine] rule (declared or default); None without
        [combine]. A constant is the same on every row: no rule to tell."""
        provided = self.mapped_fields() - set(self.constants)
        return None if self.combine is None else resolved_rules(self.combine, provided)

    def columns_of(self, fields: set[str]) -> set[str]:
        """The export's columns that hold any of FIELDS, at any stage."""
        mappings = [self.columns, self.stage_fields, *self.stage_columns.values()]
        return {column for mapping in mappings for name, column in mapping.items() if name in fields}


def _shown(value: object) -> str:
    return f"'{value}'" if isinstance(value, str) else f"{value!r} (not a string)"


def load_profile(path: Path) -> Profile:
    """Read and check a profile file; every problem is a UserError naming the file and key."""
    path = Path(path)
    document = read_toml(path, "profile")
    return _ProfileParser(path, document).parse()


class _ProfileParser:
    def __init__(self, path: Path, document: dict):
        self.path = path
        self.document = document

    def fail(self, where: str, message: str) -> UserError:
        return UserError(f"{self.path}: {where}: {message}")

    def table(self, name: str) -> dict:
        value = self.document.get(name, {})
        if not isinstance(value, dict):
            raise self.fail(name, "must be a table")
        allowed = _ALLOWED_KEYS.get(name)
        if allowed is not None:
            unknown = sorted(set(value) - allowed)
            if unknown:
                raise self.fail(f"[{name}] {unknown[0]}", f"unknown key (allowed: {', '.join(sorted(allowed))})")
        return value

    def parse(self) -> Profile:
        unknown = sorted(set(self.document) - _ALLOWED_KEYS[""])
        if unknown:
            raise self.fail(unknown[0], f"unknown table (allowed: {', '.join(sorted(_ALLOWED_KEYS['']))})")
        source, dates, layout, personal = (self.table(n) for n in ("source", "dates", "layout", "personal"))
        name = source.get("name")
        if not isinstance(name, str) or not name.strip():
            raise self.fail("[source] name", "required: the name of this source system, such as \"corporate\"")
        values = self.parse_values(self.table("values"))
        profile = Profile(
            path=self.path,
            name=name.strip(),
            format=self.choice(source, "format", FORMAT_NAMES, None, "source"),
            encoding=self.choice(source, "encoding", ENCODINGS, "auto", "source"),
            delimiter=self.text(source, "delimiter", ",", "source"),
            header_row=self.positive_int(source, "header_row", 1),
            sheet=self.text(source, "sheet", None, "source"),
            records=self.text(source, "records", None, "source"),
            date_order=self.choice(dates, "order", DATE_ORDERS, "dmy", "dates"),
            date_format=self.text(dates, "format", None, "dates"),
            constants=self.field_map(self.table("constants"), "constants"),
            columns=self.field_map(self.table("columns"), "columns"),
            layout=self.choice(layout, "kind", LAYOUTS, "long", "layout"),
            stage_columns=self.parse_stage_columns(layout.get("stages", {})),
            stage_list=self.text(layout, "list", None, "layout"),
            stage_fields=self.field_map(layout.get("fields", {}), "layout.fields"),
            values=values,
            personal_drop=self.column_list(personal, "drop"),
            complainant_key=self.column_list(personal, "complainant_key"),
            combine=self.parse_combine(),
        )
        self.check_consistency(profile)
        return profile

    def text(self, table: dict, key: str, default: str | None, where: str) -> str | None:
        value = table.get(key, default)
        if value is not None and not isinstance(value, str):
            raise self.fail(f"[{where}] {key}", "must be a string")
        return value

    def choice(self, table: dict, key: str, allowed: tuple[str, ...], default: str | None, where: str) -> str | None:
        value = self.text(table, key, default, where)
        if value is not None and value not in allowed:
            raise self.fail(f"[{where}] {key}", f"'{value}' is not one of {', '.join(allowed)}")
        return value

    def positive_int(self, table: dict, key: str, default: int) -> int:
        value = table.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise self.fail(f"[source] {key}", "must be a whole number from 1 (the first row)")
        return value

    def column_list(self, table: dict, key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.fail(f"[personal] {key}", "must be a list of column names")
        return tuple(value)

    def field_map(self, table: dict, where: str) -> dict[str, str]:
        """A table whose keys are canonical field names and whose values are strings."""
        if not isinstance(table, dict):
            raise self.fail(f"[{where}]", "must be a table of canonical field = source column")
        for key, value in table.items():
            if key not in FIELD_BY_NAME:
                raise self.fail(f"[{where}] {key}", "not a canonical field (see `complaint-audit schema`)")
            if key in _UNMAPPABLE:
                raise self.fail(f"[{where}] {key}", "is set by the loader and cannot be mapped")
            if not isinstance(value, str):
                raise self.fail(f"[{where}] {key}", "must be a string")
        return dict(table)

    def parse_stage_columns(self, stages: dict) -> dict[str, dict[str, str]]:
        if not isinstance(stages, dict):
            raise self.fail("[layout.stages]", "must hold one table per stage, such as [layout.stages.1]")
        allowed = [stage.value for stage in Stage]
        parsed = {}
        for label, table in stages.items():
            if label not in allowed:
                raise self.fail(f"[layout.stages.{label}]", f"not a stage (allowed: {', '.join(allowed)})")
            parsed[label] = self.field_map(table, f"layout.stages.{label}")
            if "stage" in parsed[label]:
                raise self.fail(f"[layout.stages.{label}] stage", "the table's name already says the stage")
        return parsed

    def parse_combine(self) -> dict[str, str] | None:
        """`[combine] field = "rule"`: checked against the rules each field's kind allows."""
        if "combine" not in self.document:
            return None
        table = self.table("combine")
        for key, rule in table.items():
            where = f"[combine] {key}"
            if key not in FIELD_BY_NAME:
                raise self.fail(where, "not a canonical field (see `complaint-audit schema`)")
            if key not in COMBINABLE:
                raise self.fail(where, "rows are combined by organisation, case_id and stage, and the loader sets "
                                       "source, source_file, source_row, combined_rows and complainant_key: no rule here")
            if not isinstance(rule, str) or rule not in allowed_rules(key):
                raise self.fail(where, f"{_shown(rule)} is not a rule for {key} (allowed: {', '.join(allowed_rules(key))})")
        return dict(table)

    def parse_values(self, table: dict) -> dict[str, dict[str, str]]:
        """`[values.FIELD] canonical = [source labels]` -> {field: {normalised label: canonical}}."""
        parsed: dict[str, dict[str, str]] = {}
        for field_name, mapping in table.items():
            where = f"[values.{field_name}]"
            canonical_field = FIELD_BY_NAME.get(field_name)
            if canonical_field is None or canonical_field.kind not in ("enum", "string"):
                raise self.fail(where, "value mappings apply to enumerated or text fields only")
            if not isinstance(mapping, dict):
                raise self.fail(where, "must be a table of canonical value = [source labels]")
            lookup = {}
            for target, labels in mapping.items():
                if canonical_field.allowed and target not in canonical_field.targets:
                    raise self.fail(f"{where} {target}", f"not an allowed value (allowed: {', '.join(canonical_field.targets)})")
                labels = [labels] if isinstance(labels, str) else labels
                if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
                    raise self.fail(f"{where} {target}", "must be a label or a list of labels")
                for label in labels:
                    key = normalise_label(label)
                    if lookup.get(key, target) != target:
                        raise self.fail(where, f"'{label}' is mapped to both '{lookup[key]}' and '{target}'")
                    lookup[key] = target
            parsed[field_name] = lookup
        return parsed

    def check_consistency(self, profile: Profile) -> None:
        both = sorted(set(profile.constants) & set(profile.columns))
        if both:
            raise self.fail(f"[constants] {both[0]}", "also mapped in [columns]; keep one")
        for field_name, value in profile.constants.items():
            allowed = FIELD_BY_NAME[field_name].targets
            mapped = profile.values.get(field_name, {}).get(normalise_label(value), value)
            if allowed and mapped not in allowed:
                raise self.fail(f"[constants] {field_name}", f"'{value}' is not one of {', '.join(allowed)}")
        if profile.layout == "wide":
            if not profile.stage_columns:
                raise self.fail("[layout]", "kind = \"wide\" needs a [layout.stages.N] table per stage")
            if "stage" in profile.columns or "stage" in profile.constants:
                raise self.fail("[columns] stage", "a wide layout takes its stages from [layout.stages.N]")
        elif profile.stage_columns:
            raise self.fail("[layout.stages]", "only a wide layout has per-stage tables; set kind = \"wide\"")
        if profile.layout == "nested" and not profile.stage_list:
            raise self.fail("[layout] list", "kind = \"nested\" needs the key that holds each case's list of stages")
        if profile.layout != "nested" and (profile.stage_list or profile.stage_fields):
            raise self.fail("[layout]", "list and fields belong to kind = \"nested\"")
        source_columns = set(profile.columns.values()) | set(profile.stage_fields.values())
        for stage_map in profile.stage_columns.values():
            source_columns |= set(stage_map.values())
        # A dropped or complainant-key column mapped to a field would be stored as it is, in plain text.
        for key, personal in (("drop", profile.personal_drop), ("complainant_key", profile.complainant_key)):
            personal_mapped = sorted(set(personal) & source_columns)
            if personal_mapped:
                raise self.fail(f"[personal] {key}", f"'{personal_mapped[0]}' holds personal data but is also mapped to a field")
        missing = [name for name in REQUIRED_FIELDS if name not in _UNMAPPABLE and name not in profile.mapped_fields()]
        # organisation may come from audit.toml instead of the profile.
        missing = [name for name in missing if name != "organisation"]
        if missing:
            raise self.fail("[columns]", f"no column or constant for required field '{missing[0]}'")
