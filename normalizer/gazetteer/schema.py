"""What a gazetteer entry is, and how one YAML item becomes an `Entry` (or a located error)."""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from ..errors import GazetteerError
from ..text.keys import fold, looks_like_acronym
from .yamlio import LineDict

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
TYPE_LABEL: dict[str, str] = {
    "country": "GPE",
    "region": "GPE",
    "district": "GPE",
    "city": "GPE",
    "town": "GPE",
    "village": "GPE",
    "republic": "GPE",
    "river": "LOC",
    "sea": "LOC",
    "lake": "LOC",
    "area": "LOC",
    "mountain": "LOC",
    "facility": "FAC",
    "person": "PERSON",
    "organization": "ORG",
}
VARIANT_KINDS = frozenset(
    {"former", "russian", "ukrainian", "abbreviation", "misspelling", "other", "generic"}
)
ENTRY_KEYS = frozenset(
    {"id", "name", "type", "variants", "native", "country", "parent", "lat", "lon",
     "wikidata", "note", "exclude", "not"}
)
VARIANT_KEYS = frozenset({"name", "kind", "weak"})
REJECTION_KEYS = frozenset({"name", "label", "context", "note"})
JUDGEMENT_KEYS = frozenset({"not", "note"})  # an item without id: names that are no entity at all
NER_LABELS = ("PERSON", "ORG", "GPE", "LOC", "FAC")
WORLD_ID_PREFIXES = ("geonames:", "iso3166-2:", "fips:")  # the id schemes of the world layer's places
# GeoNames ids, the world layer's ISO 3166-2 subdivisions and US county FIPS codes, or slugs.
ID_PATTERN = re.compile(
    r"^(geonames:[1-9][0-9]*|iso3166-2:[A-Z]{2}-[A-Z0-9]{1,3}|fips:[0-9]{5}|(place|person|org):[a-z0-9]+(-[a-z0-9]+)*)$"
)
COUNTRY_PATTERN = re.compile(r"^[A-Z]{2}$")
NOT_NAMES_FILE = "data/not_names.txt"  # inside the package: words that are never a name on their own
# Characters no name is written with: controls, invisible format characters (zero-width space,
# bidirectional overrides, soft hyphen), private-use, unassigned, and line/paragraph separators.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})


def label_fits(entry_type: str, label: str | None) -> bool:
    """Can a span NER tagged ``label`` be an entry of ``entry_type``? (any place label fits any place)"""
    if label is None:
        return True
    wanted = TYPE_LABEL.get(entry_type)
    if wanted in PLACE_LABELS:
        return label in PLACE_LABELS
    return wanted == label


@dataclass
class Variant:
    """One way of writing an entry's name."""

    name: str
    kind: str = "other"
    weak: bool = False
    generated: bool = False


@dataclass
class Rejection:
    """An analyst's judgement: ``name`` (when NER says ``label``, near ``context``) is not this entry,
    or, in an item without id, not an entity at all. See ``normalizer/gazetteer/judgements.py``."""

    name: str
    label: str | None = None
    context: str | None = None
    note: str | None = None
    path: str = "<memory>"
    line: int = 0


@dataclass
class Entry:
    """One person, organization or place, as the analyst's YAML says (after merging layers)."""

    canonical_id: str
    name: str | None = None
    type: str | None = None
    variants: list[Variant] = field(default_factory=list)
    native: list[str] = field(default_factory=list)
    country: str | None = None
    parent: str | None = None
    lat: float | None = None
    lon: float | None = None
    wikidata: str | None = None
    note: str | None = None
    exclude: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    path: str = "<memory>"
    line: int = 0

    @property
    def label(self) -> str | None:
        return TYPE_LABEL.get(self.type or "")

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"


@cache
def not_names() -> frozenset[str]:
    """The words of ``normalizer/data/not_names.txt`` as folded keys (read on first use, then kept)."""
    text = resources.files("normalizer").joinpath(NOT_NAMES_FILE).read_text(encoding="utf-8")
    words = {line.strip() for line in text.splitlines()}
    keys = {fold(w) for w in words if w and not w.startswith("#")}
    keys |= {w.casefold() for w in words if w and not w.startswith("#")}
    keys.discard("")
    return frozenset(keys)


