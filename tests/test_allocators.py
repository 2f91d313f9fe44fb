"""Where a load's memory comes from: Arrow's from jemalloc, handing freed pages back sooner than pyarrow's
setting, and numpy's arrays in small pages, unless the user chose otherwise or pyarrow has no jemalloc
(allocators.py)."""

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


# Arrow's allocator, the decay jemalloc was given (- for none) and whether numpy asks for huge pages, as the
# export is parsed (the load's largest allocations); in a fresh process, since all three are the process's
# and other tests may have changed this one's.
_NAME_THE_ALLOCATORS_OF_THE_PARSE = """
import sys
from pathlib import Path
import numpy as np
import pyarrow as pa
import complaint_audit.ingest.load as load
from complaint_audit.ingest.api import load_exports
decays = []
set_decay = pa.jemalloc_set_decay_ms
def recorded(ms):
    decays.append(ms)
    set_decay(ms)
pa.jemalloc_set_decay_ms = recorded
parse = load.read_export
def named(*args):
    huge_pages = np._core.multiarray._set_madvise_hugepage(True)  # answers the setting it replaces
    np._core.multiarray._set_madvise_hugepage(huge_pages)
    print(pa.default_memory_pool().backend_name, *decays or "-", huge_pages)
    return parse(*args)
load.read_export = named
load_exports(store=Path(sys.argv[1]), files=[Path(sys.argv[2])], profile=Path(sys.argv[3]))
"""


@pytest.mark.skipif(not _has_jemalloc(), reason="this pyarrow is built without jemalloc")
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="numpy asks for huge pages only on Linux")
@pytest.mark.parametrize(("chosen", "used"), [({}, "jemalloc 300 False"),
                                              ({"JE_ARROW_MALLOC_CONF": "dirty_decay_ms:5000"}, "jemalloc - False"),
                                              ({"ARROW_DEFAULT_MEMORY_POOL": "system", "NUMPY_MADVISE_HUGEPAGE": "1"}, "system - True")])
def test_a_load_takes_jemalloc_and_small_pages_unless_the_user_chose_otherwise(tmp_path, chosen, used):
    chosen_names = {"ARROW_DEFAULT_MEMORY_POOL", "NUMPY_MADVISE_HUGEPAGE", "JE_ARROW_MALLOC_CONF"}
    env = {name: value for name, value in os.environ.items() if name not in chosen_names}
    env["COMPLAINT_AUDIT_KEY"] = "test-key-0123456789"
    done = subprocess.run(
        [sys.executable, "-c", _NAME_THE_ALLOCATORS_OF_THE_PARSE, str(tmp_path / "store"),
         str(SAMPLE_DATA / "exports" / "corporate_complaints.csv"), str(SAMPLE_DATA / "profiles" / "corporate.toml")],
        capture_output=True, text=True, env={**env, **chosen}, check=True)
    assert done.stdout.strip() == used
