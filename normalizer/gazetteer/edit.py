"""Minimal edits to an analyst's gazetteer file: everything not edited stays byte for byte.

ruamel.yaml's round-trip parser locates entries, keys and list items (line and column); the
edit itself is spliced into the original text: new list items go after the last item of the
list, in the list's own style (block ``- x`` lines at the same indentation, or inside the
``[...]`` of a flow list); a missing key is added after the entry's last line; new entries
are appended at the end. Comments, blank lines, quoting and order are never rewritten.
"""
from __future__ import annotations

import codecs
import json
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from .. import atomic
from ..errors import GazetteerError

_PLAIN = re.compile(r"^[^\W\d_](?:[\w.'’ -]*[\w.'’])?$")
_RESERVED = frozenset({"null", "true", "false", "yes", "no", "on", "off", "y", "n"})
ENTRY_KEY_ORDER = ("id", "name", "type", "country", "parent", "lat", "lon", "native", "variants", "not", "note")


def scalar(value: Any) -> str:
    """A YAML scalar for ``value``: plain when safe in any context, else JSON-style double quotes."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if _PLAIN.match(text) and text.casefold() not in _RESERVED and "  " not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def flow_item(value: str | dict[str, Any]) -> str:
    """A list item on one line: ``Kupyans'k`` or ``{name: Kupyans'k, kind: other}``."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {scalar(v)}" for k, v in value.items() if v is not None) + "}"
    return scalar(value)


def render_entry(fields: dict[str, Any], *, comment: str | None = None) -> str:
    """A new top-level item in the shipped files' layout (``- id: ...``, two-space keys)."""
    lines = [f"# {comment}"] if comment else []
    keys = [k for k in ENTRY_KEY_ORDER if k in fields] + [k for k in fields if k not in ENTRY_KEY_ORDER]
    for number, key in enumerate(keys):
        value = fields[key]
        lead = "- " if number == 0 else "  "
        if isinstance(value, list):
            lines.append(f"{lead}{key}:")
            lines.extend(f"    - {flow_item(v)}" for v in value)
        else:
            lines.append(f"{lead}{key}: {value if key == 'id' else scalar(value)}")
    return "\n".join(lines) + "\n"


