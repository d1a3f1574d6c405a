"""Input documents from files, directories, stdin and JSONL, read lazily, with a clear error per bad input.

Every input is read when its turn comes, one JSONL record at a time, so memory stays flat
however large the corpus. A bad input is reported through ``on_error`` (an ``InputError``
naming ``path`` or ``path:line``) and skipped; the other inputs are still read:

* a file or directory that cannot be read (a directory the user may not list is reported, not
  skipped silently); a binary file (NUL bytes); a file that is not UTF-8;
* a JSONL line that is not UTF-8, not JSON, nested too deeply, holds a number too long to read
  (Python refuses integers of more than 4,300 digits), or is not an object with a ``"text"`` string.

A JSON string may hold a lone surrogate (``"\\ud800"``), which is no character and cannot be
written out: each is replaced by U+FFFD, which keeps every offset, and ``on_warning`` says where.
"""
from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..errors import InputError
from ..text.prepare import repair_surrogates

JSONL_SUFFIXES = (".jsonl", ".ndjson")
STDIN = "-"
_SNIFF_BYTES = 8192
_BOM = b"\xef\xbb\xbf"
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
OnError = Callable[[InputError], None]
_TOO_DEEP = ('not valid JSON here: nested too deeply to read (a JSONL line holds one flat record: '
             '{"id": ..., "text": ...})')


@dataclass
class Document:
    """One text to annotate, with the fields that pass through to the output record."""

    id: str
    text: str
    path: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    line: int | None = None  # the JSONL line it came from

    @property
    def where(self) -> str:
        """How messages name the document: ``path:line`` for JSONL records, else the path or id."""
        if self.path and self.line:
            return f"{self.path}:{self.line}"
        return self.path or self.id


def read_documents(
    inputs: Iterable[str],
    *,
    on_error: OnError,
    on_warning: OnError | None = None,
    stdin: IO | None = None,
    skip: Iterable[str | Path] = (),
) -> Iterator[Document]:
    """Documents of every input in order: ``-`` is stdin, directories are walked recursively
    (hidden files and folders left out, and the files in ``skip``: the run's own output)."""
    skipped = {Path(p).resolve() for p in skip}
    warn = on_warning or on_error
    for name in inputs:
        if name == STDIN:
            yield from _read_stdin(stdin or sys.stdin, on_error)
            continue
        path = Path(name)
        if path.is_dir():
            for file in files_below(path, on_error=on_error):
                if file.resolve() not in skipped:
                    yield from _read_file(file, on_error, warn)
        else:
            yield from _read_file(path, on_error, warn)


def count_documents(inputs: Iterable[str], *, skip: Iterable[str | Path] = ()) -> int:
    """How many documents ``read_documents`` will yield at most (for progress): one per text
    file, one per non-blank JSONL line. Reads JSONL files once more; reports nothing."""
    skipped = {Path(p).resolve() for p in skip}
    total = 0
    for name in inputs:
        if name == STDIN:
            total += 1
            continue
        path = Path(name)
        files = files_below(path, on_error=lambda _exc: None) if path.is_dir() else [path]
        for file in files:
            if file.resolve() in skipped:
                continue
            if file.suffix.lower() not in JSONL_SUFFIXES or not file.is_file():
                total += 1  # a FIFO named on the command line (<(zcat x.gz)) can be read only once
                continue
            try:
                with file.open("rb") as handle:
                    total += sum(1 for raw in handle if raw.strip())
            except OSError:
                total += 1
    return total


def files_below(root: Path, *, on_error: OnError) -> Iterator[Path]:
    """The files under ``root``, sorted by name at each level (a folder's files where its name sorts).

    Hidden names (``.git``, ``.out.tmp``) are left out; a folder that cannot be listed is
    reported, and a symbolic link that leads back to a folder already walked is not followed.
    """
    yield from _walk(root, on_error, set())


def _walk(folder: Path, on_error: OnError, seen: set[tuple[int, int]]) -> Iterator[Path]:
    try:
        identity = folder.stat()
        if (identity.st_dev, identity.st_ino) in seen:
            return
        seen.add((identity.st_dev, identity.st_ino))
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError as exc:
        on_error(InputError(f"cannot read folder: {exc.strerror or exc}; its files were not annotated",
                            path=str(folder)))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            is_dir, is_file = entry.is_dir(), entry.is_file()
        except OSError:
            is_dir = is_file = False
        if is_dir:
            yield from _walk(path, on_error, seen)
        elif is_file:  # FIFOs, sockets and devices in a folder are not documents (reading a FIFO would wait)
            yield path


def _read_stdin(stream: IO, on_error: OnError) -> Iterator[Document]:
    binary = getattr(stream, "buffer", None)
    try:
        data = binary.read() if binary is not None else stream.read().encode("utf-8", "surrogatepass")
    except (OSError, UnicodeDecodeError) as exc:
        on_error(InputError(f"cannot read: {exc}", path="<stdin>"))
        return
    text = _decode(data, "<stdin>", on_error, binary="binary data on standard input, not text")
    if text is not None:
        yield Document(id=STDIN, text=text)


