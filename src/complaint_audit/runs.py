"""Run folders: one per audit run, with its manifest, kept side by side so runs can be compared.

ROOT/<run id>/ holds what a run read and wrote (README, "Running an audit"). Run ids sort by time, so the
latest earlier run of the same organisation and period kind is the one a new run compares
itself with. Old runs beyond `[history] keep` are removed, oldest first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
import shutil
import tomllib
from pathlib import Path

from complaint_audit.store import atomic_write

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1
_PRIVACY_KEY_LINE = re.compile(r"(?m)^\s*key\s*=.*$")
_REMOVED = "(removed: never written to a run folder)"


def new_run_dir(root: Path, now: dt.datetime | None = None) -> Path:
    """A fresh, empty run folder under ROOT named by the UTC time and a random suffix."""
    now = now or dt.datetime.now(dt.UTC)
    run_dir = Path(root) / f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(4)}"
    run_dir.mkdir(parents=True)
    return run_dir


def config_record(config_path: Path) -> dict:
    """The config as the manifest keeps it: path, SHA-256 of the file, and its text without the key.

    The `key = ...` line is replaced, and then the key's value wherever else it is written: TOML
    can also write it as `privacy.key = ...`, in an inline table or over several lines.
    """
    data = Path(config_path).read_bytes()
    text = data.decode("utf-8")
    secret = _privacy_key(text)
    text = _PRIVACY_KEY_LINE.sub(f'key = "{_REMOVED}"', text)
    if secret:
        for written in sorted({secret, json.dumps(secret)[1:-1]}, key=len, reverse=True):
            text = text.replace(written, _REMOVED)
    return {"path": str(config_path), "sha256": hashlib.sha256(data).hexdigest(), "text": text}


def _privacy_key(text: str) -> str | None:
    try:
        privacy = tomllib.loads(text).get("privacy")
    except tomllib.TOMLDecodeError:
        return None
    key = privacy.get("key") if isinstance(privacy, dict) else None
    return key if isinstance(key, str) else None


def write_manifest(run_dir: Path, manifest: dict) -> None:
    document = json.dumps({"manifest_version": MANIFEST_VERSION, **manifest}, indent=2, default=str)
    atomic_write(run_dir / MANIFEST, lambda tmp: tmp.write_text(document + "\n", encoding="utf-8"))


def read_manifest(run_dir: Path) -> dict:
    return json.loads((Path(run_dir) / MANIFEST).read_text(encoding="utf-8"))


def previous_run(root: Path, run_dir: Path, organisation: str | None, period_kind: str | None) -> str | None:
    """The latest run before this one, of the same organisation and period kind, by folder name."""
    earlier = [folder for folder in _runs(root) if folder.name < run_dir.name]
    for folder in reversed(earlier):
        manifest = read_manifest(folder)
        period = manifest.get("period") or {}
        if manifest.get("organisation") == organisation and period.get("kind") == period_kind:
            return folder.name
    return None


def prune_runs(root: Path, keep: int) -> list[str]:
    """Remove all but the newest `keep` runs; the names of those removed."""
    runs = _runs(root)
    removed = runs[: max(0, len(runs) - keep)]
    for folder in removed:
        shutil.rmtree(folder)
    return [folder.name for folder in removed]


def _runs(root: Path) -> list[Path]:
    """Finished runs (those with a manifest) under ROOT, oldest first."""
    return sorted(folder for folder in Path(root).iterdir() if (folder / MANIFEST).is_file()) if Path(root).is_dir() else []
