"""Export bytes and their encoding: which codec reads them, refusing the mix-ups that would misread text.

A declared encoding is checked, not trusted: UTF-8 read as cp1252 would load without complaint,
every accented name and pound sign turned into two wrong characters.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa

from complaint_audit.errors import UserError

UTF8_BOM = b"\xef\xbb\xbf"


def refuse_wide_text(data: bytes, path: Path, fix: str = "save or export it as UTF-8 (in Excel: CSV UTF-8), which this tool reads") -> None:
    """A UTF-16 or UTF-32 file (Excel's "Unicode text", PowerShell's default, some case systems')
    read as UTF-8 or cp1252 looks like every other character is a NUL: its lines then break
    anywhere. Said as it is, with FIX, before anything misreads it."""
    kind = _wide_encoding(data[:4096])
    if kind:
        raise UserError(f"{path}: the file is {kind} text (every character in {kind[4:]} bits); {fix}")


def _wide_encoding(head: bytes) -> str | None:
    """'UTF-32', 'UTF-16' or None, from a byte-order mark or else where the NUL bytes fall."""
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    if len(head) < 16 or head.count(0) < len(head) // 3:
        return None
    # Without a mark: text below U+10000 in UTF-32 has two NULs in the same places of every four
    # bytes (the last two little-endian, the first two big-endian); in UTF-16 it has fewer.
    aligned = head[: len(head) - len(head) % 4]
    for first, second in ((2, 3), (0, 1)):
        if not any(aligned[first::4]) and not any(aligned[second::4]):
            return "UTF-32"
    return "UTF-16"


def decode(data: bytes, encoding: str, path: Path) -> tuple[str, str]:
    """Bytes -> text, detecting UTF-8 (with or without BOM) and falling back to cp1252.

    A file declared cp1252 that is really UTF-8 is refused: read as cp1252 it would load
    without complaint, every accented name and pound sign turned into two wrong characters.
    """
    refuse_wide_text(data, path)
    if data.startswith(UTF8_BOM) and encoding in ("auto", "utf-8", "utf-8-sig"):
        # Decoded without its BOM, so an error's byte offset is the offset in what follows.
        return _decoded(data[len(UTF8_BOM):], "utf-8", path), "utf-8-sig"
    if encoding == "auto":
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1252"
    elif encoding == "cp1252" and not data.isascii():
        _refuse_utf8_declared_cp1252(data, path)
    return _decoded(data, "utf-8" if encoding == "utf-8-sig" else encoding, path), encoding


def _decoded(data: bytes, encoding: str, path: Path) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise UserError(
            f"{path}: line {line}: byte 0x{data[error.start]:02x} is not valid {encoding}; set [source] encoding "
            f"in the profile (utf-8, utf-8-sig or cp1252)"
        ) from None


def _refuse_utf8_declared_cp1252(data: bytes, path: Path) -> None:
    try:
        text = data.decode("utf-8")  # a BOM stays in: it is the first non-ASCII character then
    except UnicodeDecodeError:
        return  # not UTF-8: cp1252 it is
    first = re.search(r"[^\x00-\x7f]", text).start()
    char, line = text[first], text.count("\n", 0, first) + 1
    misread = char.encode("utf-8").decode("cp1252", errors="replace")
    shown = f"'{char}', U+{ord(char):04X}," if char.isprintable() else f"U+{ord(char):04X}"  # a BOM is invisible
    raise UserError(
        f"{path}: line {line}: the file is UTF-8 ({shown} would read as '{misread}'), not cp1252 as the profile "
        f"says; set [source] encoding = \"utf-8\" or leave it out to detect it"
    )


def csv_source(data: bytes, declared: str, path: Path) -> tuple[pa.Buffer, str, str]:
    """(the bytes to parse, the codec pyarrow should read them with, the encoding to report).

    The same decisions as decode(), made on the bytes: decoding a whole export into Python text
    only to encode it again for pyarrow doubled the read's time and memory. A cp1252 byte with
    no character is found by pyarrow's decoder; decode() then words the error.
    """
    refuse_wide_text(data, path)
    buffer = pa.py_buffer(data)
    if data.startswith(UTF8_BOM) and declared in ("auto", "utf-8", "utf-8-sig"):
        body = buffer.slice(len(UTF8_BOM))
        if not _is_utf8(body):
            decode(data, declared, path)  # raises, naming the line
        return body, "utf8", "utf-8-sig"
    if declared in ("utf-8", "utf-8-sig"):
        if not _is_utf8(buffer):
            decode(data, declared, path)  # raises, naming the line
        return buffer, "utf8", declared
    if declared == "auto" and _is_utf8(buffer):
        return buffer, "utf8", "utf-8"
    if data.isascii():
        return buffer, "utf8", "cp1252"
    if declared == "cp1252" and _is_utf8(buffer):
        _refuse_utf8_declared_cp1252(data, path)
    return buffer, "cp1252", "cp1252"


def _is_utf8(buffer: pa.Buffer) -> bool:
    """Arrow's vectorised UTF-8 validation of the whole buffer, without making a Python string of it."""
    offsets = pa.array([0, buffer.size], pa.int64()).buffers()[1]
    try:
        pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, buffer]).cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True
