"""Places NER took for people or organizations, told by the other places of the same document.

Local news names its towns without a word that says so ("crews from Dunmore helped Millbrook ...";
"Fenwick closed its pool"), and the small English model often tags such a name PERSON or ORG, even
where it tags the same name a place elsewhere in the story. After resolution, a name NER tagged so
that nothing resolved becomes a place (label GPE) in two cases:

* ``Why.ONE_SENSE``: another mention of the very same name resolved to a place (one sense per
  discourse, across NER's labels); each such mention that reads as a place could takes that place.
* ``Why.NEAR``: the world layer has a town (feature "city") of that very name within ``NEAR_KM`` of a
  town the document resolved under another name, and the resolver, given the document's resolved
  places as context, picks that near town; then all its mentions take it.

Never for a name the curated gazetteer knows (it decides), a common person's name (``person_names``),
a one-word name the document also writes in lower case ("Union", "union dues"), a name a mention of
which resolved to something else than a place, a company's name (``Why.COMPANY``: "Ashby" beside
"Ashby Ltd") or the last words of a longer organization's name ("Edison" beside "Fenwick Edison");
and never for a mention that reads as a person's or an organization's: inside a longer person's
name, after a title, before a reporting verb (``toponyms.candidate``, the same test as the other
place cues'; for ``NEAR`` no mention of the name may read so).
"""
from __future__ import annotations

from ..gazetteer.schema import PLACE_LABELS
from ..text.keys import fold
from ..text.words import words
from ..world.distance import NEAR_KM, km
from .facts import DocumentFacts
from .mention import FOLLOWING_CHARS, Mention, Why
from .resolve import Context, Resolution, Resolver
from .rules import looks_like_proper_name
from .toponyms import RELABELED_LABELS, candidate, named

TOWN_FEATURE = "city"  # the world layer's feature for cities, towns and villages


def nearby_towns(facts: DocumentFacts, mentions: list[Mention], resolver: Resolver) -> list[Mention]:
    """The mentions, with the unresolved PERSON/ORG names that are places the document names (see the
    module docstring) as those places."""
    if resolver.world is None or not any(m.resolution for m in mentions):
        return mentions
    keys = [fold(facts.span_text(m.start, m.end)) for m in mentions]
    unresolved: dict[str, list[int]] = {}  # folded name -> the positions of its unresolved PERSON/ORG mentions
    for i, (m, key) in enumerate(zip(mentions, keys)):
        if m.resolution is None and m.ner_label in RELABELED_LABELS and Why.COMPANY not in m.why:
            unresolved.setdefault(key, []).append(i)
    if not unresolved:
        return mentions
    places: dict[str, Resolution] = {}  # folded name -> the place a mention of it resolved to
    others: set[str] = set()  # folded names resolved to something else than a place
    for m, key in zip(mentions, keys):
        if m.resolution:
            if m.resolution.entry.label in PLACE_LABELS:
                places.setdefault(key, m.resolution)
            else:
                others.add(key)
    found: dict[str, list[tuple[int, Why, Resolution]]] = {}  # folded name -> its mentions' new places
    towns = _towns(mentions, keys, resolver)  # folded name -> the points of the towns it resolved to
    every_point = [p for ps in towns.values() for p in ps]
    context: Context | None = None
    for key, positions in unresolved.items():
        first = mentions[positions[0]]
        written = facts.span_text(first.start, first.end)
        if key in others or not _may_be_place(facts, key, written, resolver):
            continue
        if key in places:  # the same name resolved as a place elsewhere in the document
            found[key] = [(i, Why.ONE_SENSE, places[key]) for i in positions if _candidate(facts, mentions[i])]
            continue
        points = every_point if key not in towns else [p for other, ps in towns.items() if other != key for p in ps]
        if not (points and _near_town(resolver, written, points)
                and all(_candidate(facts, mentions[i]) for i in positions)):
            continue
        context = _context(mentions, resolver) if context is None else context
        resolution = _near_resolution(facts, first, written, points, context, resolver)
        if resolution is not None:
            found[key] = [(i, Why.NEAR, resolution) for i in positions]
    tails = _organization_tails(facts, mentions) if found else set()
    changed = {i: (why, resolution) for key, new in found.items() if key not in tails for i, why, resolution in new}
    if not changed:
        return mentions
    return [m.but(changed[i][0], ner_label="GPE", resolution=changed[i][1].copy()) if i in changed else m
            for i, m in enumerate(mentions)]


