"""CSV exports: the whole file read fast with pyarrow, and its head sniffed for `profile suggest`.

pyarrow parses the body; the header line, a broken row and the sample are read with the
standard csv module, which says where a problem is.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from complaint_audit.arrow_text import text_bytes
from complaint_audit.columnwise import map_columns
from complaint_audit.errors import UserError
from complaint_audit.ingest.csv_problems import broken_row, check_delimiter, csv_error_words
from complaint_audit.ingest.encodings import UTF8_BOM, csv_encoding, decode
from complaint_audit.ingest.formats.header import check_header, find_header_row, header_why, sample_frame
from complaint_audit.ingest.formats.tables import (
    HEADER_SEARCH_ROWS,
    SAMPLE_ROWS,
    SOURCE_ROW,
    RawTable,
    Sample,
)
from complaint_audit.ingest.limits import MAX_COLUMNS, check_column_count
from complaint_audit.schema import NUMBER_FIELDS, REPEATING_FIELDS

if TYPE_CHECKING:
    from complaint_audit.ingest.profile import Profile

# Each parsed block becomes a chunk of every column. 4 MB blocks parsed the 1M-row benchmark
# export fastest: 16 MB blocks are too few to keep both cores busy, and the default 1 MB makes
# hundreds of chunks that then need combining (docs/scaling.md).
_BLOCK_SIZE = 4 << 20
# pyarrow's words for a blank cell ('', 'NULL', 'N/A', '#N/A' ...) but its spellings of NaN, which
# _nan_words_blank treats as blanks everywhere but in amounts.
_NAN_WORDS = pa.array(["NaN", "nan", "-NaN", "-nan", "1.#IND", "-1.#IND", "1.#QNAN", "-1.#QNAN"])
_NULL_WORDS = [word for word in pacsv.ConvertOptions().null_values if word not in _NAN_WORDS.to_pylist()]
# A column of dates, codes or names holds a few hundred distinct values however many rows it has:
# dictionary-encoded as it is parsed, each row is then a small integer to stack, take and look up
# (ingest/distinct.py), and its text is worked on once per distinct value.
_REPEATING = pa.dictionary(pa.int32(), pa.string())
# How much of a CSV to read: enough for SAMPLE_ROWS rows carrying long response letters.
_HEAD_BYTES = 8 * 1024 * 1024
# How many bytes each cp1252 byte becomes in UTF-8 (one for ASCII; a byte with no character
# fails the codec before its length is looked up).
_UTF8_LENGTH = np.array([len(bytes([byte]).decode("cp1252", errors="replace").encode("utf-8")) for byte in range(256)],
                        dtype=np.int64)
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def read_export(path: Path, profile: Profile) -> RawTable:
    """Every value as text, as the file wrote it; row numbers count the lines a spreadsheet shows.

    pyarrow reads the file itself, a block at a time: the whole export's bytes are never held
    (at a million cases they were 441 MB beside the parsed table, the read's peak).
    """
    codec, encoding = csv_encoding(path, profile.encoding)
    skip = profile.header_row - 1
    head, whole_file = _head(path, skip + 1)
    header_lines = _head_lines(head, len(UTF8_BOM) if encoding == "utf-8-sig" and head.startswith(UTF8_BOM) else 0, codec, skip)
    if len(header_lines) <= skip or not header_lines[skip].strip():
        raise UserError(f"{path}: the file has no header at row {profile.header_row} (empty file?)")
    try:
        header = next(csv.reader(io.StringIO(header_lines[skip]), delimiter=profile.delimiter))
    except csv.Error as error:
        raise UserError(f"{path}: the header at row {profile.header_row} cannot be read as CSV ({csv_error_words(error)}); lines that "
                        f"end in a carriage return alone (an old Mac export) must be saved with Windows or Unix line ends") from None
    # Excel saves trailing empty header cells; name them so the columns can still be read.
    names = [name.strip() or f"(unnamed column {number})" for number, name in enumerate(header, start=1)]
    check_delimiter(path, names, profile.delimiter)
    check_header(path, names)
    # A file read whole already is parsed from those bytes, with a line end after a header
    # that has none (pyarrow cannot skip it otherwise).
    source = (pa.py_buffer(head if head.endswith(b"\n") else head + b"\n") if whole_file else path)
    del head

    def whole_lines() -> list[str]:
        return decode(path.read_bytes(), profile.encoding, path)[0].removeprefix("\ufeff").split("\n", skip + 1)

    def parsed(source: pa.Buffer | Path, block_size: int = _BLOCK_SIZE) -> pa.Table:
        return _parse_csv(source, codec, skip, names, profile.delimiter, profile.columns_of(REPEATING_FIELDS), block_size)

    try:
        table = parsed(source)
    except pa.ArrowInvalid as error:
        if "straddl" not in str(error):
            raise broken_row(path, whole_lines(), profile.header_row, profile.delimiter, len(names)) or UserError(
                f"{path}: cannot parse as CSV with delimiter '{profile.delimiter}': {_without_values(error)}; "
                f"look for a line break or a stray quote in an unquoted value"
            ) from None
        # A value longer than pyarrow's block (a whole letter in one cell): read in one block.
        table = parsed(source, block_size=min(path.stat().st_size + 2, 2**31 - 1))
    try:
        table = _cleaned(table, cp1252=codec == "cp1252", amounts=profile.columns_of(NUMBER_FIELDS))
    except UnicodeDecodeError:
        decode(path.read_bytes(), profile.encoding, path)  # raises, naming the line of the byte
        raise
    if _ends_in_line_break(table) and _odd_quotes(path):  # the file may end inside a quoted value
        problem = broken_row(path, whole_lines(), profile.header_row, profile.delimiter, len(names))
        if problem is not None:
            raise problem
    del source  # a small file's bytes are parsed: freed before the table is copied into pandas
    table = table.append_column(SOURCE_ROW, pa.array(np.arange(table.num_rows, dtype=np.int64) + profile.header_row + 1))
    # Each column's Arrow memory let go as it is converted (the table is unusable after): the repeating columns'
    # dictionaries become categoricals one after another, not all beside their Arrow originals.
    return RawTable(_without_blank_rows(table, names).to_pandas(self_destruct=True, split_blocks=True), "csv", encoding)


def _without_blank_rows(table: pa.Table, names: list[str]) -> pa.Table:
    """tables.without_blank_rows() in Arrow, before the copy into pandas: filtering the pandas
    frame copied the whole export a second time, the peak of a load."""
    blank = None
    for name in names:  # column by column, done once no row is blank in all of them so far (often the first)
        missing = pc.is_null(table.column(name))
        blank = missing if blank is None else pc.and_(blank, missing)
        if not pc.any(blank).as_py():
            return table
    return table.filter(pc.invert(blank)) if blank is not None else table


def _cleaned(table: pa.Table, cp1252: bool, amounts: set[str]) -> pa.Table:
    """The parsed text made what the columns hold: cp1252 transcoded (_cp1252_as_utf8), and
    'NaN' and its spellings blank (_nan_words_blank) but in AMOUNTS, a core per column."""

    def cleaned(name: str) -> pa.ChunkedArray:
        column = _cp1252_as_utf8(table.column(name)) if cp1252 else table.column(name)
        return column if name in amounts else _nan_words_blank(column)

    return pa.Table.from_arrays(map_columns(cleaned, table.column_names, rows=table.num_rows), names=table.column_names)


def _words(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """The column's text to look at, a chunk per chunk of the column: a dictionary's words, not its rows.

    Asked of the whole column in one call: a column is a hundred chunks at a million rows, and
    asked chunk by chunk, most of the cost was the calls (thousands of them for 23 million values).
    """
    if pa.types.is_dictionary(column.type):
        return pa.chunked_array([chunk.dictionary for chunk in column.chunks], column.type.value_type)
    return column


def _per_chunk(answers: pa.ChunkedArray, words: pa.ChunkedArray) -> list[pa.Array]:
    """A kernel's answers for the chunks of WORDS, a chunk each (its output is not chunked as its input)."""
    whole = answers.combine_chunks()
    starts = np.cumsum([0, *(len(chunk) for chunk in words.chunks)])
    return [whole.slice(start, len(chunk)) for start, chunk in zip(starts, words.chunks, strict=False)]


def _with_words(column: pa.ChunkedArray, chunk_words: list[pa.Array]) -> pa.ChunkedArray:
    """The column with each chunk's words (_words) replaced."""
    if pa.types.is_dictionary(column.type):
        return pa.chunked_array([pa.DictionaryArray.from_arrays(chunk.indices, words)
                                 for chunk, words in zip(column.chunks, chunk_words, strict=True)], column.type)
    return pa.chunked_array(chunk_words, column.type)


def _nan_words_blank(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """'NaN' and its spellings as blanks, as pyarrow reads them.

    A program that writes NaN for a missing value writes it in every column, so in text and dates
    it is a blank; in an amount it is kept, to be quarantined as bad_number like 'inf': an
    amount written as not-a-number was not left blank.
    """
    words = _words(column)
    is_nan = pc.is_in(words, value_set=_NAN_WORDS)
    if not pc.any(is_nan).as_py():
        return column
    if not pa.types.is_dictionary(column.type):
        return pc.if_else(is_nan, pa.scalar(None, column.type), column)
    chunks = []
    for chunk, nan_word in zip(column.chunks, _per_chunk(is_nan, words), strict=True):
        blank = pc.fill_null(pc.take(nan_word, chunk.indices), False)
        chunks.append(pa.DictionaryArray.from_arrays(pc.if_else(blank, pa.scalar(None, chunk.indices.type), chunk.indices),
                                                     chunk.dictionary))
    return pa.chunked_array(chunks, column.type)


def _without_values(error: pa.ArrowInvalid) -> str:
    """pyarrow's words for a parse error without the row it quotes: that row holds personal
    columns the profile drops ("Expected 14 columns, got 7: C2,Stage 1,...,Ann Lee,...")."""
    return re.sub(r"^(CSV parse error: [^:]*):.*", r"\1", str(error), flags=re.DOTALL)


def _ends_in_line_break(table: pa.Table) -> bool:
    """Does the last row's last value end with a line break?

    A quoted value left open runs to the end of the file, line break and all, and pyarrow takes
    it as the last row's last value (in an earlier column the row would be short, an error). So
    only then is counting the file's quotes, a pass over the whole file, worth its time.
    """
    if not table.num_rows or not table.num_columns:
        return False
    last = table.column(table.num_columns - 1)[-1].as_py()
    return isinstance(last, str) and last.endswith("\n")


def _head(path: Path, lines: int) -> tuple[bytes, bool]:
    """(the file's first bytes, holding its first LINES lines or all of it; whether that is all of it).

    _HEAD_BYTES at first, twice as many until the lines are in it: rows above the header
    holding long text are rare."""
    size = _HEAD_BYTES
    with path.open("rb") as file:
        while True:
            head = file.read(size)
            whole = not file.read(1)
            if whole or head.count(b"\n") >= lines:
                return head, whole
            file.seek(0)
            size *= 2


def _odd_quotes(path: Path) -> bool:
    """Does the file hold an odd number of double quotes (counted a block at a time)?"""
    count = 0
    with path.open("rb") as file:
        while block := file.read(_HEAD_BYTES):
            count += block.count(b'"')
    return count % 2 == 1


def _head_lines(data: bytes, start: int, codec: str, skip: int) -> list[str]:
    """The lines up to and including the header, decoded; the body is pyarrow's to decode.

    A byte the codec cannot read shows as U+FFFD here; the body's decoding then stops on it and
    decode() names its line.
    """
    end = start
    for _ in range(skip + 1):
        end = data.find(b"\n", end) + 1
        if not end:
            end = len(data)
            break
    return data[start:end].decode("utf-8" if codec == "utf8" else codec, errors="replace").split("\n")[: skip + 1]


def _parse_csv(source: pa.Buffer | Path, codec: str, skip: int, names: list[str], delimiter: str, repeating: set[str],
               block_size: int = _BLOCK_SIZE) -> pa.Table:
    """Every column as text; the REPEATING ones dictionary-encoded by the parser's own threads.

    Text is parsed as large_string, the type pandas keeps its text in: parsed as string, every
    column's offsets were copied wider on the way into pandas, memory that jemalloc still held
    as the reshape began (a load's peak).

    cp1252 is parsed as it is, its text as unchecked bytes (a delimiter, a quote and a line end
    are the same byte in cp1252 as in UTF-8, and no other byte is one), and only the values with
    a byte past ASCII are then transcoded (_cleaned). pyarrow's own transcoding
    calls Python's codec from its reader threads, a small block at a time and holding the GIL:
    2.3 s of CPU at a million cases; transcoding the whole file before the parse took 0.95 s and
    a second copy of it; this takes 0.4 s.
    """
    read_options = pacsv.ReadOptions(skip_rows=skip + 1, column_names=names, block_size=block_size)
    # The file opened as it is: given its path, pyarrow would decompress a name ending in .gz or
    # .bz2, past the limits the file's size was checked against.
    with pa.BufferReader(source) if isinstance(source, pa.Buffer) else pa.OSFile(str(source)) as stream:
        return pacsv.read_csv(
            stream,
            read_options=read_options,
            # Blank lines are kept (as empty rows) so row numbers match what a spreadsheet shows.
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={name: _REPEATING if name in repeating else pa.large_string() for name in names},
                                                 strings_can_be_null=True,
                                                 null_values=_NULL_WORDS,
                                                 check_utf8=codec == "utf8"),
        )


def _cp1252_as_utf8(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A column of text parsed from cp1252 bytes, as UTF-8: each chunk's values past ASCII
    transcoded together (_transcoded), a dictionary's words rather than its rows. Raises
    UnicodeDecodeError on a byte cp1252 has no character for."""
    words = _words(column)
    # string_is_ascii looks at bytes, so it is sound on text not yet known to be UTF-8.
    beyond_ascii = pc.invert(pc.fill_null(pc.string_is_ascii(words), True))
    if not pc.any(beyond_ascii).as_py():
        return column
    return _with_words(column, [_transcoded(chunk, beyond) if pc.any(beyond).as_py() else chunk
                                for chunk, beyond in zip(words.chunks, _per_chunk(beyond_ascii, words), strict=True)])


def _transcoded(chunk: pa.Array, beyond_ascii: pa.Array) -> pa.Array:
    """The chunk with its values BEYOND_ASCII transcoded from cp1252 to UTF-8 in one call of the codec."""
    values = pc.filter(chunk, beyond_ascii)  # compact, and none missing
    cp1252, offsets = text_bytes(values)
    utf8 = codecs.decode(cp1252, "cp1252").encode("utf-8")
    # Each value's new end: the UTF-8 lengths of the bytes before it, added up.
    ends = np.concatenate([[0], np.cumsum(_UTF8_LENGTH[cp1252])])
    transcoded = pa.Array.from_buffers(pa.large_string(), len(values), [None, pa.py_buffer(ends[offsets]), pa.py_buffer(utf8)])
    return pc.replace_with_mask(chunk, beyond_ascii, transcoded.cast(chunk.type))


def read_sample(path: Path) -> Sample:
    """The head of the file (_HEAD_BYTES at most), with the encoding, delimiter and header row found in it."""
    with path.open("rb") as file:
        head = file.read(_HEAD_BYTES)
        complete = not file.read(1)
    if not complete:
        if b"\n" not in head:
            raise UserError(f"{path}: the first {len(head):,} bytes hold no line end: not a CSV export "
                            f"(a header row is a few kB; a file of {MAX_COLUMNS:,} columns or fewer is expected)")
        head = head[: head.rfind(b"\n") + 1]  # whole lines only, so no character is cut in two
    text, encoding = decode(head, "auto", path)
    text = text.removeprefix("\ufeff")
    delimiter, delimiter_why = sniff_delimiter(text)
    limit = HEADER_SEARCH_ROWS + SAMPLE_ROWS + 2
    records, first_lines = _csv_records(path, text, delimiter, limit)
    check_column_count(path, max(map(len, records), default=0))
    if not complete and len(records) < limit:
        records, first_lines = records[:-1], first_lines[:-1]  # the last record may be cut short
    found = find_header_row(records[:HEADER_SEARCH_ROWS])
    header = found or 0
    complete = complete and len(records) <= header + 1 + SAMPLE_ROWS
    frame, unnamed = sample_frame(path, records[header] if records else [], records[header + 1 : header + 1 + SAMPLE_ROWS])
    header_row = first_lines[header] if records else 1
    settings = {
        "encoding": _encoding_setting(head, text, encoding),
        "delimiter": (delimiter, delimiter_why),
        "header_row": (header_row, header_why(records[:header], header_row, found is not None)),
    }
    return Sample(frame, settings, len(frame), complete, unnamed_columns=unnamed)


def _csv_records(path: Path, text: str, delimiter: str, limit: int) -> tuple[list[list[str]], list[int]]:
    """The first LIMIT CSV records and the 1-based line each starts on (quoted values may span lines)."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    records, first_lines, line = [], [], 1
    try:
        for record in islice(reader, limit):
            records.append(record)
            first_lines.append(line)
            line = reader.line_num + 1
    except csv.Error as error:
        raise UserError(f"{path}: cannot read as CSV near line {reader.line_num}: {error}") from None
    return records, first_lines


def _encoding_setting(head: bytes, text: str, encoding: str) -> tuple[str, str]:
    if encoding == "utf-8-sig":
        return encoding, "the file starts with a UTF-8 byte-order mark"
    if head.isascii():
        return "auto", "the sample is plain ASCII; auto reads UTF-8 and falls back to Windows-1252"
    position = re.search(r"[^\x00-\x7f]", text).start()
    where = f"line {text.count(chr(10), 0, position) + 1} has '{text[position]}'"
    if encoding == "cp1252":
        return encoding, f"the bytes are not UTF-8, so Windows-1252 ({where})"
    return encoding, f"valid UTF-8 with non-ASCII text ({where})"


def sniff_delimiter(text: str) -> tuple[str, str]:
    """The delimiter that splits the most of the first rows into the same number of fields."""
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITER_NAMES:
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        try:
            widths = [len(row) for row in islice(reader, HEADER_SEARCH_ROWS) if any(cell.strip() for cell in row)]
        except csv.Error:
            continue
        common = Counter(width for width in widths if width > 1).most_common(1)
        score = (common[0][1], common[0][0]) if common else (0, 0)
        if score > best_score:
            best, best_score = delimiter, score
    if best_score == (0, 0):
        return ",", "no delimiter splits the rows; the file seems to have one column"
    rows, width = best_score
    return best, f"{rows} of the first rows split into {width} fields on {_DELIMITER_NAMES[best]}s"
