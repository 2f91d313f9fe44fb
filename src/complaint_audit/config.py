"""audit.toml: what an audit loads and how, parsed and checked before anything runs.

Paths in the file are relative to the file itself, so an audit folder can be moved or
archived whole. Every problem is a UserError naming the file and the key.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from complaint_audit.calendar import NATIONS
from complaint_audit.errors import UserError

_ALLOWED = {
    "": {"organisation", "period", "as_of", "calendar", "privacy", "sources", "checks"},
    "calendar": {"nation", "closure_days"},
    "privacy": {"key"},
    "sources": {"profile", "files"},
    "checks": {"select", "ignore", "paths", "params"},
}


@dataclass(frozen=True)
class ChecksConfig:
    """`[checks]`: which checks run (codes or prefixes), local check folders, per-check parameters."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    paths: tuple[Path, ...] = ()
    params: dict[str, dict] = field(default_factory=dict)


def period_end(period: str) -> dt.date:
    """The last day of a period: a financial year '2023-24' ends on 31 March 2024."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", period)
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise UserError(f"period '{period}' is not a financial year such as 2023-24")
    return dt.date(int(match[1]) + 1, 3, 31)


@dataclass(frozen=True)
class SourceEntry:
    """One `[[sources]]` entry: a profile and the files (or globs) it reads."""

    profile: Path
    files: tuple[str, ...]


@dataclass(frozen=True)
class AuditConfig:
    path: Path
    organisation: str | None = None
    period: str | None = None
    nation: str = "england"
    closure_days: tuple[dt.date, ...] = ()
    privacy_key: str | None = None
    sources: tuple[SourceEntry, ...] = ()
    as_of: dt.date | None = None
    checks: ChecksConfig = ChecksConfig()

    @property
    def folder(self) -> Path:
        return self.path.parent


def load_config(path: Path) -> AuditConfig:
    path = Path(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{path}: config not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise UserError(f"{path}: not valid TOML: {error}") from None

    def fail(where: str, message: str) -> UserError:
        return UserError(f"{path}: {where}: {message}")

    def table(name: str, value: object) -> dict:
        if not isinstance(value, dict):
            raise fail(name or "top level", "must be a table")
        unknown = sorted(set(value) - _ALLOWED[name])
        if unknown:
            raise fail(f"{name + '.' if name else ''}{unknown[0]}", f"unknown key (allowed: {', '.join(sorted(_ALLOWED[name]))})")
        return value

    def text(value: object, where: str) -> str | None:
        if value is not None and not isinstance(value, str):
            raise fail(where, "must be a string")
        return value

    table("", document)
    calendar = table("calendar", document.get("calendar", {}))
    privacy = table("privacy", document.get("privacy", {}))
    closure_days = []
    for day in calendar.get("closure_days", []):
        try:
            closure_days.append(day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)))
        except ValueError:
            raise fail("calendar.closure_days", f"'{day}' is not a date (write 2023-12-27)") from None
    nation = text(calendar.get("nation", "england"), "calendar.nation")
    if nation not in NATIONS:
        raise fail("calendar.nation", f"'{nation}' is not one of {', '.join(NATIONS)}")
    sources = []
    raw_sources = document.get("sources", [])
    if not isinstance(raw_sources, list):
        raise fail("sources", "write each source as a [[sources]] table")
    for number, entry in enumerate(raw_sources, start=1):
        entry = table("sources", entry)
        profile = text(entry.get("profile"), f"sources #{number} profile")
        files = entry.get("files", [])
        files = [files] if isinstance(files, str) else files
        if not profile or not files or not all(isinstance(f, str) for f in files):
            raise fail(f"sources #{number}", "needs profile = \"PROFILE.toml\" and files = [\"EXPORT\", ...]")
        sources.append(SourceEntry(Path(profile), tuple(files)))
    checks = table("checks", document.get("checks", {}))

    def codes(key: str) -> tuple[str, ...]:
        value = checks.get(key, [])
        if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
            raise fail(f"checks.{key}", "must be a list of check codes or prefixes, such as [\"TS\", \"CSC002\"]")
        return tuple(value)

    params = checks.get("params", {})
    if not isinstance(params, dict) or not all(isinstance(v, dict) for v in params.values()):
        raise fail("checks.params", "write one table per check: [checks.params.TS002]")
    as_of = document.get("as_of")
    if as_of is not None and not isinstance(as_of, dt.date):
        try:
            as_of = dt.date.fromisoformat(str(as_of))
        except ValueError:
            raise fail("as_of", f"'{as_of}' is not a date (write 2024-03-31)") from None
    period = text(document.get("period"), "period")
    if period is not None:
        try:
            period_end(period)
        except UserError as error:
            raise fail("period", str(error)) from None
    return AuditConfig(
        path=path,
        organisation=text(document.get("organisation"), "organisation"),
        period=period,
        nation=nation,
        closure_days=tuple(closure_days),
        privacy_key=text(privacy.get("key"), "privacy.key"),
        sources=tuple(sources),
        as_of=as_of,
        checks=ChecksConfig(codes("select"), codes("ignore"), tuple(path.parent / p for p in codes("paths")), dict(params)),
    )
