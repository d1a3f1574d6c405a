"""What the other names of a document say, for each of its names: one tally, contexts by subtraction.

``resolve_mentions`` re-resolves every name with the *other* names' clues: the ids and countries
they resolved to, the countries, first-level regions and points of their places, the regions their
county names imply, and the places their names may denote (neighbours, as ``neighbour_points``).
Walking all mentions for every name costs names × mentions; ``DocumentContext`` keeps the counts of
the whole document and, per name, what its own mentions add, so a name's context is the whole minus
its own part.

Order, as in the straightforward build (tests/pipeline/test_document_context.py holds it): a pass
re-resolves the mentions in text order and takes a name's context when it reaches the name's first
mention, from the resolutions as they stand then (those before already re-resolved in this pass,
those after not yet); the name's later mentions use that same context. So ``update`` records each
new resolution as it is made and ``leaving_out`` returns a context fixed at that moment: copies of
the counts less the name's own (five dict copies, no walk over the mentions), or, for a name that adds
nothing, the document's counts themselves, which ``update`` then leaves alone by counting on copies
(copy on write).
Neighbours come in document order: the first place-labelled mention of each name, then the place
names inside organizations' names that no such mention has.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from ..gazetteer.schema import PLACE_LABELS
from ..text.keys import fold
from ..world.context import DocumentPlaces, Neighbours, Point, Unit, place_clues
from .mention import Mention
from .resolve import Context, Resolution, Resolver

CONTEXT_MIN_SCORE = 0.3  # resolutions at least this sure inform the other names
KINDS = IDS, COUNTRIES, PLACE_COUNTRIES, REGIONS, POINTS = range(5)  # the counts kept, in Part's order


class Part(NamedTuple):
    """What one mention adds to the context of the other names."""

    ids: tuple[str, ...] = ()  # Context.ids
    countries: tuple[str, ...] = ()  # Context.countries
    place_countries: tuple[str, ...] = ()  # PlaceContext.countries
    regions: tuple[tuple[str, str], ...] = ()  # PlaceContext.regions
    points: tuple[Point, ...] = ()  # PlaceContext.points
    placey: bool = False  # labelled as a place: its name is a neighbour


_NOTHING = {placey: Part(placey=placey) for placey in (False, True)}  # the part of a mention that adds nothing


def label(mention: Mention, found: Resolution | None) -> str | None:
    """The mention's label while it is being resolved (``Mention.label`` with this resolution)."""
    return found.entry.label if found and found.entry.label else mention.ner_label


