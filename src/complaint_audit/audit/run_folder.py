"""A run folder's layout and its manifest: the one module that knows their file names and keys.

RUN_DIR holds manifest.json (what the run read and how: written last, it makes the folder a
finished run), results.json, the exceptions, quarantine.csv, the store, run.log and the
report. Every other module asks RunFolder for a file and reads the manifest as a Manifest, so
a name or a key is written once. The manifest's JSON is read back as tolerantly as runs of
earlier versions need: a key they did not write takes its default.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from complaint_audit.calendar import WorkingCalendar
from complaint_audit.config import Period, RecordedConfig, ReportConfig, Standard
from complaint_audit.errors import UserError
from complaint_audit.store import Store, atomic_write

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1
RESULTS = "results.json"
EXCEPTIONS = tuple(f"exceptions.{format}" for format in ("parquet", "csv", "xlsx"))
QUARANTINE = "quarantine.csv"
TRACKER = "recommendations.xlsx"  # the action plan as a workbook the committee keeps up (report/tracker.py)
STORE = "store"
RUN_LOG = "run.log"
ORGANISATIONS = "organisations"  # RUN_DIR/organisations/<folder name>/: one organisation's run, in a run of several
# The [report] settings a run keeps: `templates` is a folder on the auditor's machine, given again to re-render.
_REPORT_RECORDED = ("title", "audience", "marking", "author", "free_text", "suppress_below")
_PRIVACY_KEY_LINE = re.compile(r"(?m)^\s*key\s*=.*$")
_REMOVED = "(removed: never written to a run folder)"


@dataclass(frozen=True)
class ConfigFile:
    """audit.toml as the manifest keeps it: its path, the SHA-256 of the file, and its text without the key."""

    path: str | None = None
    sha256: str | None = None
    text: str = ""

    @classmethod
    def of(cls, config_path: Path) -> ConfigFile:
        """The `key = ...` line is replaced, and then the key's value wherever else it is written:
        TOML can also write it as `privacy.key = ...`, in an inline table or over several lines."""
        data = Path(config_path).read_bytes()
        text = data.decode("utf-8")
        secret = _privacy_key(text)
        text = _PRIVACY_KEY_LINE.sub(f'key = "{_REMOVED}"', text)
        if secret:
            for written in sorted({secret, json.dumps(secret)[1:-1]}, key=len, reverse=True):
                text = text.replace(written, _REMOVED)
        return cls(str(config_path), hashlib.sha256(data).hexdigest(), text)


@dataclass(frozen=True)
class Manifest:
    """manifest.json, typed. The entries of `inputs`, `letters`, `reviews`, `checks`,
    `ombudsman` and `regulator` stay the JSON objects the loader, the letters and the checks record."""

    run_id: str | None = None
    tool_version: str | None = None
    started_at: dt.datetime | None = None  # to the microsecond: it orders runs of the same second
    command_line: tuple[str, ...] = ()
    config_file: ConfigFile = ConfigFile()
    settings: RecordedConfig = RecordedConfig()  # organisation, period, calendar, standard, report
    as_of: dt.date | None = None
    inputs: tuple[dict, ...] = ()
    letters: dict | None = None
    reviews: tuple[dict, ...] = ()
    checks: tuple[dict, ...] = ()
    previous_run: str | None = None  # a folder name beside this one, or a path from this folder's parent
    ombudsman: dict | None = None
    regulator: tuple[dict, ...] = ()  # the regulator's workbooks read ([regulator]): each one's file, SHA-256, year
    organisations: tuple[dict, ...] = ()  # a run of several: each organisation and its folder
    comparison: tuple[str, ...] = ()  # a run of several: the comparison's files
    store: str | None = None  # one organisation's folder in a run of several: the run's store, from here
    timings: dict[str, float] = field(default_factory=dict)
    finished_at: dt.datetime | None = None

    @property
    def finished(self) -> bool:
        """Whether the run finished: its last step records when, with the time zone."""
        return _aware(self.finished_at)

    @property
    def shares_store(self) -> bool:
        """Whether this folder reads the records of its organisation from its run's store."""
        return self.store is not None

    def to_json(self) -> dict:
        return {
            "manifest_version": MANIFEST_VERSION,
            "run_id": self.run_id,
            "tool_version": self.tool_version,
            "started_at": _iso(self.started_at),
            "command_line": list(self.command_line),
            "config": dataclasses.asdict(self.config_file),
            **_settings_record(self.settings),
            "as_of": _iso(self.as_of),
            "inputs": list(self.inputs),
            **({"letters": self.letters} if self.letters is not None else {}),
            "reviews": list(self.reviews),
            "checks": list(self.checks),
            "previous_run": self.previous_run,
            **({"ombudsman": self.ombudsman} if self.ombudsman is not None else {}),
            **({"regulator": list(self.regulator)} if self.regulator else {}),
            **({"organisations": list(self.organisations), "comparison": list(self.comparison)} if self.organisations else {}),
            **({"store": self.store} if self.store is not None else {}),
            **({"finished_at": _iso(self.finished_at)} if self.finished_at is not None else {}),
            **({"timings": self.timings} if self.timings else {}),  # none in an organisation's folder
        }

    @classmethod
    def from_json(cls, document: object) -> Manifest:
        """A manifest read back; ValueError when DOCUMENT is not one this tool wrote."""
        if not isinstance(document, dict):
            raise ValueError("not a JSON object")
        get = document.get
        try:
            config = get("config") or {}
            return cls(
                run_id=get("run_id"),
                tool_version=get("tool_version"),
                started_at=_time(get("started_at")),
                command_line=tuple(get("command_line") or ()),
                config_file=ConfigFile(**{key: config[key] for key in ("path", "sha256", "text") if key in config}),
                settings=_settings(document),
                as_of=dt.date.fromisoformat(get("as_of")) if get("as_of") else None,
                inputs=tuple(get("inputs") or ()),
                letters=get("letters"),
                reviews=tuple(get("reviews") or ()),
                checks=tuple(get("checks") or ()),
                previous_run=get("previous_run"),
                ombudsman=get("ombudsman"),
                regulator=tuple(get("regulator") or ()),
                organisations=tuple(get("organisations") or ()),
                comparison=tuple(get("comparison") or ()),
                store=get("store"),
                timings=dict(get("timings") or {}),
                finished_at=_time(get("finished_at")),
            )
        except (TypeError, KeyError, AttributeError) as error:  # a value of the wrong kind
            raise ValueError(f"not a manifest this tool wrote ({type(error).__name__}: {error})") from None


