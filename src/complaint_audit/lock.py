"""One writer at a time: an operating-system lock on a file in the folder a run or a load writes into.

A second `run` into the same output folder, or a second `load` into the same store, while the
first is still going would interleave their files; it is refused with a clear message instead.
The lock is filelock's: flock on POSIX systems, LockFileEx on Windows. The operating system
releases it when the process ends, however it ends, so a lock left by a run killed part-way
never blocks the next; nothing asks whether a recorded process id is alive (os.kill(pid, 0),
the POSIX way, terminates the process on Windows). The lock file itself stays in the folder
on POSIX systems: its presence means nothing, only the lock held on it does.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from complaint_audit.errors import UserError

LOCK_NAME = ".complaint-audit.lock"


@contextlib.contextmanager
def exclusive(folder: Path, doing: str) -> Iterator[None]:
    """Hold FOLDER's lock while the block runs; refuse at once if another process holds it."""
    folder = Path(folder)
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(folder / LOCK_NAME)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise UserError(f"{folder}: another complaint-audit process is {doing} there; wait for it to finish") from None
    try:
        yield
    finally:
        lock.release()
        if created:
            _remove_if_empty(folder)  # a load that failed before writing leaves no empty store behind


def _remove_if_empty(folder: Path) -> None:
    """Remove FOLDER if it holds nothing but its lock file."""
    if set(os.listdir(folder)) <= {LOCK_NAME}:
        (folder / LOCK_NAME).unlink(missing_ok=True)
        folder.rmdir()
