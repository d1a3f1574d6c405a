"""The analysts' gazetteer: YAML files in layers, merged by id, validated with file:line errors.

Layers: the shipped files (``gazetteer/`` in the repository, ``normalizer/shipped_gazetteer`` in a
wheel) first, then each ``--gazetteer PATH`` in order. Inside one layer an id may appear once;
a later layer's entry with the same id overrides the earlier one field by field, adds its
variants and native names, and its ``exclude:`` removes variants.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from ..errors import GazetteerError, GazetteerErrors
from ..text.keys import fold
from .names import NameIndex, entry_names
from .schema import WORLD_ID_PREFIXES, Entry, Rejection, Variant, is_judgement_item, parse_entry, parse_judgement
from .yamlio import LineList, load_yaml, read_text

YAML_SUFFIXES = (".yaml", ".yml")


def shipped_dir() -> Path:
    """Where the shipped gazetteer lives: the repository's ``gazetteer/`` or the wheel's copy."""
    here = Path(__file__).resolve().parents[1]  # the normalizer package
    checkout = here.parent / "gazetteer"
    if checkout.is_dir() and (here.parent / "pyproject.toml").is_file():
        return checkout
    return here / "shipped_gazetteer"


def yaml_files(path: Path) -> list[Path]:
    """The YAML files a path names: itself, or every .yaml/.yml below a directory, sorted."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file())
    if not path.exists():
        raise GazetteerError("no such file or directory", path=str(path))
    return [path]


@dataclass
class Source:
    """One YAML file's text and the name it is reported under."""

    name: str
    text: str
    layer: int


@dataclass
class Gazetteer:
    """Merged entries by canonical id, plus the sources they came from (kept for serialization)."""

    entries: dict[str, Entry] = field(default_factory=dict)
    sources: list[Source] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Names that are no entity at all (``- not: [...]`` items without id), see judgements.py.
    not_entities: list[Rejection] = field(default_factory=list)

    def get(self, canonical_id: str) -> Entry | None:
        return self.entries.get(canonical_id)

    def __len__(self) -> int:
        return len(self.entries)

    @cached_property
    def names(self) -> dict[str, list[Variant]]:
        """``entry_names`` of every entry by canonical id, computed once (validation and the index read them)."""
        return {canonical_id: entry_names(entry) for canonical_id, entry in self.entries.items()}

    @cached_property
    def index(self) -> NameIndex:
        """Every name of every entry by its keys; built on first use."""
        return NameIndex(self.entries.values(), names=self.names)


def load_gazetteer(paths: Iterable[str | Path] = (), *, shipped: bool = True) -> Gazetteer:
    """Load the shipped gazetteer (unless ``shipped=False``) and the user's paths as later layers.

    Raises GazetteerErrors listing every problem found, each with file:line. A file named in
    ``paths`` that holds no entries (empty, or only comments) gets a warning: it may have been
    emptied by mistake.
    """
    paths = [Path(p) for p in paths]
    layers: list[list[Path]] = []
    errors: list[GazetteerError] = []
    if shipped:
        layers.append(yaml_files(shipped_dir()))
    for path in paths:
        try:
            layers.append(yaml_files(path))
        except GazetteerError as exc:
            errors.append(exc)
    sources = []
    for number, files in enumerate(layers):
        for file in files:
            try:
                sources.append(Source(str(file), read_text(file), number))
            except GazetteerError as exc:
                errors.append(exc)
    if errors:  # the files that could be read are still parsed, so that all their errors are listed too
        for source in sources:
            _parse_source(source, errors, [], [])
        raise GazetteerErrors(errors)
    gazetteer = gazetteer_from_sources(sources)
    given = {str(p) for p in paths if not p.is_dir()}
    gazetteer.warnings += [f"{s.name} has no entries" for s in sources if s.name in given and _no_entries(s.text)]
    return gazetteer


def _no_entries(text: str) -> bool:
    """Empty, or only blank lines and comments: a file emptied by mistake (or by an interrupted write)."""
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


def gazetteer_from_sources(sources: Sequence[Source]) -> Gazetteer:
    """Parse, merge and validate YAML texts (the serialized form of a Gazetteer)."""
    errors: list[GazetteerError] = []
    warnings: list[str] = []
    merged: dict[str, Entry] = {}
    seen_in_layer: dict[tuple[int, str], Entry] = {}
    not_entities: list[Rejection] = []
    for source in sources:
        for entry in _parse_source(source, errors, not_entities, warnings):
            key = (source.layer, entry.canonical_id)
            if key in seen_in_layer:
                first = seen_in_layer[key]
                errors.append(GazetteerError(
                    f"duplicate id (also at {first.location})", path=entry.path, line=entry.line,
                    entry=entry.canonical_id, hint="merge the two entries or give one another id",
                ))
                continue
            seen_in_layer[key] = entry
            old = merged.get(entry.canonical_id)
            merged[entry.canonical_id] = _override(old, entry) if old else entry
    gazetteer = Gazetteer(merged, list(sources), not_entities=not_entities)
    errors.extend(_validate(gazetteer))
    if errors:
        raise GazetteerErrors(errors)
    gazetteer.warnings = warnings + _exclude_warnings(gazetteer, seen_in_layer.values())
    return gazetteer


