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
* nesting deeper than ``MAX_DEPTH`` levels, checked on the parser's events as they arrive (the
  loader keeps its own stack and does not recurse, so no depth ends in RecursionError);
* control characters and other characters YAML does not allow (``\\x00``, ``\\x07``, ``\\x7f``);
* scalars PyYAML resolves but cannot build, such as the date ``2022-13-45`` or an integer of
  thousands of digits.

The parser is libyaml's (C) when PyYAML has it, else PyYAML's own; every refusal above, and every
message, is the same with either (see ``LIBYAML``). The values are built in one pass over the parser's
events, with no PyYAML nodes in between (see ``_load``).
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
# (document, proposals, proposal, new, variants, variant, name); 50 leaves ample room for either.
MAX_DEPTH = 50

_TRUE_FALSE = {"true", "false"}
_STR_TAG = "tag:yaml.org,2002:str"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
# Explicit tags a file may use (``!!str 1984``); any other tag is refused.
_ALLOWED_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map")
)
# What an event's tag may be: none, or one of those (an alias event has no tag, but is refused first).
_NO_OR_ALLOWED_TAG = _ALLOWED_TAGS | {None}
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

# Only the loaders' parsers (``get_event``), resolvers and constructors are used: no composer, no nodes.
_Loader = yaml.SafeLoader
_CLoader = getattr(yaml, "CSafeLoader", None)

_SCALAR, _ALIAS, _MAP_START = yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent
_SEQ_END, _MAP_END = yaml.SequenceEndEvent, yaml.MappingEndEvent


def load_yaml(text: str, *, path: str) -> Any:
    """Parse one YAML document into LineDict/LineList/scalars, or raise GazetteerError."""
    bad = yaml.reader.Reader.NON_PRINTABLE.search(text)  # what PyYAML's reader refuses, before parsing
    if bad is not None:
        raise _character_error(text, bad.start(), path)
    if LIBYAML and "\t" not in text:
        try:
            return _load(_CLoader(text), path)
        except yaml.YAMLError:
            pass  # invalid: read again below, for the pure-Python parser's message (libyaml words it otherwise)
    try:
        return _load(_Loader(text), path)
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


# One pass over the parser's events builds the LineDicts, LineLists and scalars, with a stack of the
# collections still open (its length is the depth). The errors come in the order PyYAML's composer and
# a build step after it would give: a refusal (anchor, alias, tag, depth) or invalid YAML as soon as its
# event arrives; a problem of building (a duplicate or non-scalar key, a merge key, a scalar that cannot
# be built) only once the rest of the document has parsed and passed those checks, since any of them
# later in the file comes first (a duplicate key on line 2 and a YAML error on line 90: the YAML error).


class _Later(Exception):
    """A problem of building, raised once the rest of the document has been checked (see above)."""

    def __init__(self, error: Exception) -> None:
        self.error = error


def _load(loader: Any, path: str) -> Any:
    """The one document of a stream (None if empty), with the order of events PyYAML's ``get_single_node`` reads."""
    try:
        get = loader.get_event
        get()  # STREAM-START
        if loader.check_event(yaml.StreamEndEvent):
            return None
        get()  # DOCUMENT-START
        root_mark = loader.peek_event().start_mark
        stack: list[_Seq | _Map] = []
        later = None
        try:
            root = _build(loader, path, stack)
        except _Later as exc:
            later = exc.error
            _drain(loader, len(stack), path)
        get()  # DOCUMENT-END
        if not loader.check_event(yaml.StreamEndEvent):
            raise yaml.composer.ComposerError(
                "expected a single document in the stream", root_mark, "but found another document",
                get().start_mark,
            )
        if later is not None:
            raise later
        return root
    finally:
        loader.dispose()


def _build(loader: Any, path: str, stack: list[_Seq | _Map]) -> Any:
    """The root's value, from its events; ``stack`` holds the open collections (left as they are on _Later)."""
    get, resolve, plain_tags = loader.get_event, loader.resolve, {}
    while True:
        event = get()
        kind = event.__class__
        if kind is _SEQ_END or kind is _MAP_END:
            value = stack.pop().close()
            line, written = value.line, None
        else:
            depth = len(stack)
            if event.anchor is not None or event.tag not in _NO_OR_ALLOWED_TAG or depth >= MAX_DEPTH:
                raise _refusal(event, depth, path)
            line = event.start_mark.line + 1
            if kind is not _SCALAR:  # a sequence or mapping opens
                stack.append(_Map(line) if kind is _MAP_START else _Seq(line))
                if depth and stack[-2].wants_key:
                    raise _Later(GazetteerError("a key must be a plain word", path=path, line=line))
                continue
            value, tag = event.value, event.tag
            if tag is None:
                implicit = event.implicit
                if not implicit[0]:  # quoted or a block scalar: the resolver's default
                    tag = resolve(yaml.ScalarNode, value, implicit)
                elif (tag := plain_tags.get(value)) is None:  # a plain one's tag depends on its text only
                    tag = plain_tags[value] = resolve(yaml.ScalarNode, value, implicit)
            written = value if tag in _NUMBER_TAGS else None
            if tag != _STR_TAG:  # most scalars are strings: the value as it is, without the constructor
                value = _scalar(loader, event, tag, line, path)
        if not stack:
            return value
        stack[-1].add(value, line, written, path)


