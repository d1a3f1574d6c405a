"""Input documents from files, directories, stdin and JSONL, with a clear error per bad input.

A bad input (missing, binary, not UTF-8, a JSONL line that is not a JSON object with a text)
is reported through ``on_error`` and skipped; the other inputs are still read.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError

JSONL_SUFFIXES = (".jsonl", ".ndjson")


@dataclass
class Document:
    """One text to annotate, with the fields that pass through to the output record."""

    id: str
    text: str
    path: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)


def read_documents(
    inputs: Iterable[str], *, on_error: Callable[[InputError], None], stdin=None
) -> Iterator[Document]:
    """Documents of every input in order: ``-`` is stdin, directories are walked recursively."""
    for name in inputs:
        if name == "-":
            stream = stdin or sys.stdin
            yield Document(id="-", text=stream.read())
            continue
        path = Path(name)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p, path))
            for file in files:
                yield from _read_file(file, on_error)
        else:
            yield from _read_file(path, on_error)


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _read_file(path: Path, on_error: Callable[[InputError], None]) -> Iterator[Document]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        on_error(InputError(f"cannot read: {exc.strerror or exc}", path=str(path)))
        return
    if b"\x00" in data[:8192]:
        on_error(InputError("binary file, not text", path=str(path)))
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        on_error(InputError(f"not UTF-8 text (byte {exc.start})", path=str(path), line=line))
        return
    if path.suffix.lower() in JSONL_SUFFIXES:
        yield from _jsonl(text, path, on_error)
    else:
        yield Document(id=str(path), text=text, path=str(path))


def _jsonl(text: str, path: Path, on_error: Callable[[InputError], None]) -> Iterator[Document]:
    # Only "\n" ends a record: str.splitlines() would also split inside texts at U+2028 and friends.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            on_error(InputError(f"not valid JSON: {exc.msg}", path=str(path), line=number))
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            on_error(InputError('a JSONL record needs a "text" string', path=str(path), line=number))
            continue
        fields = {k: v for k, v in record.items() if k not in ("text", "spans", "entities")}
        doc_id = str(record.get("id", f"{path}:{number}"))
        yield Document(id=doc_id, text=record["text"], path=str(path), fields=fields)
