"""Safe YAML loading that remembers line numbers and refuses duplicate keys.

PyYAML silently keeps the last of two equal mapping keys; an analyst who writes ``variants:``
twice loses the first list without a word. Here that is an error naming both lines.
YAML 1.1 also reads ``NO`` (Norway), ``yes``, ``on`` and ``off`` as booleans; here only
``true``/``false`` are booleans and every other plain scalar of that kind stays a string.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import GazetteerError

_TRUE_FALSE = {"true", "false"}


class LineDict(dict):
    """A mapping from YAML that knows the line of itself and of each key."""

    line: int = 0
    lines: dict[Any, int]


class LineList(list):
    """A sequence from YAML that knows the line of itself and of each item."""

    line: int = 0
    lines: list[int]


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


def load_yaml(text: str, *, path: str) -> Any:
    """Parse one YAML document into LineDict/LineList/scalars, or raise GazetteerError."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        return _build(node, loader, path)
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
    finally:
        loader.dispose()


def _build(node: yaml.Node, loader: yaml.SafeLoader, path: str) -> Any:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out = LineDict()
        out.line, out.lines = line, {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise GazetteerError("a key must be a plain word", path=path, line=key_line)
            key = _scalar(key_node, loader)
            if key in out:
                raise GazetteerError(
                    f"duplicate key {key!r} (first on line {out.lines[key]})",
                    path=path,
                    line=key_line,
                    hint="YAML would silently keep only the last one; merge them into one key",
                )
            out[key] = _build(value_node, loader, path)
            out.lines[key] = key_line
        return out
    if isinstance(node, yaml.SequenceNode):
        items = LineList()
        items.line, items.lines = line, []
        for item in node.value:
            items.append(_build(item, loader, path))
            items.lines.append(item.start_mark.line + 1)
        return items
    return _scalar(node, loader)


def _scalar(node: yaml.ScalarNode, loader: yaml.SafeLoader) -> Any:
    if node.tag == "tag:yaml.org,2002:bool" and node.value.lower() not in _TRUE_FALSE:
        return node.value
    return loader.construct_object(node, deep=True)