def _drain(loader: Any, depth: int, path: str) -> None:
    """The rest of the root's events after a problem of building, with only the checks made as they arrive."""
    get = loader.get_event
    while depth:
        event = get()
        kind = event.__class__
        if kind is _SEQ_END or kind is _MAP_END:
            depth -= 1
            continue
        if event.anchor is not None or event.tag not in _NO_OR_ALLOWED_TAG or depth >= MAX_DEPTH:
            raise _refusal(event, depth, path)
        if kind is not _SCALAR:
            depth += 1


def _refusal(event: Any, depth: int, path: str) -> GazetteerError:
    """An anchor or alias, a tag outside the allowed ones, or nesting too deep, in that order."""
    line = event.start_mark.line + 1
    if event.__class__ is _ALIAS or event.anchor is not None:
        sign = "*" if event.__class__ is _ALIAS else "&"
        return GazetteerError(
            "not allowed: YAML anchors and aliases (&name / *name)", path=path, line=line,
            hint=f"found {sign}{_shorten(event.anchor)}; write the value out in full wherever it is needed",
        )
    if event.tag is not None and event.tag not in _ALLOWED_TAGS:
        return GazetteerError(
            f"not allowed: the YAML tag {_shorten(event.tag.replace('tag:yaml.org,2002:', '!!'))}", path=path,
            line=line,
            hint="gazetteer and patch files need no tags; to make a number a name, put it in quotes",
        )
    return GazetteerError(
        f"nested more than {MAX_DEPTH} levels deep", path=path, line=line,
        hint="a gazetteer or patch file needs 7 levels at most; look for an unclosed '[' or '{'",
    )


class _Seq:
    """An open sequence: its LineList and the written form of its number items."""

    __slots__ = ("items", "written")
    wants_key = False

    def __init__(self, line: int) -> None:
        self.items = LineList()
        self.items.line, self.items.lines, self.written = line, [], {}

    def add(self, value: Any, line: int, written: str | None, path: str) -> None:
        items = self.items
        if written is not None:
            self.written[len(items)] = written
        items.append(value)
        items.lines.append(line)

    def close(self) -> LineList:
        if self.written:
            self.items.written = self.written
        return self.items


class _Map:
    """An open mapping: its LineDict, the written form of its number values, and a key awaiting its value."""

    __slots__ = ("out", "written", "wants_key", "key", "key_line")

    def __init__(self, line: int) -> None:
        self.out = LineDict()
        self.out.line, self.out.lines, self.written, self.wants_key = line, {}, {}, True

    def add(self, value: Any, line: int, written: str | None, path: str) -> None:
        out = self.out
        if self.wants_key:
            if value in out:
                raise _Later(GazetteerError(
                    f"duplicate key {value!r} (first on line {out.lines[value]})", path=path, line=line,
                    hint="YAML would silently keep only the last one; merge them into one key",
                ))
            self.key, self.key_line, self.wants_key = value, line, False
            return
        key = self.key
        out[key] = value
        out.lines[key] = self.key_line
        if written is not None:
            self.written[key] = written
        self.wants_key = True

    def close(self) -> LineDict:
        if self.written:
            self.out.written = self.written
        return self.out


def _scalar(loader: Any, event: yaml.ScalarEvent, tag: str, line: int, path: str) -> Any:
    """A scalar YAML does not read as a string: only true/false as booleans, no merge key, else the constructor's."""
    value = event.value
    if tag == _BOOL_TAG and value.lower() not in _TRUE_FALSE:
        return value
    if tag == "tag:yaml.org,2002:merge":
        raise _Later(GazetteerError(
            "not allowed: YAML merge keys (<<)", path=path, line=line, hint="write the keys out in full in each entry",
        ))
    if tag == _BOOL_TAG:
        return value.lower() == "true"  # what the constructor reads true or false as
    node = yaml.ScalarNode(tag, value, event.start_mark, event.end_mark, style=event.style)
    try:
        if tag in _NUMBER_TAGS:  # the constructor construct_object would call, without its bookkeeping
            return loader.yaml_constructors[tag](loader, node)
        return loader.construct_object(node, deep=True)
    except (ValueError, OverflowError) as exc:  # 2022-13-45 (a bad date), an int of 5,000 digits
        error = GazetteerError(
            f"cannot read {_shorten(value)!r} as YAML reads it ({_shorten(str(exc))})",
            path=path, line=line, hint="put it in quotes if it is text",
        )
        error.__cause__ = exc
        raise _Later(error) from exc
    except yaml.YAMLError as exc:  # a tag with no constructor, as the value key '='
        raise _Later(exc) from exc


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
