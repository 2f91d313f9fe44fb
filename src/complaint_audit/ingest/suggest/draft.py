"""`complaint-audit profile suggest`: a draft source profile for an export nobody has mapped yet.

The export's format (ingest/formats/) reads a sample of the file and says how to read it (encoding,
delimiter, header row, sheet, JSON records); columns.py says what each column holds (distinct
values, dates and their order from dates.py, personal data from personal.py); guess.py picks the stage
layout and, for each canonical field, the column whose header is most like the field's usual
names and whose values fit. This module assembles that into TOML: every guess is written with
`# confirm: <why>`, the enumerated values with a guessed canonical value each, and placeholders
for what the file does not say, so a new user gets to a loaded store by editing, not writing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import tomlkit
import tomlkit.items

from complaint_audit.errors import UserError
from complaint_audit.ingest.combine_rules import propose_rules, repeated_rows
from complaint_audit.ingest.convert import text_values
from complaint_audit.ingest.dates import parse_dates
from complaint_audit.ingest.formats.tables import Sample
from complaint_audit.ingest.limits import check_input_file
from complaint_audit.ingest.profile import Profile, normalise_label
from complaint_audit.ingest.suggest.columns import ColumnFacts, describe_columns
from complaint_audit.ingest.suggest.guess import (
    MAPPABLE,
    Layout,
    Match,
    childrens_signs,
    fill_required,
    guess_value,
    header_score,
    map_fields,
    misfit,
    process_named_in,
    stage_mark,
)
from complaint_audit.schema import FIELD_BY_NAME, FIELD_NAMES, Stage
from complaint_audit.toml_file import toml_comment

ORGANISATION_PLACEHOLDER = "CHANGE ME: the council's name"


@dataclass(frozen=True)
class _Line:
    key: str
    value: object  # str, int or list of str
    why: str
    item_whys: tuple[str, ...] = ()  # one comment per list item: written as a multi-line array


@dataclass
class _Table:
    name: str
    lines: list[_Line] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # comment lines under the header
    commented: list[str] = field(default_factory=list)  # commented-out lines at the end, without their '# '


@dataclass(frozen=True)
class Draft:
    """A draft profile, and the case references its sample holds (init guesses the letters' pattern from them)."""

    text: str  # TOML that load_profile parses
    case_references: tuple[str, ...]


def suggest_profile(path: Path, *, name: str | None = None) -> str:
    """A draft profile (TOML text that load_profile parses) for the export at PATH."""
    return draft_profile(path, name=name).text


def draft_profile(path: Path, *, name: str | None = None) -> Draft:
    """The draft profile for the export at PATH, with the case references of the sample it read."""
    path = Path(path)
    check_input_file(path)
    export = Profile(path=path, name="draft").format_for(path)
    sample = export.sample(path)
    if sample.frame.columns.empty:
        raise UserError(f"{path}: found no columns to suggest a profile for")
    tables, layout = _assemble(path, export.name, sample, name)
    case_id = layout.columns.get("case_id")
    references = tuple(sample.frame[case_id.column.name].dropna().astype("str")) if case_id else ()
    return Draft(_render(path, sample, tables), references)


# --- assembling the draft --------------------------------------------------------------------


# Findings only a police complaints procedure records: an officer's conduct sustained or not, exonerated, unfounded.
_POLICE_FINDINGS = r"\b(?:not )?sustained\b|\bexonerated\b|\bunfounded\b"


def _process_guess(columns: list[ColumnFacts], childrens: bool, date_order: str) -> tuple[str, str]:
    """The procedure, from what the columns say; never from the file's name, which is whatever someone typed."""
    if childrens:
        return "childrens_statutory", "adjudication, investigating officer or panel columns suggest the children's procedure"
    for column in (column for column in columns if column.counts and not column.dates):
        named = [(process_named_in(normalise_label(label)), label, count) for label, count in column.counts]
        for process in ("adult_social_care", "childrens_statutory", "housing"):
            labels = [(label, count) for found, label, count in named if found == process]
            if sum(count for _, count in labels) >= 0.8 * column.filled:
                shown = " or ".join(f"'{label}'" for label, _ in labels[:2])
                return process, f"'{column.name}' is {shown} in most rows"
    for column in (column for column in columns if column.counts and not column.dates):
        found = [(label, count) for label, count in column.counts if re.search(_POLICE_FINDINGS, normalise_label(label))]
        if sum(count for _, count in found) >= 0.5 * column.filled:
            return "other", (f"'{column.name}' records police findings ('{found[0][0]}'): a police complaints procedure, "
                             "which no council procedure's rules measure")
    landlord = next((column for column in columns if re.search(r"\b(?:landlord|tenant|tenancy|leaseholder)\b", column.label)), None)
    if landlord:
        return "housing", f"the column '{landlord.name}' says the complaints are about a landlord"
    if date_order == "mdy":
        return "other", ("the dates are month-first, so the export is not from the UK: "
                         "no UK statutory procedure applies")
    return "corporate", "no column says which procedure applies; corporate is the usual one"


def _date_order(columns: list[ColumnFacts]) -> tuple[str, str]:
    """One day/month order for the whole profile, from every date column's evidence."""
    by_order = {order: [c for c in columns if c.dates.order == order] for order in ("dmy", "mdy", "ymd", "ambiguous", "conflict")}

    def cite(shown: list[ColumnFacts]) -> str:
        return ", ".join(f"'{column.name}' has {column.dates.example}" for column in shown[:2])

    day, month = by_order["dmy"], by_order["mdy"]
    if by_order["conflict"] or (day and month):
        order = "mdy" if len(month) > len(day) else "dmy"
        return order, (f"conflicting orders ({cite(by_order['conflict'] + day + month)}); a profile has one order, "
                       f"and dates readable only the other way are quarantined as date_order")
    if day:
        return "dmy", f"dates look day-first: {cite(day)}"
    if month:
        return "mdy", f"dates look month-first: {cite(month)}"
    if by_order["ymd"]:
        return "ymd", f"dates are written year first: {cite(by_order['ymd'])}"
    if by_order["ambiguous"]:
        return "dmy", (f"no text date in the sample shows the order (no day above 12: {cite(by_order['ambiguous'])}); "
                       f"day-first assumed, as UK exports usually are")
    kinds = list(dict.fromkeys(kind for column in columns for kind in column.dates.kinds))
    if "text dates" in kinds:
        return "dmy", "no text date in the sample shows the order; day-first assumed, as UK exports usually are"
    if kinds:
        return "dmy", f"the dates are {' and '.join(kinds)}, which read the same in any order"
    return "dmy", "no dates found in the sample"


def _date_detail(column: ColumnFacts, order: str, date_format: str | None) -> str:
    facts = column.dates
    if column.filled == 0:
        return "no values in the sample"
    if facts is None:
        return "its values are not dates"
    shown = {
        "dmy": f"look day-first ({facts.example})",
        "mdy": f"look month-first ({facts.example})",
        "ymd": f"are written year first ({facts.example})",
        "ambiguous": f"do not show their day/month order ({facts.example})",
        "conflict": f"come in both orders ({facts.example})",
    }.get(facts.order)
    others = [kind for kind in facts.kinds if kind != "text dates"]
    if shown:
        detail = f"dates {shown}" if not others else f"{' and '.join(others)}, and text dates that {shown}"
    else:
        detail = " and ".join(facts.kinds)
    parsed = parse_dates(column.raw, order, date_format)
    bad = parsed.problem.notna()
    if bad.any():
        detail += f"; {bad.sum()} of {column.filled} sample values would be quarantined (e.g. '{parsed.raw_text[bad].iloc[0]}')"
    return detail


def _field_line(field_name: str, match: Match, order: str, date_format: str | None, has_values: bool) -> _Line:
    column, kind = match.column, FIELD_BY_NAME[field_name].kind
    why = match.why
    if kind == "date":
        why += "; " + _date_detail(column, order, date_format)
    elif kind == "enum":
        why += f"; {column.distinct} distinct values" + (f", see [values.{field_name}]" if has_values else ", all canonical")
    elif field_name == "case_id" and column.filled:
        unique = column.distinct == column.filled
        why += "; all sample values distinct" if unique else f"; {column.distinct} distinct in {column.filled} rows"
    return _Line(field_name, column.name, why)


def _values_table(field_name: str, sources: list[ColumnFacts]) -> _Table | None:
    """[values.FIELD]: each source value under its guessed canonical value; unknown ones commented."""
    totals: dict[str, list] = {}
    for column in sources:
        for label, count in column.counts[:30]:
            entry = totals.setdefault(normalise_label(label), [label, 0])
            entry[1] += count
    more = sum(max(column.distinct - 30, 0) for column in sources)
    by_target: dict[str, list[tuple[str, int]]] = {}
    unknown, canonical = [], []
    for label, count in sorted(totals.values(), key=lambda entry: (-entry[1], entry[0])):
        target = guess_value(field_name, label)
        if target is None:
            unknown.append((label, count))
        elif normalise_label(label) == normalise_label(target):
            canonical.append(label)
        else:
            by_target.setdefault(target, []).append((label, count))
    if not by_target and not unknown:
        return None
    table = _Table(f"values.{field_name}")
    if canonical:
        table.notes.append(f"already canonical, accepted as they are: {', '.join(canonical)}")
    for target in FIELD_BY_NAME[field_name].targets:
        if target in by_target:
            rows = sum(count for _, count in by_target[target])
            labels = [label for label, _ in by_target[target]]
            table.lines.append(_Line(target, labels, f"guessed from the wording; {_rows(rows)}"))
    if unknown:
        allowed = ", ".join(FIELD_BY_NAME[field_name].targets)
        table.commented.append(
            f"confirm: map these; until you do, their rows are quarantined as unmapped_value (allowed: {allowed})"
        )
        table.commented += [f"CHOOSE = {tomlkit.item([label]).as_string()}  # {_rows(count)}" for label, count in unknown]
    if more:
        table.commented.append(f"{more} more distinct values in the sample are not listed")
    return table


def _personal_table(columns: list[ColumnFacts], rows: int) -> _Table | None:
    personal = [column for column in columns if column.personal]
    if not personal:
        return None
    drop = _Line("drop", [c.name for c in personal], "these columns are never loaded", tuple(c.personal[1] for c in personal))
    table = _Table("personal", [drop])
    email = [c for c in personal if c.personal[0] == "email"][:1]
    names = _complainant_names(personal)
    key, why = email, "repeat complainants are counted by a keyed hash of this"
    if not email or email[0].filled < 0.9 * rows:
        key = email + names
        if email and names:
            why += f"; the email is blank in {1 - email[0].filled / rows:.0%} of sample rows, so the name is added"
    if key:
        table.lines.append(_Line("complainant_key", [c.name for c in key], why + "; loading needs COMPLAINT_AUDIT_KEY set"))
    return table


def _complainant_names(personal: list[ColumnFacts]) -> list[ColumnFacts]:
    """The columns naming the complainant: 'Complainant Name' before 'First Name', never the child's."""
    ranked = []
    for column in (c for c in personal if c.personal[0] == "name"):
        if re.search(r"\b(?:child|representative|advocate|service user|officer|staff)\b", column.label):
            continue
        ranked.append((0 if re.search(r"\b(?:complainant|contact|customer)\b", column.label) else 1, column))
    best = min((rank for rank, _ in ranked), default=None)
    return [column for rank, column in ranked if rank == best][:2]


def _left_out(columns: list[ColumnFacts], layout: Layout, rows: int, prefix: str = "") -> list[str]:
    """One line per column nothing reads, with the field it might be and why it was not taken."""
    lines = []
    for column in columns:
        label = (stage_mark(column.label) or (None, column.label))[1]
        best = max(MAPPABLE, key=lambda name: header_score(name, label))
        score = header_score(best, label)
        hint = ""
        if score >= 0.7:
            reason = misfit(best, column) or (f"{best} is already mapped" if best in layout.mapped() else None)
            hint = f"; perhaps {best} (header match {score:.2f})" + (f", but {reason}" if reason else "")
        lines.append(f"{prefix}{tomlkit.string(column.name).as_string()} ({column.filled} of {rows} sample rows filled{hint})")
    return lines


def _assemble(path: Path, file_format: str, sample: Sample, name: str | None) -> tuple[list[_Table], Layout]:
    columns = describe_columns(sample.frame)
    stage_columns = describe_columns(sample.stage_frame) if sample.stage_frame is not None else []
    usable = [column for column in columns if not column.personal and column.name != sample.stage_list]
    stage_keys = [column for column in stage_columns if not column.personal]
    childrens = childrens_signs(usable + stage_keys)
    layout = map_fields(sample, usable, stage_keys, childrens)
    fill_required(layout, usable, stage_keys)

    dates = _dates_table(usable + stage_keys, layout)
    order = dates.lines[0].value
    date_format = dates.lines[1].value if len(dates.lines) > 1 else None
    values = {}
    for field_name in (candidate for candidate in FIELD_NAMES if FIELD_BY_NAME[candidate].kind == "enum"):
        sources = [table[field_name].column for table in layout.tables() if field_name in table]
        table = _values_table(field_name, sources) if sources else None
        if table:
            values[field_name] = table

    def field_lines(table: dict[str, Match]) -> list[_Line]:
        return [_field_line(f, table[f], order, date_format, f in values) for f in FIELD_NAMES if f in table]

    layout_table = _Table("layout", [_Line("kind", layout.kind, layout.kind_why)])
    tables = [_source_table(path, file_format, sample, name), dates, layout_table]
    if layout.kind == "nested":
        layout_table.lines.append(_Line("list", sample.stage_list, f"{len(sample.stage_frame):,} stage objects in the sample"))
        tables.append(_Table("layout.fields", field_lines(layout.fields)))
    tables += [_Table(f"layout.stages.{stage}", field_lines(stage_map)) for stage, stage_map in layout.stages.items()]
    constants = _constants_table(layout, usable, childrens, order)
    tables += [table for table in (constants, _Table("columns", field_lines(layout.columns))) if table.lines]
    tables += values.values()
    tables += [table for table in (_combine_table(sample, layout),) if table]
    personal, left_out = _personal_table(columns, sample.rows), _left_out_table(sample, layout, usable, stage_keys)
    tables += [table for table in (personal, left_out) if table]
    return tables, layout


# A sample whose rows (exact copies aside) repeat a case this often has several rows per case;
# more rows per case than _MOST_ROWS_PER_CASE on average, and the case id is more likely the
# wrong column than a case with that many findings: combining would hide that.
_REPEATED_SHARE = 0.01
_MOST_ROWS_PER_CASE = 20


def _combine_table(sample: Sample, layout: Layout) -> _Table | None:
    """[combine] when rows repeat a case (and stage, and organisation, where columns give them).

    Rows that are exact copies of another are left out of the count: a copied row is a slip
    to quarantine as duplicate_record, not a second finding. A nested layout is left alone:
    each of its records is a case holding its own list of stages.
    """
    if layout.kind == "nested" or "case_id" not in layout.columns:
        return None
    key = [name for name in ("organisation", "case_id", "stage") if name in layout.columns]
    copies = sample.frame.astype("str").duplicated().to_numpy()  # as text: JSON lists cannot be hashed
    frame = pd.DataFrame({name: text_values(sample.frame[match.column.name]) for name, match in layout.columns.items()})
    keyed = frame[frame[key].notna().all(axis=1).to_numpy()]
    distinct = frame[~copies].dropna(subset=key)
    if not len(distinct) or repeated_rows(distinct, key) < max(2, _REPEATED_SHARE * len(distinct)):
        return None
    repeats, cases = repeated_rows(keyed, key), len(keyed.drop_duplicates(key))
    named = " and ".join(f"'{layout.columns[name].column.name}'" for name in key)
    if len(keyed) > _MOST_ROWS_PER_CASE * cases:
        return _Table("", notes=[
            f"confirm: the {len(keyed):,} sample rows hold only {cases:,} different {named}: is case_id the right column? "
            "Rows repeating a case are quarantined as duplicate_record; docs/profiles.md, [combine], says how to combine them"])
    sizes = keyed.groupby(key, sort=False).size()
    provided = [name for name in layout.mapped() if name not in key]
    lines = [_Line(name, rule, why) for name, rule, why in propose_rules(keyed, key, provided)]
    return _Table("combine", lines, notes=[
        f"confirm: {repeats:,} of {len(keyed):,} sample rows repeat the {named} of an earlier row ({(sizes > 1).sum():,} "
        f"cases with several rows, up to {sizes.max():,} each): a row per allegation, finding or action? These rules combine "
        "each case's rows into one record per case and stage, keeping how many (docs/profiles.md); delete this table "
        "to quarantine the repeated rows as duplicate_record instead"])


def _source_table(path: Path, file_format: str, sample: Sample, name: str | None) -> _Table:
    slug = re.sub(r"[^a-z0-9]+", "_", path.stem.casefold()).strip("_") or "export"
    source = _Table("source", [
        _Line("name", name or slug, ("" if name else "from the file name; ") + "kept on every record as `source`"),
        _Line("format", file_format, f"from the extension {path.suffix}"),
        *(_Line(key, value, why) for key, (value, why) in sample.settings.items()),
    ])
    if sample.unnamed_columns:
        unnamed = sample.unnamed_columns
        source.notes.append(f"confirm: {unnamed} column(s) hold data under an empty header; name them in the export")
    return source


def _dates_table(columns: list[ColumnFacts], layout: Layout) -> _Table:
    order, why = _date_order([column for column in columns if column.dates])
    dates = _Table("dates", [_Line("order", order, why)])
    mapped = [match.column for table in layout.tables() for match in table.values() if match.column.dates]
    formats = [column.dates.format for column in mapped if column.dates.format]
    if formats:
        date_format = max(sorted(set(formats)), key=formats.count)
        example = next(column.dates.example for column in mapped if column.dates.format == date_format)
        dates.lines.append(_Line("format", date_format, f"dates such as {example} need their form spelled out"))
    return dates


def _constants_table(layout: Layout, usable: list[ColumnFacts], childrens: bool, date_order: str) -> _Table:
    """Required fields no column provides: placeholders that parse, each to be confirmed."""
    constants = _Table("constants")
    mapped = layout.mapped()
    if "organisation" not in mapped:
        why = "no column names the council: write its name here (or delete this line and set it in audit.toml)"
        constants.lines.append(_Line("organisation", ORGANISATION_PLACEHOLDER, why))
    if "process" not in mapped:
        constants.lines.append(_Line("process", *_process_guess(usable, childrens, date_order)))
    if "stage" not in mapped:
        where = "the stage objects have no stage key" if layout.kind == "nested" else "no stage column found"
        constants.lines.append(_Line("stage", Stage.STAGE_1.value, f"{where}: every row is read as Stage 1"))
    return constants


def _left_out_table(sample: Sample, layout: Layout, usable: list[ColumnFacts], stage_keys: list[ColumnFacts]) -> _Table | None:
    used = {match.column.name for table in (layout.columns, *layout.stages.values()) for match in table.values()}
    lines = _left_out([column for column in usable if column.name not in used], layout, sample.rows)
    if layout.kind == "nested":
        used_keys = {match.column.name for match in layout.fields.values()}
        keys = [column for column in stage_keys if column.name not in used_keys]
        lines += _left_out(keys, layout, len(sample.stage_frame), prefix=f"{tomlkit.string(sample.stage_list).as_string()} > ")
    if not lines:
        return None
    return _Table("", notes=["Columns left out (not loaded): map any that hold a canonical field", *lines])


# --- writing TOML ----------------------------------------------------------------------------


def _rows(count: int) -> str:
    return f"{count} sample row" + ("" if count == 1 else "s")


def _render_line(line: _Line) -> tomlkit.items.Item:
    """The line's value as a TOML item with its `# confirm:` comment (one per item of a list that has them)."""
    if line.item_whys:
        value = tomlkit.array()
        for item, why in zip(line.value, line.item_whys, strict=True):
            value.add_line(item, indent="    ", comment=f"confirm: {toml_comment(why)}")
        value.add_line(indent="")
    else:
        value = tomlkit.item(line.value)
    value.comment(f"confirm: {toml_comment(line.why)}")
    value.trivia.comment_ws = "  "
    return value


def _render(path: Path, sample: Sample, tables: list[_Table]) -> str:
    """The draft as TOML, written by tomlkit: whatever a header cell, value or file name holds
    stays a string, and every comment stays one line."""
    extent = "the whole file" if sample.complete else "a sample; the file has more"
    placeholder = any(line.value == ORGANISATION_PLACEHOLDER for table in tables for line in table.lines)
    draft = tomlkit.document()
    for text in [
        f"Draft source profile for {toml_comment(path.name)}, written by `complaint-audit profile suggest`",
        f"from its first {sample.rows:,} data rows ({extent}).",
        "How: the encoding, delimiter and header row were sniffed; each canonical field was matched",
        "to the column whose header is most like the field's usual names and whose values fit",
        "(dates for dates, mappable words for stage, process, raised_via and outcome); the dates",
        "were read for their day/month order; each enumerated value got a guessed canonical value;",
        "columns that look like personal data are dropped.",
        "Every guess ends in '# confirm: <why>'. Check each one, then:",
        *(["  - set [constants] organisation to the council's name;"] if placeholder else []),
        "  - map the values listed under 'confirm: map these' (their rows are quarantined until you do);",
        "  - make sure [personal] drop lists every column with names, contact details or birth dates;",
        "  - look through the columns left out at the end.",
        f"Then: complaint-audit load --store STORE --profile THIS_FILE.toml {toml_comment(path.name)}",
        "Fields and allowed values: `complaint-audit schema`; the profile format: docs/profiles.md.",
    ]:
        draft.add(tomlkit.comment(text))
    for table in tables:
        if not table.name:  # notes only, at the end
            draft.add(tomlkit.nl())
            for note in table.notes:
                draft.add(tomlkit.comment(toml_comment(note)))
            continue
        body = tomlkit.table()
        for note in table.notes:
            body.add(tomlkit.comment(toml_comment(note)))
        for line in table.lines:
            body.add(line.key, _render_line(line))
        for text in table.commented:
            body.add(tomlkit.comment(toml_comment(text)))
        _place(draft, table.name, body)
    return tomlkit.dumps(draft)


def _place(draft: tomlkit.TOMLDocument, dotted_name: str, body: tomlkit.items.Table) -> None:
    """BODY as the table DOTTED_NAME ('values.outcome', 'layout.stages.1'), its parents made as
    tables that only hold tables, so that TOML shows them as [values.outcome], not [values]."""
    *parents, name = dotted_name.split(".")
    container = draft
    for parent in parents:
        if parent not in container:
            container.add(parent, tomlkit.table(is_super_table=True))
        container = container[parent]
    container.add(name, body)
