"""Gold and system records for the scorer: read (one JSON reader, see :mod:`normalizer.corpus.inputs`)
and checked, every problem located by ``file:line``.

Malformed gold is an error listing its bad lines (the scores would mean nothing); malformed
system records or spans are skipped, each with a warning.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..corpus.inputs import BadJSON, parse_json
from ..errors import InputError

_LISTED = 10  # malformed records listed one by one, in an error or in the warnings


class Records(list):
    """Records read from a file: a list that remembers the file and the line of each record
    (None for the items of one JSON list), so that problems are reported as ``file:line``."""

    def __init__(self, records: list[Any], *, path: str, lines: list[int | None]) -> None:
        super().__init__(records)
        self.path = path
        self.lines = lines


def load_records(path: str | Path) -> Records:
    """Read gold or system records: JSONL, or one JSON object (or list) in a ``.json`` file.

    The records are not checked here (a record of gold and one of system output have different
    rules); :func:`evaluate` does it and reports problems by the lines this list remembers.
    """
    path = Path(path)
    try:
        data = path.read_bytes().removeprefix(b"\xef\xbb\xbf").strip()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from None
    whole = path.suffix == ".json" and data[:1] in (b"{", b"[") and b"\n{" not in data
    numbered = enumerate(data.split(b"\n"), 1)
    chunks = [(1, data)] if whole else [(n, line) for n, line in numbered if line.strip()]
    records: list[Any] = []
    lines: list[int | None] = []
    for number, chunk in chunks:
        try:
            value = parse_json(chunk)
        except BadJSON as exc:
            raise InputError(str(exc), path=str(path), line=number + exc.line - 1) from None
        items = value if whole and isinstance(value, list) else [value]
        records.extend(items)
        lines.extend([None] * len(items) if items is value else [number])
    return Records(records, path=str(path), lines=lines)


def _where(records: list, position: int, which: str) -> tuple[str | None, int | None, str]:
    """(path, line, prefix) of a record: from the file :func:`load_records` read, else its number."""
    if isinstance(records, Records):
        line = records.lines[position] if position < len(records.lines) else None
        return records.path, line, "" if line else f"record {position + 1}: "
    return None, None, f"{which} record {position + 1}: "


def _shown(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, float) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _kind(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false", type(None): "null"}.get(
        type(value), "a number")


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _optional_string(value: object) -> bool:
    return value is None or isinstance(value, str)


def _record_problem(record: object, spans_key: str | None) -> str | None:
    """What is wrong with a record as a whole, or None. ``spans_key`` None: gold (``spans`` required)."""
    if not isinstance(record, dict):
        return f"the record is {_kind(record)}, not a JSON object"
    if not _optional_string(record.get("id")):
        return f"'id' is {_kind(record['id'])} ({_shown(record['id'])}), not a string or null"
    if spans_key is None:
        if "spans" not in record:
            return "no 'spans' list"
        if not isinstance(record.get("text", ""), str):
            return f"'text' is {_kind(record['text'])}, not a string"
    spans = record.get("spans", record.get("entities", [])) if spans_key else record["spans"]
    if not isinstance(spans, list):
        return f"'{'spans' if 'spans' in record else 'entities'}' is {_kind(spans)}, not a list"
    return None


def _span_problem(span: object, number: int, *, gold: bool, text: str | None = None) -> str | None:
    """What is wrong with one span; a gold span's offsets are checked against its ``text``, if any."""
    if not isinstance(span, dict):
        return f"span {number} is {_kind(span)}, not a JSON object"
    for key in ("start", "end", "label") if gold else ("start", "end"):
        if key not in span:
            return f"span {number} has no '{key}'"
    for key in ("start", "end"):
        if not _whole(span[key]):
            return f"span {number}: '{key}' is {_shown(span[key])}, not a whole number"
    if not (isinstance(span.get("label"), str) or (not gold and span.get("label") is None)):
        return f"span {number}: 'label' is {_shown(span.get('label'))}, not a string"
    for key in ("id", "canonical_id", "kb_id"):
        if not _optional_string(span.get(key)):
            return f"span {number}: '{key}' is {_shown(span[key])}, not a string or null"
    for key in ("lat", "lon"):
        if span.get(key) is not None and not _number(span[key]):
            return f"span {number}: '{key}' is {_shown(span[key])}, not a number"
    return _gold_span_problem(span, number, text) if gold else None


