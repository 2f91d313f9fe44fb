"""Export bytes and their encoding: which codec reads them, refusing the mix-ups that would misread text.

A declared encoding is checked, not trusted: UTF-8 read as cp1252 would load without complaint,
every accented name and pound sign turned into two wrong characters.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

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


_WIDE_HEAD_BYTES = 4096  # what refuse_wide_text looks at
_SCAN_BYTES = 16 << 20


def csv_encoding(path: Path, declared: str) -> tuple[str, str]:
    """(the codec pyarrow should parse the file with, 'utf8' or 'cp1252'; the encoding to report).

    The same decisions as decode(), made on the file a block at a time (_scan): holding a whole
    export's bytes only to decide held them all through the parse, 441 MB at a million cases.
    A cp1252 byte with no character is found when the parsed text is transcoded; decode() then
    words the error, as it does an invalid UTF-8 byte.
    """
    with path.open("rb") as file:
        head = file.read(_WIDE_HEAD_BYTES)
    refuse_wide_text(head, path)
    if declared in ("utf-8", "utf-8-sig") or (declared == "auto" and head.startswith(UTF8_BOM)):
        if not _scan(path).utf8:
            decode(path.read_bytes(), declared, path)  # raises, naming the line
        return "utf8", "utf-8-sig" if head.startswith(UTF8_BOM) else declared
    scan = _scan(path)
    if declared == "auto" and scan.utf8:
        return "utf8", "utf-8"
    if scan.ascii:
        return "utf8", "cp1252"
    if declared == "cp1252" and scan.utf8:
        _refuse_utf8_declared_cp1252(path.read_bytes(), path)
    return "cp1252", "cp1252"


class _Scan(NamedTuple):
    ascii: bool
    utf8: bool


def _scan(path: Path) -> _Scan:
    """Whether the file is all ASCII, and whether it is valid UTF-8, read a block at a time.

    Arrow validates each block's UTF-8 (without making Python text of it); a character cut by
    the block's end is carried over to the next. It stops as soon as both answers are no.
    """
    ascii_only, carried = True, b""
    with path.open("rb") as file:
        while block := file.read(_SCAN_BYTES):
            block = carried + block if carried else block
            if block.isascii():
                carried = b""
                continue
            ascii_only = False
            block, carried = _whole_characters(block)
            if not _is_utf8(block):
                return _Scan(False, False)
    return _Scan(ascii_only, not carried)  # a character the file's end cuts short is no UTF-8


def _whole_characters(block: bytes) -> tuple[bytes, bytes]:
    """(the block up to a UTF-8 sequence its end cuts short, that sequence's bytes so far).

    A sequence is at most four bytes: its lead byte is among the last four, before its
    continuation bytes (0b10xxxxxx).
    """
    lead = len(block) - 1
    while lead > len(block) - 4 and lead > 0 and block[lead] & 0xC0 == 0x80:
        lead -= 1
    expected = 4 if block[lead] >= 0xF0 else 3 if block[lead] >= 0xE0 else 2 if block[lead] >= 0xC0 else 1
    return (block[:lead], block[lead:]) if len(block) - lead < expected else (block, b"")


def _is_utf8(data: bytes) -> bool:
    """Arrow's vectorised UTF-8 validation, without making a Python string of the data."""
    buffer = pa.py_buffer(data)
    offsets = pa.array([0, buffer.size], pa.int64()).buffers()[1]
    try:
        pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, buffer]).cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True