@dataclass(frozen=True)
class RunFolder:
    """A run folder: where each of its files is, and its manifest read and written."""

    path: Path

    def __post_init__(self):
        object.__setattr__(self, "path", Path(self.path))

    @property
    def manifest_file(self) -> Path:
        return self.path / MANIFEST

    @property
    def results_file(self) -> Path:
        return self.path / RESULTS

    @property
    def quarantine_file(self) -> Path:
        return self.path / QUARANTINE

    @property
    def log_file(self) -> Path:
        return self.path / RUN_LOG

    @property
    def own_store(self) -> Path:
        """Where a run writes its store; one organisation's folder in a run of several has none."""
        return self.path / STORE

    def exceptions_file(self, format: str) -> Path:
        """exceptions.parquet (what the report reads), .csv or .xlsx."""
        return self.path / f"exceptions.{format}"

    def report_file(self, format: str) -> Path:
        return self.path / f"report.{format}"

    @property
    def tracker_file(self) -> Path:
        return self.path / TRACKER

    def is_run(self) -> bool:
        """Whether the folder holds what the report and the comparison read: results.json and manifest.json."""
        return self.results_file.is_file() and self.manifest_file.is_file()

    def manifest(self) -> Manifest:
        """The manifest, whether or not the run finished; a UserError naming the file when it cannot be read."""
        try:
            return Manifest.from_json(json.loads(self.manifest_file.read_text(encoding="utf-8")))
        except UnicodeDecodeError:
            raise UserError(f"{self.manifest_file}: not UTF-8 text; is it the file `complaint-audit run` wrote?") from None
        except json.JSONDecodeError as error:
            raise UserError(f"{self.manifest_file}: not valid JSON ({error.msg} at line {error.lineno}); "
                            "is the run complete?") from None
        except ValueError as error:
            raise UserError(f"{self.manifest_file}: {error}") from None

    def finished_manifest(self) -> Manifest | None:
        """The manifest of a run that finished here, or None when there is none.

        None for a run killed or failed part-way (no manifest yet, or the first one, without
        `finished_at`) and for anything this tool did not write: a manifest that is a link, not
        JSON, not an object of the manifest's keys, or has no finish time.
        """
        if self.manifest_file.is_symlink() or not self.manifest_file.is_file():
            return None
        try:
            manifest = Manifest.from_json(json.loads(self.manifest_file.read_text(encoding="utf-8")))
        except (OSError, ValueError):  # ValueError: not UTF-8, not JSON, not a manifest
            return None
        return manifest if manifest.finished else None

    def write_manifest(self, manifest: Manifest) -> None:
        """Write the manifest through a temporary file: a reader sees the earlier one or this one, whole.

        The run writes it twice: before the report (which reads it), then with `finished_at` as its
        very last step, which is what makes the folder a finished run.
        """
        document = json.dumps(manifest.to_json(), indent=2, default=str)
        atomic_write(self.manifest_file, lambda tmp: tmp.write_text(document + "\n", encoding="utf-8"))

    def store(self, manifest: Manifest) -> Store:
        """The run's store: its own, or for one organisation's folder in a run of several, the run's
        (the manifest's `store`, relative to the folder: see audit/per_organisation.py)."""
        return Store(self.path / manifest.store if manifest.store is not None else self.own_store)


