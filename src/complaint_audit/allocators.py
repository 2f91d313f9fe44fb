"""Where the memory of a load or a read of the store comes from: Arrow's from jemalloc, numpy's in small pages.

Both make and free one column-sized buffer after another, so what it costs to get memory
from the system and give it back shows in their time.

- Arrow: pyarrow's default allocator, mimalloc, hands freed memory back to the system within
  milliseconds, and what it keeps numpy (glibc's malloc) cannot use, nor the reverse. With
  jemalloc, as pyarrow sets it up (its Linux wheels have it, its Windows wheels do not), a load
  of a million cases spent 2.2-2.4 s in the kernel against 3.2-3.9 s, took 7.6-8.3 s against
  8.4-9.4 s, and peaked at 1,346-1,445 MB against 1,466-1,554 MB.
- How soon jemalloc hands back what Arrow freed: pyarrow's build keeps freed pages a second,
  then a second more as pages the kernel may take (still counted as the process's). The parse's
  reader threads free several hundred MB of blocks as the load's numpy arrays grow, which cannot
  use them. Handed back after 0.3 s, a load of a million cases peaked at 1,212-1,278 MB against
  1,291-1,409 MB (six runs each, alternated), in the same time; at five million the peak and
  time were unchanged.
- numpy asks Linux for transparent huge pages for every array of 4 MB or more. A load's arrays
  live for milliseconds: each huge page is 2 MB to clear on first touch, and where memory is
  fragmented the kernel stops to compact it first. In 4 KB pages the load of a million cases
  took 7.4-7.8 s against 8.0-8.3 s (four runs each, alternated), and of five million 41.9-42.7 s
  against 43.0-43.2 s, 110 MB lower at its peak, with 16.4-16.6 s in the kernel against 17.8-18.6 s.

Both are chosen by the process itself (docs/scaling.md): an environment variable would have to be
set on a council's machine before every command. One the user set still wins.
"""

from __future__ import annotations

import contextlib
import functools
import os

import numpy as np
import pyarrow as pa

# Milliseconds before jemalloc hands freed pages back, and before it gives them up for good (pyarrow's: 1,000 each).
_JEMALLOC_DECAY_MS = 300


@functools.cache
def use_column_allocators() -> None:
    """For the rest of the process: jemalloc for Arrow, handing back freed memory after
    _JEMALLOC_DECAY_MS, unless the user chose an allocator (ARROW_DEFAULT_MEMORY_POOL) or its
    settings (JE_ARROW_MALLOC_CONF), or pyarrow has none; numpy's arrays in small pages, unless
    the user chose (NUMPY_MADVISE_HUGEPAGE).

    Memory allocated before keeps its allocator and its pages: switching is safe at any time.
    The decay applies to jemalloc's arenas made from then on: those of the threads that parse.
    """
    if not os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        with contextlib.suppress(NotImplementedError):  # pyarrow built without jemalloc
            pa.set_memory_pool(pa.jemalloc_memory_pool())
            if "JE_ARROW_MALLOC_CONF" not in os.environ:
                pa.jemalloc_set_decay_ms(_JEMALLOC_DECAY_MS)
    # numpy's switch for what NUMPY_MADVISE_HUGEPAGE sets at import; a numpy without it keeps its default.
    choose_pages = getattr(np._core.multiarray, "_set_madvise_hugepage", None)
    if choose_pages is not None and "NUMPY_MADVISE_HUGEPAGE" not in os.environ:
        choose_pages(False)
