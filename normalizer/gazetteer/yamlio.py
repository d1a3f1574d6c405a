"""Safe YAML loading that remembers line numbers and refuses what could hurt.

PyYAML silently keeps the last of two equal mapping keys; an analyst who writes ``variants:``
twice loses the first list without a word. Here that is an error naming both lines.
YAML 1.1 also reads ``NO`` (Norway), ``yes``, ``on`` and ``off`` as booleans; here only
``true``/``false`` are booleans and every other plain scalar of that kind stays a string.

A gazetteer or patch file can come from anyone, so the loader also refuses, each as a
``file:line`` GazetteerError and before it costs anything:

* anchors and aliases (``&name`` / ``*name``): refused outright, not capped. No gazetteer or patch
  needs them, and expanding them is how a few hundred bytes become gigabytes ("billion laughs");
  the refusal happens at the first anchor or alias event, before any node is shared or copied;
* merge keys (``<<``), which only make sense with aliases;
* explicit tags other than YAML's plain types (``!!python/object/apply:...``, ``!!binary``,
  ``!custom``): the safe loader would not run them, but nor should it silently drop them;
* nesting deeper than ``MAX_DEPTH`` levels, checked while composing (PyYAML's composer recurses
  once per level, so without the limit a deep file ends in RecursionError);
* control characters and other characters YAML does not allow (``\\x00``, ``\\x07``, ``\\x7f``);
* scalars PyYAML resolves but cannot build, such as the date ``2022-13-45`` or an integer of
  thousands of digits.

The parser is libyaml's (C) when PyYAML has it, else PyYAML's own; every refusal above, and every
message, is the same with either (see ``LIBYAML``).
"""
from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from ..errors import GazetteerError

# A gazetteer item needs 5 levels (file list, entry, variants, variant, name) and a suggest patch 7
# (document, proposals, proposal, new, variants, variant, name); 50 leaves ample room for either
# while keeping the composer's recursion (about 4 Python frames per level) far from Python's limit.
MAX_DEPTH = 50

_TRUE_FALSE = {"true", "false"}
_STR_TAG = "tag:yaml.org,2002:str"
_NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
# Explicit tags a file may use (``!!str 1984``); any other tag is refused.
_ALLOWED_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map")
)
_NO_WRITTEN: Mapping[Any, str] = MappingProxyType({})


class LineDict(dict):
    """A mapping from YAML that knows the line of itself and of each key.

    ``written`` holds, for each value YAML read as a number, the text as written (``1_984``, ``.nan``).
    """

    line: int = 0
    lines: dict[Any, int]
    written: Mapping[Any, str] = _NO_WRITTEN


class LineList(list):
    """A sequence from YAML that knows the line of itself and of each item.

    ``written`` holds, by index, the text of each item YAML read as a number, as written.
    """

    line: int = 0
    lines: list[int]
    written: Mapping[int, str] = _NO_WRITTEN


def read_text(path: Path) -> str:
    """Read a UTF-8 file, turning OS and decoding problems into GazetteerError."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise GazetteerError(f"cannot read file: {exc.strerror}", path=str(path)) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise GazetteerError(
            "file is not UTF-8 text", path=str(path), line=line, hint="save it as UTF-8"
        ) from exc


# Parse with libyaml, PyYAML's C parser, when PyYAML was built with it (about 8 times faster on the
# shipped gazetteer), else with PyYAML's pure-Python parser. The refusals are the same: the checks
# below run on the parser's events either way, and a file libyaml finds invalid is read again by the
# pure-Python parser, so its message is the same too. A file with a tab goes to the pure-Python parser,
# which refuses tabs that libyaml takes as spaces (``a: b<TAB># note``). libyaml still accepts a few
# rare things the pure-Python parser calls invalid YAML (a '?' inside a name in a flow list, ``[Who?]``;
# a comment right after ``|``; a byte-order mark starting a later line). A module switch, so tests can
# run both parsers.
LIBYAML: bool = bool(getattr(yaml, "__with_libyaml__", False))


class _Checks(yaml.composer.Composer):
    """PyYAML's composer with a depth limit and without anchors, aliases or tags, over either parser."""

    path: str
    depth: int

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        event = self.peek_event()
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            sign = "*" if isinstance(event, yaml.AliasEvent) else "&"
            raise GazetteerError(
                "not allowed: YAML anchors and aliases (&name / *name)", path=self.path, line=line,
                hint=f"found {sign}{_shorten(event.anchor)}; write the value out in full wherever it is needed",
            )
        tag = getattr(event, "tag", None)
        if tag is not None and tag not in _ALLOWED_TAGS:
            raise GazetteerError(
                f"not allowed: the YAML tag {_shorten(tag.replace('tag:yaml.org,2002:', '!!'))}", path=self.path,
                line=line,
                hint="gazetteer and patch files need no tags; to make a number a name, put it in quotes",
            )
        if self.depth >= MAX_DEPTH:
            raise GazetteerError(
                f"nested more than {MAX_DEPTH} levels deep", path=self.path, line=line,
                hint="a gazetteer or patch file needs 7 levels at most; look for an unclosed '[' or '{'",
            )
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _Loader(_Checks, yaml.SafeLoader):
    """PyYAML's pure-Python safe loader, composing with the checks."""

    def __init__(self, text: str, *, path: str) -> None:
        self.path, self.depth = path, 0
        super().__init__(text)


