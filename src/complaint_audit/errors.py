"""The one exception type that reaches the user as a one-line message and an exit status,
and the one place where the operating system's errors become such messages."""

from __future__ import annotations

import contextlib
import errno
from collections.abc import Iterator
from pathlib import Path

from complaint_audit.paths import text_without_surrogates


class UserError(Exception):
    """Bad input or arguments: shown as one line on stderr, never as a traceback.

    The message names the file, row or column at fault and what to do about it.
    """

    def __init__(self, message: str, exit_code: int = 2):
        # A message names files, whose names may hold bytes that are not UTF-8: written out as
        # \\xNN here, so printing or logging the message can never fail on them.
        super().__init__(text_without_surrogates(message))
        self.exit_code = exit_code


# What went wrong, and what to do, by the operating system's error number (EDQUOT first: where
# the system has none, ENOSPC's line replaces it).
_ADVICE = {
    getattr(errno, "EDQUOT", errno.ENOSPC): "over the disk quota; free some space, or give a folder on another disk, and try again",
    errno.ENOSPC: "no space left on the disk; free some space, or give a folder on another disk, and try again",
    errno.EROFS: "the disk is read-only; give a folder on a disk you can write to",
    errno.EACCES: "permission denied; give a file or folder this user may read and write, or ask for access",
    errno.EPERM: "not permitted; give a file or folder this user may read and write, or ask for access",
    errno.ENAMETOOLONG: "the name is too long for the file system; give a shorter folder or file name",
    errno.EEXIST: "a file is in the way where a folder is needed; give a folder, or move the file away",
    errno.ENOTDIR: "part of this path is a file, not a folder; give a path whose every part is a folder",
    errno.EISDIR: "a folder, where a file is needed; give a file",
    errno.ENOENT: "not found; check the path",
}


def disk_error(error: OSError) -> UserError:
    """A file-system error as one line naming the path, what went wrong and what to do."""
    advice = _ADVICE.get(error.errno) or f"{error.strerror or error}; check the disk and the path, and try again"
    path = error.filename2 or error.filename  # of a rename, the name being written
    return UserError(f"{path}: {advice}" if path else f"while writing files: {advice}")


@contextlib.contextmanager
def writing_into(folder: Path) -> Iterator[None]:
    """Name FOLDER in a file-system error that names no file: a disk that fills up mid-write
    (Arrow's writers, a closing file) says only 'No space left on device'."""
    try:
        yield
    except OSError as error:
        if not (error.filename or error.filename2):
            error.filename = str(folder)
        raise