def _settings_record(settings: RecordedConfig) -> dict:
    """The audit.toml settings the report is written from, as the manifest keeps them at its top level."""
    period, calendar = settings.period, settings.calendar
    return {
        "organisation": settings.organisation,
        "period": {"label": period.label, "start": period.start.isoformat(), "end": period.end.isoformat(),
                   "kind": period.kind} if period else None,
        "nation": calendar.nation,
        "calendar": {**calendar.place, "closure_days": [day.isoformat() for day in calendar.closure_days]},
        "standard": settings.standard.record(),
        "report": {**{key: getattr(settings.report, key) for key in _REPORT_RECORDED},
                   "committee_date": _iso(settings.report.committee_date), "owners": dict(settings.report.owners)},
    }


def _settings(document: dict) -> RecordedConfig:
    """The settings read back; a run of an earlier version may lack its calendar (only the nation) and the closure days."""
    period, standard, report = document.get("period"), document.get("standard"), document.get("report") or {}
    place = document.get("calendar") or {"nation": document.get("nation") or "england"}
    closure_days = place["closure_days"] if "closure_days" in place else _closure_days_in_text(document)
    return RecordedConfig(
        organisation=document.get("organisation"),
        period=Period(period["label"], dt.date.fromisoformat(period["start"]), dt.date.fromisoformat(period["end"]),
                      period.get("kind", "dates")) if period else None,
        calendar=WorkingCalendar(place.get("nation"), tuple(closure_days), place.get("country") or "GB",
                                 place.get("subdivision")),
        standard=Standard(**standard) if standard else Standard(),
        report=ReportConfig(**{key: report[key] for key in _REPORT_RECORDED if key in report},
                            committee_date=dt.date.fromisoformat(report["committee_date"]) if report.get("committee_date") else None,
                            owners=tuple((report.get("owners") or {}).items())),
    )


def _closure_days_in_text(document: dict) -> list[str]:
    """The closure days of a run made before manifests recorded them: only its copy of audit.toml has them."""
    config = tomllib.loads((document.get("config") or {}).get("text") or "")
    return [str(day) for day in config.get("calendar", {}).get("closure_days", [])]


def _privacy_key(text: str) -> str | None:
    try:
        privacy = tomllib.loads(text).get("privacy")
    except tomllib.TOMLDecodeError:
        return None
    key = privacy.get("key") if isinstance(privacy, dict) else None
    return key if isinstance(key, str) else None


def _time(value: object) -> dt.datetime | None:
    """An ISO time as the manifest records it, or None; manifests of this tool give the zone."""
    try:
        return dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _aware(moment: dt.datetime | None) -> bool:
    return moment is not None and moment.tzinfo is not None


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None