def _organization_tails(facts: DocumentFacts, mentions: list[Mention]) -> set[str]:
    """The folded last words of the document's longer organization names, the short names they go by
    ("Edison" for "Fenwick Edison", "Hydro" for "Ashby Hydro"); not after "of" ("University of Ashby")."""
    tails = set()
    for m in mentions:
        if m.label == "ORG" and len(m) > 1:
            for start in range(m.start + 1, m.end):
                if facts.token_lower(start - 1) not in ("of", "at", "in", "for"):
                    tails.add(fold(facts.span_text(start, m.end)))
    return tails


def _near_town(resolver: Resolver, written: str, points: list[tuple[float, float]]) -> bool:
    """Is some town of this very name within ``NEAR_KM`` of one of the points?"""
    return any(_within(place, points) for place in named(resolver.world, written) if place.feature == TOWN_FEATURE)


def _near_resolution(facts: DocumentFacts, mention: Mention, written: str, points: list[tuple[float, float]],
                     context: Context, resolver: Resolver) -> Resolution | None:
    """The resolver's choice for the name as a place, in the document's context, if it is a town within
    ``NEAR_KM`` of one of the points; else None."""
    resolution = resolver.resolve(written, label="GPE", context=context,
                                  following=facts.following(mention.start, mention.end, FOLLOWING_CHARS),
                                  preceding=facts.preceding(mention.start, FOLLOWING_CHARS))
    place = resolver.world.place(resolution.entry.canonical_id) if resolution else None
    return resolution if place is not None and place.feature == TOWN_FEATURE and _within(place, points) else None


def _towns(mentions: list[Mention], keys: list[str], resolver: Resolver) -> dict[str, list[tuple[float, float]]]:
    """The points of the towns the document resolved, by the folded names of their mentions (``keys``)."""
    towns: dict[str, list[tuple[float, float]]] = {}
    for m, key in zip(mentions, keys):
        entry = m.resolution.entry if m.resolution else None
        if entry is None or entry.lat is None or entry.lon is None:
            continue
        place = resolver.world.place(entry.canonical_id)
        if place is not None and place.feature == TOWN_FEATURE:
            towns.setdefault(key, []).append((entry.lat, entry.lon))
    return towns


def _may_be_place(facts: DocumentFacts, key: str, written: str, resolver: Resolver) -> bool:
    """Could the name be a place at all: no curated name, no common person's name, no lower-case word of
    the document."""
    if key in resolver.index.by_fold or key in words("person_names") or not looks_like_proper_name(written):
        return False
    return " " in written or written.lower() not in facts.lowered


def _candidate(facts: DocumentFacts, mention: Mention) -> bool:
    """Does the mention read as a place could (``toponyms.candidate``: no person's name, title or reporting verb)?"""
    return candidate(facts, mention.start, mention.end, facts.person_parts)


def _within(place, points: list[tuple[float, float]]) -> bool:
    """Does the place lie within ``NEAR_KM`` of one of the points?"""
    return any(km((place.lat, place.lon), point) <= NEAR_KM for point in points)


def _context(mentions: list[Mention], resolver: Resolver) -> Context:
    """What the document resolved (ids, countries, places), as the resolver weighs namesakes by."""
    context = Context()
    for m in mentions:
        if m.resolution:
            resolver.remember(context, m.resolution.entry)
    return context
