"""Two names of one place side by side ("Cologne Köln", "Munich München"): an exonym and its
endonym, or an old and a new name, written one after the other. NER reads them as one name (often
a PERSON); when the whole resolves to nothing and its two halves resolve to the same place, they
are two mentions of that place.

Cheap tests first, as most unresolved names of two words are people's: one half must be a curated
place's name or a country's, capital's or prominent city's (set look-ups), and the two must name a
place in common (one look-up each) before either is resolved."""
from __future__ import annotations

import weakref

from ..gazetteer.schema import PLACE_LABELS
from ..text.keys import fold
from ..world.places import WorldPlaces
from ..world.weights import place_weights
from .facts import DocumentFacts
from .mention import Mention, Why
from .resolve import Resolver
from .toponyms import capital_names

PLACE_LABEL = "GPE"  # the halves are resolved as places
MAX_TOKENS = 6


def split_twin_names(facts: DocumentFacts, mentions: list[Mention], resolver: Resolver) -> list[Mention]:
    """The mentions, each unresolved one that is two names of one place split in two."""
    out = []
    prominent = None  # the world's names _may_be_a_place asks about, read when first needed
    for mention in mentions:
        halves = None
        if mention.resolution is None and 2 <= mention.end - mention.start <= MAX_TOKENS:
            prominent = _prominent_names(resolver.world) if prominent is None else prominent
            halves = _halves(facts, mention, resolver, prominent)
        if halves:
            out.extend(halves)
        else:
            out.append(mention)
    return out


def _halves(facts: DocumentFacts, mention: Mention, resolver: Resolver,
            prominent: frozenset[str]) -> list[Mention] | None:
    text, starts, ends, curated = facts.text, facts.starts, facts.ends, resolver.index.by_fold
    first, stop = starts[mention.start], ends[mention.end - 1]
    for cut in range(mention.start + 1, mention.end):
        if ends[cut - 1] == starts[cut] or not text[starts[cut] : starts[cut] + 1].isupper():
            continue  # no space before the cut, or no capital after it
        left_text, right_text = text[first : ends[cut - 1]], text[starts[cut] : stop]
        left_key, right_key = fold(left_text), fold(right_text)
        if not (left_key in curated or left_key in prominent or right_key in curated or right_key in prominent):
            continue  # neither a curated place's name nor a prominent world place's
        left_ids = _place_ids(left_text, resolver)
        if not left_ids or not left_ids & _place_ids(right_text, resolver):
            continue
        left = resolver.resolve(left_text, label=PLACE_LABEL)
        right = resolver.resolve(right_text, label=PLACE_LABEL)
        if left is not None and right is not None and left.entry.canonical_id == right.entry.canonical_id \
                and left.entry.label in PLACE_LABELS:
            return [mention.but(Why.TWIN, end=cut, ner_label=PLACE_LABEL, resolution=left),
                    mention.but(Why.TWIN, start=cut, ner_label=PLACE_LABEL, resolution=right)]
    return None


def _prominent_names(world: WorldPlaces | None) -> frozenset[str]:
    """The folded names of the world's countries and capitals and of its prominent cities (as prominent
    as NER's organizations must be to be places: ``strict_min_population``): set look-ups, no query.
    Gathered once per world layer."""
    if world is None:
        return frozenset()
    names = _PROMINENT_NAMES.get(world)
    if names is None:
        names = capital_names(world) | world.index.names_of_cities(place_weights().score.strict_min_population)
        _PROMINENT_NAMES[world] = names
    return names


_PROMINENT_NAMES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _place_ids(text: str, resolver: Resolver) -> set[str]:
    """The ids of the curated places and world places (alternate names too) that have this name."""
    ids = {name.entry.canonical_id for name in resolver.index.by_fold.get(fold(text), ())
           if name.entry.label in PLACE_LABELS}
    if resolver.world is not None:
        ids.update(resolver.world.entry_for(place).canonical_id
                   for place, match in resolver.world.candidates(text) if match == "fold")
    return ids
