"""Arrow's buffers from jemalloc, where pyarrow is built with it (its Linux wheels are, its Windows wheels are not).

A load makes and frees one column-sized buffer after another. pyarrow's default allocator,
mimalloc, hands freed memory back to the system within milliseconds, and what it keeps numpy
(glibc's malloc) cannot use, nor the reverse. With jemalloc, as pyarrow sets it up, the same load
of a million cases spent 2.2-2.4 s in the kernel against 3.2-3.9 s, took 7.6-8.3 s against
8.4-9.4 s, and peaked at 1,346-1,445 MB against 1,466-1,554 MB (docs/scaling.md). Chosen by the
process itself: an environment variable would have to be set on a council's machine before every
command.
"""

from __future__ import annotations

import contextlib
import functools
import os

import pyarrow as pa


@functools.cache
def use_jemalloc() -> None:
    """Make jemalloc Arrow's allocator for the rest of the process, unless the user chose one
    (ARROW_DEFAULT_MEMORY_POOL) or pyarrow has none (its Windows wheels): then nothing changes.

    Buffers allocated before keep their allocator, which frees them: switching is safe at any time.
    """
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return
    with contextlib.suppress(NotImplementedError):  # pyarrow built without jemalloc
        pa.set_memory_pool(pa.jemalloc_memory_pool())