class YamlFile:
    """One gazetteer file's text, edited in place in memory; ``save`` writes it back.

    ``save`` and ``restore`` replace the file atomically (``atomic.py``): a reader, a crash or a
    ``kill -9`` sees either the whole old file or the whole new one, never an empty or half file.
    Its permissions are kept. Read it while holding the lock of the sequence that writes it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.existed = path.exists()
        try:
            raw = path.read_bytes() if self.existed else b""
        except OSError as exc:
            raise GazetteerError(f"cannot read file: {exc.strerror or exc}", path=str(path)) from exc
        self.bom = raw.startswith(codecs.BOM_UTF8)
        self.original = raw
        try:
            self.text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise GazetteerError("file is not UTF-8 text", path=str(path), line=raw[: exc.start].count(b"\n") + 1,
                                 hint="save it as UTF-8") from exc
        self.newline = "\r\n" if "\r\n" in self.text else "\n"

    @property
    def changed(self) -> bool:
        return self.encoded() != self.original

    def encoded(self) -> bytes:
        return (codecs.BOM_UTF8 if self.bom else b"") + self.text.encode("utf-8")

    def save(self) -> None:
        """Replace the file with the edited text, atomically; raises OSError (the file is then as it was)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_bytes(self.path, self.encoded())

    def restore(self) -> None:
        """Put back the bytes read (atomically), or remove the file if there was none; raises OSError."""
        if self.existed:
            atomic.write_bytes(self.path, self.original)
        else:
            self.path.unlink(missing_ok=True)

    def _data(self) -> CommentedSeq | None:
        try:
            data = YAML(typ="rt").load(self.text)
        except YAMLError as exc:
            raise GazetteerError(f"cannot edit: not valid YAML ({exc})", path=str(self.path)) from exc
        if data is not None and not isinstance(data, CommentedSeq):
            raise GazetteerError("a gazetteer file must be a list of entries", path=str(self.path), line=1)
        return data

    def _find(self, entry_id: str) -> tuple[CommentedSeq, int] | None:
        data = self._data()
        for number, item in enumerate(data or []):
            if isinstance(item, CommentedMap) and item.get("id") == entry_id:
                return data, number
        return None

    def has_entry(self, entry_id: str) -> bool:
        return self._find(entry_id) is not None

    def line_of(self, entry_id: str) -> int | None:
        found = self._find(entry_id)
        return found[0].lc.item(found[1])[0] + 1 if found else None

    def append(self, block: str) -> None:
        """Add a block (one or more items) at the end, after a blank line."""
        text = self.text
        if text and not text.endswith(("\n", "\r")):
            text += self.newline
        if text.strip():
            text += self.newline
        self.text = text + block.replace("\n", self.newline)

    def add_items(self, entry_id: str, key: str, items: list[str]) -> None:
        """Append rendered items (see ``flow_item``) to the list ``key`` of the entry ``entry_id``."""
        found = self._find(entry_id)
        if found is None:
            raise GazetteerError(f"entry {entry_id!r} not found", path=str(self.path))
        data, number = found
        item = data[number]
        where = {"path": str(self.path), "line": data.lc.item(number)[0] + 1, "entry": entry_id}
        if item.fa.flow_style():
            raise GazetteerError("the entry is written on one line ({...}); edit it by hand", **where)
        lines = self.text.splitlines(keepends=True)
        end = data.lc.item(number + 1)[0] if number + 1 < len(data) else len(lines)
        if key not in item:
            last = _last_content(lines, data.lc.item(number)[0], end)
            indent = " " * item.lc.key(next(iter(item)))[1]
            new = [f"{indent}{key}:"] + [f"{indent}  - {x}" for x in items]
            self._insert_lines(lines, last + 1, new)
            return
        value = item[key]
        if isinstance(value, CommentedSeq) and (value.fa.flow_style() or self._char_at(item.lc.value(key)) == "["):
            self._insert_flow(item.lc.value(key), items, where)
        elif isinstance(value, CommentedSeq) or value is None:
            keys = list(item)
            following = keys[keys.index(key) + 1:]
            stop = item.lc.key(following[0])[0] if following else end
            last = _last_content(lines, item.lc.key(key)[0], stop)
            column = item.lc.value(key)[1] if value else item.lc.key(key)[1] + 2
            self._insert_lines(lines, last + 1, [f"{' ' * column}- {x}" for x in items])
        else:
            raise GazetteerError(f"{key!r} is not a list; write it as a list to add to it", **where)

    def _char_at(self, position: tuple[int, int]) -> str:
        lines = self.text.splitlines(keepends=True)
        return lines[position[0]][position[1]: position[1] + 1] if position[0] < len(lines) else ""

    def _insert_lines(self, lines: list[str], at: int, new: list[str]) -> None:
        if at > 0 and not lines[at - 1].endswith(("\n", "\r")):
            lines[at - 1] += self.newline
        lines[at:at] = [line + self.newline for line in new]
        self.text = "".join(lines)

    def _insert_flow(self, position: tuple[int, int], items: list[str], where: dict[str, Any]) -> None:
        lines = self.text.splitlines(keepends=True)
        start = sum(len(line) for line in lines[: position[0]]) + position[1]
        close = _closing_bracket(self.text, start)
        if close is None:
            raise GazetteerError("cannot find the end of the [...] list", **where)
        inside = self.text[start + 1: close]
        addition = (", " if inside.strip() else "") + ", ".join(items)
        cut = start + 1 + len(inside.rstrip())
        self.text = self.text[:cut] + addition + self.text[cut:]


def _last_content(lines: list[str], first: int, stop: int) -> int:
    """The last line before ``stop`` (and from ``first``) that is not blank or a comment."""
    last = first
    for number in range(first, min(stop, len(lines))):
        stripped = lines[number].strip()
        if stripped and not stripped.startswith("#"):
            last = number
    return last


def _closing_bracket(text: str, start: int) -> int | None:
    """Offset of the ``]`` closing the flow list opened at ``start``, skipping quoted text."""
    depth, quote, i = 0, "", start
    while i < len(text):
        char = text[i]
        if quote:
            if char == "\\" and quote == '"':
                i += 1
            elif char == quote:
                if quote == "'" and text[i + 1: i + 2] == "'":
                    i += 1
                else:
                    quote = ""
        elif char in "'\"" and text[i - 1] in "[{, \n":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None
