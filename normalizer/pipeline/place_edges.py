"""Where a place's name begins and ends: NER's cuts repaired, before and after resolution.

* Place names NER cut short are widened over the capitalized words next to them when together
  they are a place's very name ("WEST [ASHBY]", "[Maple] Grove", "[Elk] Grove Village").
* A word for a settlement NER took into a town's name goes where the whole names no place ("[Ashby
  City] Manager": Ashby; ``settlement_suffixes``).
* After resolution, a place abbreviation keeps its sentence-final period ("in Ashby, W.Va.").
"""
from __future__ import annotations

from ..gazetteer.schema import PLACE_LABELS
from ..text.keys import fold
from ..text.words import words
from ..world.abbreviations import is_region_abbreviation
from . import toponyms
from .facts import DocumentFacts
from .mention import Mention, Why
from .resolve import Resolver

WIDEN_TOKENS = 2  # words NER may have cut off either side of a place's name
NAME_JOINERS = frozenset({"St.", "ST.", "Ft.", "Mt.", "-"})  # "St. Fenwick", "Ashby-Fenwick"


def widen_place_names(facts: DocumentFacts, mentions: list[Mention], world) -> list[Mention]:
    """NER cut a place's name short ("WEST [ASHBY]", "[Maple] Grove", "[Elk] Grove Village"): widen
    a place span over the capitalized words next to it when together they are a place's very name."""
    mentions = list(mentions)  # widened one by one: a widened name takes words from its neighbours
    taken = {i for m in mentions for i in range(m.start, m.end)}
    n, word = len(facts.orths), facts.token_text
    for k, mention in enumerate(mentions):
        if mention.ner_label not in PLACE_LABELS or mention.from_gazetteer:
            continue
        best = None
        original = fold(facts.span_text(mention.start, mention.end))
        for start in range(mention.start, max(-1, mention.start - WIDEN_TOKENS - 1), -1):
            if start < mention.start and not _name_word(facts, start, taken):
                break
            for end in range(min(n, mention.end + WIDEN_TOKENS), mention.end - 1, -1):
                if (start, end) == (mention.start, mention.end) or not all(
                        _name_word(facts, i, taken) for i in range(mention.end, end)):
                    continue
                written = facts.span_text(start, end)
                key = fold(written)
                if key == original or word(start) == "-" or word(end - 1) in NAME_JOINERS:
                    continue  # "The Ashby", "ASHBY -" add nothing to the name
                if any(m == "fold" and fold(p.name) == key for p, m in world.candidates(written)):
                    if best is None or end - start > best[1] - best[0]:
                        best = (start, end)
                    break
        if best is not None:
            taken.update(range(*best))
            mentions[k] = mention.but(Why.WIDENED, start=best[0], end=best[1])
    return mentions


def _name_word(facts: DocumentFacts, i: int, taken: set[int]) -> bool:
    """Is token ``i`` a word that may continue a place's name: capitalized, or "St."-like, not in another
    mention?"""
    if i in taken:
        return False
    word = facts.token_text(i)
    return (word.isalpha() and word[:1].isupper()) or word in NAME_JOINERS


def without_settlement_word(facts: DocumentFacts, mentions: list[Mention], resolver: Resolver) -> list[Mention]:
    """A place span that ends in a word for a settlement (``settlement_suffixes``: "[Ashby City] Manager",
    "[Fenwick city] officials") and names no place at all, not even by an alternate name, where the
    words before it are a place's very name and do not end in a word for a kind of place
    (``generic_words``: "Harbor City"): the word goes ("Kansas City", and "Gaza City", a name of Gaza,
    stay; the curated gazetteer decides its own names)."""
    out = []
    heads, generic = words("settlement_suffixes"), words("generic_words")
    for mention in mentions:
        last = mention.end - 1
        if (mention.ner_label in PLACE_LABELS and len(mention) > 1 and not mention.from_gazetteer
                and facts.token_lower(last) in heads and facts.token_lower(last - 1) not in generic):
            whole, shorter = facts.span_text(mention.start, mention.end), facts.span_text(mention.start, last)
            if fold(whole) not in resolver.index.by_fold and not resolver.world.candidates(whole) \
                    and toponyms.named(resolver.world, shorter):
                mention = mention.but(Why.NARROWED, end=last)
        out.append(mention)
    return out


def take_abbreviation_period(facts: DocumentFacts, mention: Mention) -> Mention:
    """A place abbreviation keeps its final period even where it also ends the sentence ("in W.Va.").

    spaCy splits a sentence-final period off "W.Va." or "U.S."; it belongs to the name.
    """
    if mention.end >= len(facts.orths) or facts.token_text(mention.end) != "." \
            or facts.spaced(mention.end - 1):
        return mention
    if mention.label not in PLACE_LABELS:
        return mention
    last = facts.token_text(mention.end - 1)
    key = fold(facts.span_text(mention.start, mention.end)).replace(" ", "")
    if "." in last or is_region_abbreviation(key):
        return mention.but(Why.PERIOD, end=mention.end + 1)
    return mention