def _gold_span_problem(span: dict, number: int, text: str | None) -> str | None:
    """What only a gold span must get right: its offsets in the text, its alternative ids, both coordinates."""
    start, end = span["start"], span["end"]
    if not start < end:
        return f"span {number}: start {start} is not before end {end}"
    if start < 0 or (text is not None and end > len(text)):
        return f"span {number}: {start}-{end} is outside the text ({len(text)} characters)"
    alt_ids = span.get("alt_ids", [])
    if not (isinstance(alt_ids, list) and all(isinstance(a, str) for a in alt_ids)):
        return f"span {number}: 'alt_ids' is {_shown(alt_ids)}, not a list of strings"
    if span.get("lat") is not None and span.get("lon") is None:
        return f"span {number} has a 'lat' but no 'lon'"
    return None


def check_gold(gold: list) -> None:
    """Raise :class:`InputError` naming every malformed gold record (the first ``_LISTED``).

    :func:`evaluate` calls it; call it yourself to stop before annotating the gold texts.
    """
    problems: list[tuple[str | None, int | None, str]] = []
    for position, record in enumerate(gold):
        problem = _record_problem(record, None)
        if problem is None:
            text = record.get("text")  # without one, any range from 0 up is accepted
            problem = next((p for n, span in enumerate(record["spans"], 1)
                            if (p := _span_problem(span, n, gold=True, text=text)) is not None), None)
        if problem is not None:
            path, line, prefix = _where(gold, position, "gold")
            problems.append((path, line, prefix + problem))
    if not problems:
        return
    path, line, first = problems[0]
    listed = [_located(*p) for p in problems[1:_LISTED]]
    more = [f"... and {len(problems) - _LISTED} more"] if len(problems) > _LISTED else []
    total = [f"{len(problems)} malformed gold records: fix them and run again"] if len(problems) > 1 else []
    raise InputError("\n".join([first, *listed, *more, *total]), path=path, line=line)


def _located(path: str | None, line: int | None, message: str) -> str:
    where = f"{path}:{line}: " if path and line else (f"{path}: " if path else "")
    return where + message


def usable_system(system: list, warnings: list[str]) -> list[dict]:
    """The system records with malformed records emptied and malformed spans left out, each
    reported in ``warnings`` (the first ``_LISTED``, then a count). Positions are kept."""
    usable: list[dict] = []
    problems: list[str] = []
    for position, record in enumerate(system):
        path, line, prefix = _where(system, position, "system")
        problem = _record_problem(record, "spans")
        if problem is not None:
            problems.append(_located(path, line, f"{prefix}{problem}; the record is skipped"))
            keep_id = isinstance(record, dict) and isinstance(record.get("id"), str)
            usable.append({"id": record["id"], "spans": []} if keep_id else {})
            continue
        key = "spans" if "spans" in record else "entities"
        spans = record.get(key, [])
        bad = [(n, p) for n, span in enumerate(spans, 1) if (p := _span_problem(span, n, gold=False)) is not None]
        if bad:
            problems += [_located(path, line, f"{prefix}{p}; the span is skipped") for _, p in bad]
            skipped = {n for n, _ in bad}
            record = {**record, key: [span for n, span in enumerate(spans, 1) if n not in skipped]}
        usable.append(record)
    warnings += problems[:_LISTED]
    if len(problems) > _LISTED:
        warnings.append(f"... and {len(problems) - _LISTED} more malformed system records or spans, skipped")
    return usable