def _parse_source(
    source: Source, errors: list[GazetteerError], not_entities: list[Rejection], warnings: list[str]
) -> list[Entry]:
    try:
        data = load_yaml(source.text, path=source.name)
    except GazetteerError as exc:
        errors.append(exc)
        return []
    if data is None:
        return []
    if not isinstance(data, LineList):
        errors.append(GazetteerError(
            "a gazetteer file must be a list of entries", path=source.name, line=1,
            hint="each entry starts with '- id: ...'",
        ))
        return []
    entries = []
    for item, line in zip(data, data.lines):
        try:
            if is_judgement_item(item):
                not_entities.extend(parse_judgement(item, path=source.name))
                continue
            entries.append(parse_entry(item, path=source.name, line=line, warnings=warnings))
        except GazetteerError as exc:
            errors.append(exc)
    return entries


def _override(old: Entry, new: Entry) -> Entry:
    """A later layer's entry: set fields replace, variants and native names add, exclude removes."""
    changes = {
        name: getattr(new, name)
        for name in ("name", "type", "country", "parent", "lat", "lon", "wikidata", "note")
        if getattr(new, name) is not None
    }
    excluded = {fold(x) for x in new.exclude}
    return replace(
        old,
        **changes,
        variants=[v for v in old.variants + new.variants if fold(v.name) not in excluded],
        native=old.native + [n for n in new.native if n not in old.native],
        exclude=old.exclude + new.exclude,
        rejected=old.rejected + new.rejected,
    )


def _validate(gazetteer: Gazetteer) -> list[GazetteerError]:
    errors = []
    for entry in gazetteer.entries.values():
        for needed in ("name", "type"):
            if getattr(entry, needed) is None:
                errors.append(GazetteerError(
                    f"missing {needed!r}", path=entry.path, line=entry.line, entry=entry.canonical_id,
                    hint="a new entry needs id, name and type; to change a shipped entry, reuse its id",
                ))
        parent = entry.parent
        if parent and not parent.startswith(WORLD_ID_PREFIXES) and parent not in gazetteer.entries:
            errors.append(GazetteerError(
                f"parent {parent!r} is not an entry", path=entry.path, line=entry.line,
                entry=entry.canonical_id, hint="add that entry or fix the id",
            ))
    errors.extend(_parent_cycles(gazetteer.entries))
    if errors:
        return errors
    claims: dict[str, tuple[Entry, str]] = {}
    for entry in gazetteer.entries.values():
        for variant in gazetteer.names[entry.canonical_id]:
            if variant.weak or variant.generated or variant.kind == "generic":
                continue
            key = fold(variant.name)
            other = claims.get(key)
            if other and other[0].canonical_id != entry.canonical_id:
                errors.append(GazetteerError(
                    f"name {variant.name!r} is also a name of {other[0].canonical_id!r} "
                    f"({other[0].location}, as {other[1]!r})",
                    path=entry.path, line=entry.line, entry=entry.canonical_id,
                    hint="mark it 'weak: true' on both entries, or 'exclude' it from one",
                ))
            else:
                claims[key] = (entry, variant.name)
    return errors


def _parent_cycles(entries: dict[str, Entry]) -> list[GazetteerError]:
    """One error per cycle of parents (a place inside itself), at the entry where the walk met it again."""
    errors = []
    done: set[str] = set()
    for start in entries:
        chain: list[str] = []
        on_chain: dict[str, int] = {}
        current: str | None = start
        while current in entries and current not in done:
            if current in on_chain:
                cycle = chain[on_chain[current]:] + [current]
                entry = entries[current]
                message = (f"parent {current!r} is the entry itself" if len(cycle) == 2
                           else f"parents form a cycle: {' -> '.join(repr(i) for i in cycle)}")
                errors.append(GazetteerError(
                    message, path=entry.path, line=entry.line, entry=current,
                    hint="an entry cannot be inside itself; fix or remove one of these parents",
                ))
                break
            on_chain[current] = len(chain)
            chain.append(current)
            current = entries[current].parent
        done.update(chain)
    return errors


def _exclude_warnings(gazetteer: Gazetteer, parsed: Iterable[Entry]) -> list[str]:
    """An ``exclude:`` that removes nothing: no layer gives the entry that name (often a typo)."""
    parsed = list(parsed)
    layers: dict[str, list[Entry]] = {}
    for entry in parsed:
        layers.setdefault(entry.canonical_id, []).append(entry)
    warnings = []
    for entry in parsed:
        if not entry.exclude:
            continue
        merged = gazetteer.entries[entry.canonical_id]
        group = layers[entry.canonical_id]
        everything = replace(merged, exclude=[], variants=[v for e in group for v in e.variants],
                             native=[n for e in group for n in e.native])
        keys = {fold(v.name) for v in entry_names(everything)} | {fold(e.name) for e in group if e.name}
        for name in entry.exclude:
            if fold(name) not in keys:
                warnings.append(str(GazetteerError(
                    f"exclude {name!r} is not a name of this entry in any layer, so it removes nothing",
                    path=entry.path, line=entry.line, entry=entry.canonical_id,
                    hint="check the spelling against 'gazetteer lookup', or remove it",
                )))
    return warnings