def name_problem(name: str) -> tuple[str, str] | None:
    """Why ``name`` cannot be a gazetteer name, as (problem, hint), or None when it can.

    Refused: a name with an invisible or control character, without any letter or digit ("-",
    "."), with a single letter or digit ("A", "'s", "I."), or that is a word of ``not_names()``
    ("the", "of", "in"), unless it is written in capitals as an abbreviation (US, IS, WHO: those
    match only in capitals). Abbreviations of two letters or more (EU, U.S., G7) are names.
    """
    for char in name:
        if unicodedata.category(char) in _INVISIBLE_CATEGORIES:
            return (f"contains the invisible character U+{ord(char):04X}",
                    "retype the name; such characters come with copy and paste and keep it from matching")
    alphanumeric = [c for c in name if c.isalnum()]
    if not alphanumeric:
        return "has no letter or digit, so it cannot be a name", "remove it"
    if len(alphanumeric) == 1:
        what = "letter" if alphanumeric[0].isalpha() else "digit"
        return (f"is a single {what}, so it would match that {what} anywhere in a text",
                "remove it; abbreviations of two letters or more (EU, U.S.) are fine")
    if looks_like_acronym(name) and not any(c.islower() for c in name):
        return None  # US, IS, WHO: an abbreviation written in capitals matches only in capitals
    if fold(name) in not_names() or name.strip().casefold() in not_names():
        return ("is a common word, not a name",
                f"remove it; the words refused are listed in normalizer/{NOT_NAMES_FILE} "
                "(a longer name that contains one, like 'The Hague', is fine)")
    return None


def _check_name(name: str, what: str, line: int, where: dict[str, Any]) -> str:
    problem = name_problem(name)
    if problem:
        raise GazetteerError(f"{what} {name!r} {problem[0]}", line=line, **_not_line(where), hint=problem[1])
    return name


def _number_warning(
    warnings: list[str] | None, what: str, written: str, line: int, where: dict[str, Any]
) -> None:
    if warnings is not None:
        warnings.append(str(GazetteerError(
            f"{what} {written} is a YAML number; quote it ('{written}') if it is really a name",
            line=line, **_not_line(where),
        )))


def parse_entry(item: Any, *, path: str, line: int, warnings: list[str] | None = None) -> Entry:
    """Turn one YAML item into an Entry, raising GazetteerError with file:line on any problem.

    Doubtful but possible things (a name YAML read as a number) are appended to ``warnings``.
    """
    if not isinstance(item, LineDict):
        raise GazetteerError(
            "each item must be an entry (a mapping with id, name, type, ...)",
            path=path, line=line, hint="start the entry with '- id: ...'",
        )
    ident = item.get("id")
    where = {"path": path, "line": item.line, "entry": ident if isinstance(ident, str) else None}
    for key in item:
        if key not in ENTRY_KEYS:
            raise GazetteerError(
                f"unknown key {key!r}", path=path, line=item.lines[key], entry=where["entry"],
                hint=f"allowed keys: {', '.join(sorted(ENTRY_KEYS))}",
            )
    if not isinstance(ident, str) or not ID_PATTERN.match(ident):
        raise GazetteerError(
            f"bad or missing id {ident!r}", path=path, line=item.lines.get("id", item.line),
            hint="use geonames:<number>, iso3166-2:CA-ON, fips:21125, or a slug like place:kharkiv-oblast, "
            "person:lloyd-austin, org:sputnik (lowercase letters, digits and hyphens)",
        )
    entry = Entry(canonical_id=ident, path=path, line=item.line)

    def text(key: str) -> str | None:
        value = item.get(key)
        if value is None:
            return None
        if not isinstance(value, (str, int, float)) or isinstance(value, bool) or not str(value).strip():
            raise GazetteerError(f"{key!r} must be text", line=item.lines[key], **_not_line(where))
        return item.written.get(key, str(value)).strip()

    entry.name, entry.type = text("name"), text("type")
    if entry.name is not None:
        _check_name(entry.name, "name", item.lines["name"], where)
        if "name" in item.written:
            _number_warning(warnings, "name", entry.name, item.lines["name"], where)
    entry.parent, entry.wikidata, entry.note = text("parent"), text("wikidata"), text("note")
    if entry.type is not None and entry.type not in TYPE_LABEL:
        raise GazetteerError(
            f"unknown type {entry.type!r}", line=item.lines["type"], **_not_line(where),
            hint=f"use one of: {', '.join(TYPE_LABEL)}",
        )
    entry.country = _country(item, where)
    entry.lat, entry.lon = _coordinate(item, "lat", where), _coordinate(item, "lon", where)
    if (entry.lat is None) != (entry.lon is None):
        raise GazetteerError("give both lat and lon, or neither", line=item.line, **_not_line(where))
    entry.native = _names(item, "native", where, check=True)
    entry.exclude = _names(item, "exclude", where)
    entry.variants = _variants(item, where, warnings)
    entry.rejected = _rejections(item, where)
    return entry


