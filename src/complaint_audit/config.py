"""audit.toml: what an audit loads and how, parsed and checked before anything runs.

Paths in the file are relative to the file itself, so an audit folder can be moved or
archived whole. Every problem is a UserError naming the file and the key.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path

from complaint_audit.calendar import NATIONS
from complaint_audit.errors import UserError

_ALLOWED = {
    "": {"organisation", "period", "calendar", "privacy", "sources"},
    "calendar": {"nation", "closure_days"},
    "privacy": {"key"},
    "sources": {"profile", "files"},
}


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
    return AuditConfig(
        path=path,
        organisation=text(document.get("organisation"), "organisation"),
        period=text(document.get("period"), "period"),
        nation=nation,
        closure_days=tuple(closure_days),
        privacy_key=text(privacy.get("key"), "privacy.key"),
        sources=tuple(sources),
    )