if LIBYAML:
    class _CLoader(_Checks, yaml.CSafeLoader):
        """libyaml's events, composed in Python with the checks (``_Checks`` comes first, so its
        ``get_single_node`` and ``compose_node`` replace the C composer, which has neither limit)."""

        def __init__(self, text: str, *, path: str) -> None:
            self.path, self.depth = path, 0
            yaml.CSafeLoader.__init__(self, text)
            yaml.composer.Composer.__init__(self)


def load_yaml(text: str, *, path: str) -> Any:
    """Parse one YAML document into LineDict/LineList/scalars, or raise GazetteerError."""
    bad = yaml.reader.Reader.NON_PRINTABLE.search(text)  # what PyYAML's reader refuses, before parsing
    if bad is not None:
        raise _character_error(text, bad.start(), path)
    if LIBYAML and "\t" not in text:
        try:
            return _load(_CLoader(text, path=path), path)
        except yaml.YAMLError:
            pass  # invalid: read again below, for the pure-Python parser's message (libyaml words it otherwise)
    try:
        return _load(_Loader(text, path=path), path)
    except yaml.reader.ReaderError as exc:
        raise _character_error(text, exc.position, path) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise GazetteerError(
            f"not valid YAML: {problem}",
            path=path,
            line=line,
            hint="check indentation and that names containing ': ' or '#' are quoted",
        ) from exc


def _load(loader: _Checks, path: str) -> Any:
    try:
        node = loader.get_single_node()
        return None if node is None else _build(node, loader, path)
    finally:
        loader.dispose()


def _character_error(text: str, position: int, path: str) -> GazetteerError:
    """A character the YAML reader refuses, located by line and column."""
    position = min(position, len(text) - 1)
    code = ord(text[position])
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    kind = "control character" if unicodedata.category(chr(code)) == "Cc" else "character"
    return GazetteerError(
        f"{kind} U+{code:04X} at line {line}, column {column}: remove it",
        path=path, line=line,
        hint="YAML allows tabs and line breaks but no other control characters; "
        "an editor may show it as a box, ^G or nothing at all",
    )


def _build(node: yaml.Node, loader: _Checks, path: str) -> Any:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out = LineDict()
        out.line, out.lines, written = line, {}, {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise GazetteerError("a key must be a plain word", path=path, line=key_line)
            key = _scalar(key_node, loader, path)
            if key in out:
                raise GazetteerError(
                    f"duplicate key {key!r} (first on line {out.lines[key]})",
                    path=path,
                    line=key_line,
                    hint="YAML would silently keep only the last one; merge them into one key",
                )
            out[key] = _build(value_node, loader, path)
            out.lines[key] = key_line
            if _is_number(value_node):
                written[key] = value_node.value
        if written:
            out.written = written
        return out
    if isinstance(node, yaml.SequenceNode):
        items = LineList()
        items.line, items.lines, written = line, [], {}
        for index, item in enumerate(node.value):
            items.append(_build(item, loader, path))
            items.lines.append(item.start_mark.line + 1)
            if _is_number(item):
                written[index] = item.value
        if written:
            items.written = written
        return items
    return _scalar(node, loader, path)


def _is_number(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag in _NUMBER_TAGS


def _scalar(node: yaml.ScalarNode, loader: _Checks, path: str) -> Any:
    if node.tag == _STR_TAG:  # most scalars: what the constructor would return, without its bookkeeping
        return node.value
    if node.tag == "tag:yaml.org,2002:bool" and node.value.lower() not in _TRUE_FALSE:
        return node.value
    if node.tag == "tag:yaml.org,2002:merge":
        raise GazetteerError(
            "not allowed: YAML merge keys (<<)", path=path, line=node.start_mark.line + 1,
            hint="write the keys out in full in each entry",
        )
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, OverflowError) as exc:  # 2022-13-45 (a bad date), an int of 5,000 digits
        raise GazetteerError(
            f"cannot read {_shorten(node.value)!r} as YAML reads it ({_shorten(str(exc))})",
            path=path, line=node.start_mark.line + 1, hint="put it in quotes if it is text",
        ) from exc


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