class DocumentContext:
    """Counts of the clues of a document's mentions, in total and per name (``keys``, folded)."""

    def __init__(self, resolver: Resolver, mentions: Sequence[Mention], keys: Sequence[str], written: Sequence[str],
                 *, inside: Sequence[str] = (), nationalities: Sequence[str] = ()) -> None:
        self.world = resolver.world
        self.mentions, self.keys, self.written = mentions, keys, written
        self.inside = list(inside) if self.world is not None else []
        self._parts: list[Part | None] = [None] * len(mentions)
        self._read: list[tuple | None] = [None] * len(mentions)  # what each part was made from
        self._totals: list[dict] = [{} for _ in KINDS]
        for country in nationalities:  # nationality words count for every name
            _add(self._totals[PLACE_COUNTRIES], country, 1)
        self._own: dict[str, list[dict]] = {}  # per name: the same counts, of its own mentions
        self._placey: dict[str, set[int]] = {}  # per name: its mentions labelled as places
        self._neighbours: Neighbours | None = None  # None: to be gathered again
        self._held: list[bool] = [False] * len(KINDS)  # is each total held by a context taken (copied before a change)?
        self._units: dict[Point, Unit] = {}  # the unit vectors of the points, for the contexts' nearness
        self._changes = 0  # updates that changed the counts or the neighbours
        self._own_changes: dict[str, int] = {}  # per name: those that changed only its own part

    def version(self, key: str) -> int:
        """A number that stays the same as long as ``leaving_out(key)`` would give the same context:
        it counts the updates that changed another name's part, or the neighbours."""
        return self._changes - self._own_changes.get(key, 0)

    def tally(self, resolutions: Sequence[Resolution | None]) -> None:
        """Every mention's first resolution, before any context is taken: ``update`` of each in turn, without
        the versions' bookkeeping (no context taken yet has a version to compare with)."""
        placey = self._placey
        for i, found in enumerate(resolutions):
            self._read[i] = (found.entry, found.score >= CONTEXT_MIN_SCORE) if found is not None else (None, False)
            part = self._parts[i] = self.part(i, found)
            self._count(i, part, 1)
            if part.placey:
                placey.setdefault(self.keys[i], set()).add(i)
        self._neighbours = None

    def update(self, i: int, found: Resolution | None) -> None:
        """Mention ``i`` now resolves to ``found`` (None: unresolved)."""
        read = (found.entry, found.score >= CONTEXT_MIN_SCORE) if found is not None else (None, False)
        last = self._read[i]
        if last is not None and last[0] is read[0] and last[1] == read[1]:
            return  # the same entry, as sure: the same part
        self._read[i] = read
        new = self.part(i, found)
        old = self._parts[i]
        if new == old:
            return
        if old is not None:
            self._count(i, old, -1)
        self._count(i, new, 1)
        self._changes += 1
        own = True  # the other names' contexts change, this name's own stays as it was
        if new.placey != (old is not None and old.placey):
            indices = self._placey.setdefault(self.keys[i], set())
            first = min(indices, default=None)
            if new.placey:
                indices.add(i)
            else:
                indices.discard(i)
            if min(indices, default=None) != first:
                self._neighbours = None  # a name's first place mention is another one now
                own = False  # the neighbours are gathered again: every context may change
        if own:
            self._own_changes[self.keys[i]] = self._own_changes.get(self.keys[i], 0) + 1
        self._parts[i] = new

    def part(self, i: int, found: Resolution | None) -> Part:
        """What mention ``i`` adds when it resolves to ``found`` (as ``Resolver.remember`` and
        ``PlaceContext.add_region`` would add it)."""
        placey = self.world is not None and label(self.mentions[i], found) in PLACE_LABELS
        if found is not None and found.score >= CONTEXT_MIN_SCORE:
            entry = found.entry
            countries = (entry.country,) if entry.country else ()
            if entry.label not in PLACE_LABELS:
                return Part((entry.canonical_id,), countries, placey=placey)
            place = self.world.place(entry.canonical_id) if self.world is not None else None
            country, regions, point = place_clues(entry, place)
            return Part((entry.canonical_id,), countries, (country,) if country else (), regions,
                        (point,) if point is not None else (), placey)
        if found is None and self.world is not None:
            states = self.world.county_states(self.written[i])
            if states:
                return Part(place_countries=("US",), regions=(("US", next(iter(states))),) if len(states) == 1 else (),
                            placey=placey)
        return _NOTHING[placey]

    def leaving_out(self, key: str) -> Context:
        """What the mentions of the other names say now (fixed: later updates do not change it)."""
        own = self._own.get(key)
        if own is None:  # the whole document's counts, held from now on (copied before a change)
            self._held = [True] * len(KINDS)
            ids, countries, place_countries, regions, points = self._totals
        else:
            ids, countries, place_countries, regions, points = (
                _minus(total, mine) for total, mine in zip(self._totals, own))
        places = DocumentPlaces(place_countries, regions, points, self.neighbours().leaving_out(key), self._units)
        return Context(ids=ids, countries=countries, places=places)

    def neighbours(self) -> Neighbours:
        """Every name's neighbour points, in document order, gathered again after a change."""
        if self._neighbours is None:
            groups, keys, seen = [], [], set()
            if self.world is not None:
                for i, key in sorted((min(indices), key) for key, indices in self._placey.items() if indices):
                    seen.add(key)
                    groups.append(self.world.neighbour_points(self.written[i]))
                    keys.append(key)
                for name in self.inside:
                    key = fold(name)
                    if key not in seen:
                        seen.add(key)
                        groups.append(self.world.neighbour_points(name))
                        keys.append(key)
            self._neighbours = Neighbours(groups, keys)
        return self._neighbours

    def _count(self, i: int, part: Part, sign: int) -> None:
        if not (part.ids or part.place_countries or part.regions):  # no ids, no places: nothing to count
            return  # (a part with countries or points has an id or a place's country too)
        key = self.keys[i]
        own = self._own.get(key)
        if own is None:
            own = self._own[key] = [{} for _ in KINDS]
        totals, held = self._totals, self._held
        for kind in KINDS:
            items = part[kind]
            if items:
                if held[kind]:
                    totals[kind], held[kind] = totals[kind].copy(), False
                total, mine = totals[kind], own[kind]
                for item in items:
                    _add(total, item, sign)
                    _add(mine, item, sign)


def _add(counts: dict, item, n: int) -> None:
    value = counts.get(item, 0) + n
    if value:
        counts[item] = value
    else:
        del counts[item]


def _minus(total: dict, own: dict) -> dict:
    out = total.copy()
    for item, n in own.items():
        left = out[item] - n
        if left:
            out[item] = left
        else:
            del out[item]
    return out
