"""The file system's refusals (a file where a folder goes, a read-only or full disk, a name too
long) are one line naming the path and what to do, exit 2: never 'unexpected OSError'."""

from __future__ import annotations

import errno
import os

from complaint_audit.cli import app
from tests.builders import wide_export
from tests.conftest import SAMPLE_DATA

CONFIG = str(SAMPLE_DATA / "audit.toml")


def test_an_output_folder_that_is_a_file(runner, tmp_path):
    (tmp_path / "runs").write_text("not a folder")
    result = runner.invoke(app, ["run", CONFIG, "--out", str(tmp_path / "runs"), "--format", "md", "--quiet"])
    assert result.exit_code == 2
    assert result.stderr == f"error: {tmp_path / 'runs'}: a file is in the way where a folder is needed; give a folder, or move the file away\n"


def test_an_output_folder_under_a_file(runner, tmp_path):
    (tmp_path / "runs").write_text("not a folder")
    result = runner.invoke(app, ["run", CONFIG, "--out", str(tmp_path / "runs" / "2024"), "--format", "md", "--quiet"])
    assert result.exit_code == 2
    assert result.stderr == (f"error: {tmp_path / 'runs' / '2024'}: part of this path is a file, not a folder; "
                             "give a path whose every part is a folder\n")


def test_an_output_name_too_long_for_the_file_system(runner, tmp_path):
    out = tmp_path / ("runs-" + "x" * 300)
    result = runner.invoke(app, ["run", CONFIG, "--out", str(out), "--format", "md", "--quiet"])
    assert result.exit_code == 2
    assert result.stderr == f"error: {out}: the name is too long for the file system; give a shorter folder or file name\n"


def test_a_read_only_disk(runner, tmp_path, monkeypatch):
    real_mkdir = os.mkdir

    def read_only(path, *args, **kwargs):
        if str(path).startswith(str(tmp_path)):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", read_only)
    result = runner.invoke(app, ["run", CONFIG, "--out", str(tmp_path / "runs"), "--format", "md", "--quiet"])
    assert result.exit_code == 2
    assert result.stderr == f"error: {tmp_path / 'runs'}: the disk is read-only; give a folder on a disk you can write to\n"


def test_a_disk_that_fills_up_during_a_load_is_named_by_the_store(runner, tmp_path, wide_profile, monkeypatch):
    """Arrow's writers say only '[errno 28] No space left on device': the store is named for them."""
    import complaint_audit.store

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "Error writing bytes to file. Detail: [errno 28] No space left on device")

    monkeypatch.setattr(complaint_audit.store.pq, "write_table", full)
    export = wide_export(tmp_path, "C1,MP,,,14/04/2023,28/04/2023,Upheld,,,,")
    result = runner.invoke(app, ["load", "--store", str(tmp_path / "store"), "--profile", str(wide_profile), str(export)])
    assert result.exit_code == 2
    assert result.stderr == (f"error: {tmp_path / 'store'}: no space left on the disk; free some space, "
                             "or give a folder on another disk, and try again\n")
    assert not (tmp_path / "store" / "load.json").exists()
