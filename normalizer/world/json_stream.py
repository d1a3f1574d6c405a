"""A JSON object read one member at a time: the world build's big source file without its whole tree in memory."""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

_SPACE = re.compile(r"[ \t\n\r]*")  # JSON's white space
_NUMBER_PART = re.compile(r"[0-9eE+\-.]*")  # characters that may continue a number
_CHUNK = 1 << 20  # characters read at a time
_DECODER = json.JSONDecoder()


def json_members(path: Path, *, chunk: int = _CHUNK) -> Iterator[tuple[str, Any]]:
    """The members of the JSON object in ``path``, in file order, read a megabyte at a time.

    What ``json.loads(text).items()`` holds, without holding it all (cities500.json, 80 MB, is about
    400 MB as one dict); a key written twice comes twice. A file that is not one JSON object raises
    ``json.JSONDecodeError``. ``chunk``: characters read at a time.
    """
    with path.open(encoding="utf-8", newline="") as handle:
        reader = _JsonReader(handle, chunk)
        reader.expect("{")
        if reader.peek() == "}":
            reader.pos += 1
        else:
            while True:
                key = reader.value()
                if not isinstance(key, str):
                    raise reader.error("a member name (a string)")
                reader.expect(":")
                yield key, reader.value()
                if reader.peek() == "}":
                    reader.pos += 1
                    break
                reader.expect(",")
        if reader.peek():
            raise reader.error("the end of the file")


class _JsonReader:
    """A window on a JSON text: ``buffer`` holds what has been read but not yet parsed from ``pos`` on."""

    def __init__(self, handle: IO[str], chunk: int) -> None:
        self.handle = handle
        self.chunk = chunk
        self.buffer = ""
        self.pos = 0
        self.read = 0  # characters before the buffer, for messages

    def _more(self) -> bool:
        """Read on (at least a chunk, else as much again as is waiting: a long value costs linear time)."""
        chunk = self.handle.read(max(self.chunk, len(self.buffer) - self.pos))
        if not chunk:
            return False
        self.read += self.pos
        self.buffer = self.buffer[self.pos:] + chunk
        self.pos = 0
        return True

    def peek(self) -> str:
        """The next character that is not white space, not consumed ("" at the end of the file)."""
        pos = self.pos
        if pos < len(self.buffer) and self.buffer[pos] not in " \t\n\r":  # most often
            return self.buffer[pos]
        while True:
            self.pos = _SPACE.match(self.buffer, self.pos).end()
            if self.pos < len(self.buffer) or not self._more():
                return self.buffer[self.pos:self.pos + 1]

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise self.error(repr(char))
        self.pos += 1

    def value(self) -> Any:
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as exc:
                if self._more():
                    continue
                raise json.JSONDecodeError(exc.msg, self.buffer, exc.pos) from None
            if self._complete(value, end) or not self._more():
                self.pos = end
                return value

    def _complete(self, value: Any, end: int) -> bool:
        """A string, array, object or literal is whole once parsed; a number may go on beyond the buffer
        ("-0" of "-0.5"): it is whole when something that cannot belong to it follows."""
        if not isinstance(value, int | float) or isinstance(value, bool):
            return True
        return _NUMBER_PART.match(self.buffer, end).end() < len(self.buffer)

    def error(self, expected: str) -> json.JSONDecodeError:
        return json.JSONDecodeError(f"expected {expected} (character {self.read + self.pos})", self.buffer, self.pos)
