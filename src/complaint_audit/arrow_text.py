"""An Arrow text array's bytes as numpy arrays, for work on every byte of a column at once.

Arrow keeps a text column as its values' UTF-8 bytes end to end and an offset where each starts:
read as numpy arrays without a copy, a question about every value's first byte, or a split of
every value into words, is one vectorised step instead of a kernel per question.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa


def text_bytes(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """TEXT's values' bytes end to end, and the len(TEXT) + 1 offsets where each starts in them (from 0).

    For string and large_string arrays (and binary ones), sliced or not; the bytes are not copied.
    A missing value's bytes are whatever Arrow left there (none, from its own kernels).
    """
    wide = pa.types.is_large_string(text.type) or pa.types.is_large_binary(text.type)
    offset_type = np.dtype(np.int64 if wide else np.int32)
    buffers = text.buffers()
    if not len(text) or buffers[1] is None:
        return np.zeros(0, dtype=np.uint8), np.zeros(len(text) + 1, dtype=offset_type)
    offsets = np.frombuffer(buffers[1], offset_type, len(text) + 1, text.offset * offset_type.itemsize)
    start, stop = int(offsets[0]), int(offsets[-1])
    data = np.frombuffer(buffers[2], np.uint8)[start:stop] if buffers[2] is not None and stop > start else np.zeros(0, np.uint8)
    return data, offsets - start