def _country(item: LineDict, where: dict[str, Any]) -> str | None:
    country = item.get("country")
    if country is not None and (not isinstance(country, str) or not COUNTRY_PATTERN.match(country)):
        raise GazetteerError(
            f"country must be a two-letter ISO code, got {country!r}", line=item.lines["country"],
            **_not_line(where), hint="for example country: UA (quote 'NO' for Norway)",
        )
    return country


def _coordinate(item: LineDict, key: str, where: dict[str, Any]) -> float | None:
    """``lat`` or ``lon`` as a float in range, or None; NaN, infinities and text are errors."""
    value = item.get(key)
    if value is None:
        return None
    limit = 90 if key == "lat" else 180
    # abs() first: a huge int is out of range, and math.isfinite() could not convert it to float.
    if (isinstance(value, bool) or not isinstance(value, (int, float)) or abs(value) > limit
            or not math.isfinite(value)):
        got = item.written.get(key, repr(value))
        raise GazetteerError(f"{key} must be a number between -{limit} and {limit}, got {got}",
                             line=item.lines[key], **_not_line(where))
    return float(value)


def is_judgement_item(item: Any) -> bool:
    """An item without ``id`` that has ``not:``: names that are not an entity at all."""
    return isinstance(item, LineDict) and "id" not in item and "not" in item


def parse_judgement(item: LineDict, *, path: str) -> list[Rejection]:
    """The rejections of a ``- not: [...]`` item (no id), raising GazetteerError with file:line."""
    where = {"path": path, "line": item.line, "entry": None}
    for key in item:
        if key not in JUDGEMENT_KEYS:
            raise GazetteerError(
                f"unknown key {key!r} in a judgement item (an item with 'not:' and no id)",
                path=path, line=item.lines[key],
                hint="such an item takes only 'not' and 'note'; to say a name is not one entry, "
                "put 'not:' in that entry (add its id)",
            )
    return _rejections(item, where)


def _rejections(item: LineDict, where: dict[str, Any]) -> list[Rejection]:
    raw = item.get("not")
    if raw is None:
        return []
    if isinstance(raw, (str, LineDict)):
        raw, lines = [raw], [item.lines["not"]]
    elif isinstance(raw, list):
        lines = raw.lines
    else:
        raise GazetteerError(
            "'not' must be a list of names", line=item.lines["not"], **_not_line(where),
            hint="for example not: [Lyman, {name: Lyman, label: PERSON}]",
        )
    return [_rejection(value, line, where) for value, line in zip(raw, lines)]


