"""One writer at a time: a lock file in a folder that a run or a load writes into.

A second `run` into the same output folder, or a second `load` into the same store, while the
first is still going would interleave their files; it is refused with a clear message instead.
A lock left by a process that no longer exists (killed part-way) is taken over.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from complaint_audit.errors import UserError

LOCK_NAME = ".complaint-audit.lock"


@contextlib.contextmanager
def exclusive(folder: Path, doing: str) -> Iterator[None]:
    """Hold FOLDER's lock while the block runs; refuse if a live process holds it."""
    folder = Path(folder)
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    lock = folder / LOCK_NAME
    for _attempt in range(2):
        try:
            descriptor = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            holder = _holder(lock)
            if holder is not None and _alive(holder):
                raise UserError(
                    f"{folder}: another complaint-audit process (pid {holder}) is {doing} there; "
                    f"wait for it to finish, or remove {lock} if it is not running"
                ) from None
            lock.unlink(missing_ok=True)  # left by a process that died: take it over
            continue
        with os.fdopen(descriptor, "w") as handle:
            handle.write(str(os.getpid()))
        break
    else:
        raise UserError(f"{folder}: could not take the lock {lock}; remove it if no run is going")
    try:
        yield
    finally:
        lock.unlink(missing_ok=True)
        if created and not any(folder.iterdir()):
            folder.rmdir()  # a load that failed before writing leaves no empty store behind


def _holder(lock: Path) -> int | None:
    try:
        return int(lock.read_text().strip())
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's
        return True
    return True
