"""Arrow's allocator: a load and a read of the store take Arrow's memory from jemalloc, unless the
user chose an allocator or pyarrow has no jemalloc (arrow_memory.py)."""

from __future__ import annotations

import os
import subprocess
import sys

import pyarrow as pa
import pytest

from tests.conftest import SAMPLE_DATA


def _has_jemalloc() -> bool:
    try:
        pa.jemalloc_memory_pool()
    except NotImplementedError:
        return False
    return True


# The allocator the export is parsed with, the load's largest allocations; in a fresh process, since the
# allocator is the process's and other tests may have changed this one's.
_NAME_THE_ALLOCATOR_OF_THE_PARSE = """
import sys
from pathlib import Path
import pyarrow as pa
import complaint_audit.ingest.load as load
from complaint_audit.ingest.api import load_exports
parse = load.read_export
def named(*args):
    print(pa.default_memory_pool().backend_name)
    return parse(*args)
load.read_export = named
load_exports(store=Path(sys.argv[1]), files=[Path(sys.argv[2])], profile=Path(sys.argv[3]))
"""


@pytest.mark.skipif(not _has_jemalloc(), reason="this pyarrow is built without jemalloc")
@pytest.mark.parametrize(("chosen", "used"), [(None, "jemalloc"), ("system", "system")])
def test_a_load_takes_arrows_memory_from_jemalloc_unless_the_user_chose_another(tmp_path, chosen, used):
    env = {name: value for name, value in os.environ.items() if name != "ARROW_DEFAULT_MEMORY_POOL"}
    env["COMPLAINT_AUDIT_KEY"] = "test-key-0123456789"
    if chosen:
        env["ARROW_DEFAULT_MEMORY_POOL"] = chosen
    done = subprocess.run(
        [sys.executable, "-c", _NAME_THE_ALLOCATOR_OF_THE_PARSE, str(tmp_path / "store"),
         str(SAMPLE_DATA / "exports" / "corporate_complaints.csv"), str(SAMPLE_DATA / "profiles" / "corporate.toml")],
        capture_output=True, text=True, env=env, check=True)
    assert done.stdout.strip() == used