def _rejection(value: Any, line: int, where: dict[str, Any]) -> Rejection:
    path = where["path"]
    if isinstance(value, str) and value.strip():
        return Rejection(name=value.strip(), path=path, line=line)
    if not isinstance(value, LineDict):
        raise GazetteerError(f"'not' item {value!r} must be a name", line=line, **_not_line(where))
    _refuse_unknown_keys(value, REJECTION_KEYS, where, message="unknown key {key!r} in 'not'",
                         hint="a 'not' item takes name, label, context and note")
    fields = {}
    for key in REJECTION_KEYS:
        text = value.get(key)
        if text is not None and (not isinstance(text, str) or not text.strip()):
            raise GazetteerError(f"'not' {key} must be text", line=value.lines[key], **_not_line(where))
        fields[key] = text.strip() if text is not None else None
    if fields["name"] is None:
        raise GazetteerError("'not' item has no name", line=line, **_not_line(where))
    if fields["label"] is not None and fields["label"] not in NER_LABELS:
        raise GazetteerError(
            f"unknown label {fields['label']!r} in 'not'", line=value.lines["label"], **_not_line(where),
            hint=f"use one of: {', '.join(NER_LABELS)}",
        )
    context = fields["context"]
    if context is not None and fields["name"].casefold() not in context.casefold():
        raise GazetteerError(
            f"context {context!r} does not contain the name {fields['name']!r}",
            line=value.lines["context"], **_not_line(where),
            hint="write the words around the name with the name itself, e.g. context: Washington said",
        )
    return Rejection(path=path, line=line, **fields)


def _refuse_unknown_keys(
    value: LineDict, allowed: frozenset[str], where: dict[str, Any], *, message: str, hint: str
) -> None:
    for key in value:
        if key not in allowed:
            raise GazetteerError(message.format(key=key), line=value.lines[key], **_not_line(where), hint=hint)


def _not_line(where: dict[str, Any]) -> dict[str, Any]:
    return {"path": where["path"], "entry": where["entry"]}


def _names(item: LineDict, key: str, where: dict[str, Any], *, check: bool = False) -> list[str]:
    """A list of plain names (``native``, ``exclude``); with ``check``, each must be able to be a name."""
    value = item.get(key)
    if value is None:
        return []
    lines = [item.lines[key]] if isinstance(value, str) else getattr(value, "lines", None)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise GazetteerError(
            f"{key!r} must be a list of names", line=item.lines[key], **_not_line(where),
            hint=f"for example {key}: [Харків, Харьков]",
        )
    if check:
        lines = lines or [item.lines[key]] * len(value)
        for name, line in zip(value, lines):
            _check_name(name.strip(), "native name", line, where)
    return [v.strip() for v in value]


def _variants(item: LineDict, where: dict[str, Any], warnings: list[str] | None = None) -> list[Variant]:
    raw = item.get("variants")
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise GazetteerError(
            "'variants' must be a list", line=item.lines["variants"], **_not_line(where),
            hint="write each variant on its own line starting with '- '",
        )
    out = []
    lines = getattr(raw, "lines", None) or [item.lines.get("variants", item.line)] * len(raw)
    written = getattr(raw, "written", {})
    for index, (value, line) in enumerate(zip(raw, lines)):
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            name = _check_name(written.get(index, str(value)).strip(), "variant", line, where)
            if index in written:
                _number_warning(warnings, "variant", name, line, where)
            out.append(Variant(name=name))
            continue
        if not isinstance(value, LineDict):
            raise GazetteerError(f"variant {value!r} must be a name", line=line, **_not_line(where))
        _refuse_unknown_keys(value, VARIANT_KEYS, where, message="unknown variant key {key!r}",
                             hint="a variant takes name, kind and weak")
        name, kind, weak = value.get("name"), value.get("kind", "other"), value.get("weak", False)
        if not isinstance(name, str) or not name.strip():
            raise GazetteerError("variant has no name", line=line, **_not_line(where))
        _check_name(name.strip(), "variant", value.lines["name"], where)
        if kind not in VARIANT_KINDS:
            raise GazetteerError(
                f"unknown variant kind {kind!r}", line=value.lines.get("kind", line), **_not_line(where),
                hint=f"use one of: {', '.join(sorted(VARIANT_KINDS))}",
            )
        if not isinstance(weak, bool):
            raise GazetteerError(
                f"weak must be true or false, got {weak!r}", line=value.lines["weak"], **_not_line(where)
            )
        out.append(Variant(name=name.strip(), kind=kind, weak=weak))
    return out
