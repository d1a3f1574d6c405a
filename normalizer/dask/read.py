"""Reading one partition's documents, on a worker.

A whole local file that is not compressed is read by the serial reader itself
(:func:`normalizer.corpus.inputs.read_documents`), so its documents, names and messages are exactly
those of ``annotate`` without ``--dask``. Compressed files and URLs are opened with fsspec and read
with the same rules: a text file is one document (UTF-8, no NUL bytes), a JSONL file one document
per non-blank line, strictly parsed (:func:`normalizer.corpus.inputs.parse_json`), named
``path:line``. A byte range of a large JSONL file starts at a line end (``fsspec.utils.read_block``)
and numbers its lines from the count of the ranges before it (:func:`count_lines`).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import IO

from ..corpus import inputs
from ..corpus.inputs import Document, read_documents
from ..errors import InputError
from .plan import Partition, Piece

OnError = Callable[[InputError], None]
_SNIFF_BYTES = 8192


def read_partition(partition: Partition, starts: list[int] | None, *, on_error: OnError,
                   on_warning: OnError) -> Iterator[Document]:
    """The partition's documents in order; for a byte range of a file, ``starts`` gives the first line
    number of each of that file's ranges (:func:`line_starts`)."""
    for piece in partition.pieces:
        if piece.whole and piece.local and piece.compression is None:
            yield from read_documents([piece.name], on_error=on_error, on_warning=on_warning)
            continue
        try:
            yield from _read_piece(piece, starts, on_error, on_warning)
        except OSError as exc:
            on_error(InputError(f"cannot read: {exc.strerror or exc}", path=piece.name))


def _read_piece(piece: Piece, starts: list[int] | None, on_error: OnError, on_warning: OnError) -> Iterator[Document]:
    if not piece.whole:
        data, sniff = read_range(piece)
        first = starts[piece.block] if starts is not None else 1
        yield from _jsonl(_lines(data), piece.name, first, sniff, on_error, on_warning)
        return
    with _open(piece) as handle:
        if piece.kind == "jsonl":
            sniff = handle.read(_SNIFF_BYTES)
            handle.seek(0)
            yield from _jsonl(handle, piece.name, 1, sniff, on_error, on_warning)
            return
        data = handle.read()
    text = inputs._decode(data, piece.name, on_error)
    if text is not None:
        yield Document(id=piece.name, text=text, path=piece.name)


def _open(piece: Piece) -> IO[bytes]:
    import fsspec

    return fsspec.open(piece.name, "rb", compression=piece.compression).open()


def read_range(piece: Piece) -> tuple[bytes, bytes]:
    """The lines of a byte range (from the line end after its start to the one after its end), and the
    file's first bytes (a binary file is refused as a whole, as the serial reader refuses it)."""
    from fsspec.utils import read_block

    with _open(piece) as handle:
        sniff = handle.read(_SNIFF_BYTES)
        return read_block(handle, piece.start, piece.length, delimiter=b"\n"), sniff


def count_lines(piece: Piece) -> int:
    """How many line ends a byte range holds (the next range's first line is one more than their sum)."""
    data, _ = read_range(piece)
    return data.count(b"\n")


def line_starts(*counts: int) -> list[int]:
    """The first line number of each range of a file, from each range's count of line ends."""
    starts, line = [], 1
    for count in counts:
        starts.append(line)
        line += count
    return starts


def _lines(data: bytes) -> Iterator[bytes]:
    """The lines of ``data``, each with its b"\\n" (as iterating a binary file gives them)."""
    start = 0
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end + 1
        yield data[start:end]
        start = end


def _jsonl(lines: Iterable[bytes], name: str, first: int, sniff: bytes, on_error: OnError,
           on_warning: OnError) -> Iterator[Document]:
    """The serial reader's JSONL rules (:func:`normalizer.corpus.inputs.read_documents`) over ``lines``."""
    if b"\x00" in sniff:
        if first == 1:  # reported once, by the file's first range
            on_error(InputError("binary file, not text", path=name))
        return
    for number, raw in enumerate(lines, start=first):
        if number == 1:
            raw = raw.removeprefix(inputs._BOM)
        if not raw.strip():
            continue
        document = inputs._record(raw, name, number, on_error, on_warning)  # type: ignore[arg-type]
        if document is not None:
            yield document
