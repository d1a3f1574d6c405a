"""Two names of one place side by side ("Cologne Köln", "Munich München"): an exonym and its
endonym, or an old and a new name, written one after the other. NER reads them as one name (often
a PERSON); when the whole resolves to nothing and its two halves resolve to the same place, they
are two mentions of that place.

Cheap tests first, as most unresolved names of two words are people's: one half must be a curated
place's name or a country's, capital's or prominent city's (set look-ups), and the two must name a
place in common (one look-up each) before either is resolved."""
from __future__ import annotations

from ..gazetteer.schema import PLACE_LABELS
from ..text.keys import fold
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
    prominent = None  # the names _may_be_a_place asks about, read when first needed
    for mention in mentions:
        halves = None
        if mention.resolution is None and 2 <= len(mention) <= MAX_TOKENS:
            prominent = _prominent_names(resolver) if prominent is None else prominent
            halves = _halves(facts, mention, resolver, prominent)
        out.extend(halves or [mention])
    return out


def _halves(facts: DocumentFacts, mention: Mention, resolver: Resolver,
            prominent: tuple[frozenset[str], ...]) -> list[Mention] | None:
    text, starts, ends = facts.text, facts.starts, facts.ends
    for cut in range(mention.start + 1, mention.end):
        if ends[cut - 1] == starts[cut] or not text[starts[cut] : starts[cut] + 1].isupper():
            continue  # no space before the cut, or no capital after it
        left_text, right_text = facts.span_text(mention.start, cut), facts.span_text(cut, mention.end)
        if not (_may_be_a_place(left_text, resolver, prominent) or _may_be_a_place(right_text, resolver, prominent)):
            continue
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


def _prominent_names(resolver: Resolver) -> tuple[frozenset[str], ...]:
    """The folded names of the world's countries and capitals, and of its prominent cities (as prominent
    as NER's organizations must be to be places: ``strict_min_population``); none without a world."""
    world = resolver.world
    if world is None:
        return ()
    return capital_names(world), world.index.names_of_cities(place_weights().score.strict_min_population)


def _may_be_a_place(text: str, resolver: Resolver, prominent: tuple[frozenset[str], ...]) -> bool:
    """A curated place's name, or one of the ``prominent`` names (``_prominent_names``); set look-ups,
    no query."""
    key = fold(text)
    return key in resolver.index.by_fold or any(key in names for names in prominent)


def _place_ids(text: str, resolver: Resolver) -> set[str]:
    """The ids of the curated places and world places (alternate names too) that have this name."""
    ids = {name.entry.canonical_id for name in resolver.index.by_fold.get(fold(text), ())
           if name.entry.label in PLACE_LABELS}
    if resolver.world is not None:
        ids.update(resolver.world.entry_for(place).canonical_id
                   for place, match in resolver.world.candidates(text) if match == "fold")
    return ids