def _decode(data: bytes, name: str, on_error: OnError, *, binary: str = "binary file, not text") -> str | None:
    if b"\x00" in data[:_SNIFF_BYTES]:
        on_error(InputError(binary, path=name))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        on_error(InputError(f"not UTF-8 text (byte {exc.start}); save it as UTF-8", path=name, line=line))
        return None


def _read_file(path: Path, on_error: OnError, on_warning: OnError) -> Iterator[Document]:
    if path.suffix.lower() in JSONL_SUFFIXES:
        yield from _jsonl(path, on_error, on_warning)
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        on_error(InputError(f"cannot read: {exc.strerror or exc}", path=str(path)))
        return
    text = _decode(data, str(path), on_error)
    if text is not None:
        yield Document(id=str(path), text=text, path=str(path))


def _jsonl(path: Path, on_error: OnError, on_warning: OnError) -> Iterator[Document]:
    try:
        handle = path.open("rb")
    except OSError as exc:
        on_error(InputError(f"cannot read: {exc.strerror or exc}", path=str(path)))
        return
    with handle:
        if b"\x00" in handle.read(_SNIFF_BYTES):
            on_error(InputError("binary file, not text", path=str(path)))
            return
        handle.seek(0)
        # Binary lines end at b"\n" only: str.splitlines() would also split texts at U+2028 and friends.
        for number, raw in enumerate(handle, start=1):
            if number == 1:
                raw = raw.removeprefix(_BOM)
            if not raw.strip():
                continue
            document = _record(raw, path, number, on_error, on_warning)
            if document is not None:
                yield document


class BadJSON(ValueError):
    """A JSON text that cannot be read, with a message for the user and the line it is on (1 for a JSONL line)."""

    def __init__(self, message: str, *, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


def parse_json(data: bytes) -> Any:
    """One JSON value from UTF-8 bytes, read strictly: the one reader of JSON lines (inputs, gold, system).

    Refused with a ``BadJSON`` message: bytes that are not UTF-8, invalid JSON, ``NaN``/``Infinity``
    and numbers too large for a float (no JSON writer can write them back), integers of more
    than 4,300 digits, and nesting too deep for the parser.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1)
        raise BadJSON(f"not UTF-8 text (byte {column} of the line); save the file as UTF-8", line=line) from None
    try:
        return json.loads(text, parse_constant=_not_json, parse_float=_finite)
    except json.JSONDecodeError as exc:
        raise BadJSON(f"not valid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno) from None
    except RecursionError:
        raise BadJSON(_TOO_DEEP) from None
    except ValueError as exc:  # NaN/Infinity, or an integer of more than sys.get_int_max_str_digits() digits
        too_long = "digits" in str(exc)
        raise BadJSON(f"not valid JSON here: a number has more than {sys.get_int_max_str_digits():,} digits"
                      if too_long else f"not valid JSON here: {exc}") from None


def _record(raw: bytes, path: Path, number: int, on_error: OnError, on_warning: OnError) -> Document | None:
    def fail(message: str) -> None:
        on_error(InputError(message, path=str(path), line=number))

    try:
        record = parse_json(raw)
    except BadJSON as exc:
        fail(str(exc))
        return None
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        fail('a JSONL record needs a "text" string')
        return None
    if _SURROGATE_ESCAPE.search(raw):
        try:
            record, replaced = _repaired(record)
        except RecursionError:
            fail(_TOO_DEEP)
            return None
        if replaced:
            on_warning(InputError(
                f"{replaced} lone surrogate(s) (invalid Unicode escapes such as \\ud800) replaced by U+FFFD; "
                "every offset is unchanged", path=str(path), line=number))
    fields = {k: v for k, v in record.items() if k not in ("text", "spans", "entities")}
    doc_id = str(record.get("id", f"{path}:{number}"))
    return Document(id=doc_id, text=record["text"], path=str(path), fields=fields, line=number)


def _finite(number: str) -> float:
    """A JSON number as a float; one too large for a float (1e999) cannot be written back as JSON."""
    value = float(number)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"{number} is too large a number")
    return value


def _not_json(constant: str) -> None:
    """Python's json reads NaN and Infinity, which are not JSON and cannot be written back out."""
    raise ValueError(f"{constant} is not a JSON value")


def _repaired(value: Any) -> tuple[Any, int]:
    """``value`` with lone surrogates in every string (keys too) replaced, and how many."""
    if isinstance(value, str):
        return repair_surrogates(value)
    if isinstance(value, list):
        items = [_repaired(v) for v in value]
        return [v for v, _ in items], sum(n for _, n in items)
    if isinstance(value, dict):
        total, out = 0, {}
        for key, item in value.items():
            new_key, n = repair_surrogates(key)
            new_item, m = _repaired(item)
            out[new_key] = new_item
            total += n + m
        return out, total
    return value, 0
