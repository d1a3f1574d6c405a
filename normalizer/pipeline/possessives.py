"""Names joined by a possessive inside one NER span: "[Myanmar's de facto]", "[Harbor's Port Authority]".

By the conventions a possessive 's is never inside a span. The small model sometimes runs a PERSON or
ORG span over one: the name before the possessive is a mention of its own when it is a known name
(the curated gazetteer has it, or the world layer names a country or a prominent place so), and the
capitalized words after it are NER's span, with NER's label; lower-case words after it are no name.
A span whose part before the possessive is nobody's name stays ("St. Ashby's Hospital").
"""
from __future__ import annotations

from ..text.keys import fold
from .facts import DocumentFacts
from .mention import Mention, Why
from .resolve import Resolver

POSSESSIVES = frozenset({"'s", "’s"})
SPLIT_LABELS = frozenset({"PERSON", "ORG"})


def split_possessives(facts: DocumentFacts, mentions: list[Mention], resolver: Resolver) -> list[Mention]:
    """The mentions, each NER span with a known name before an inner possessive cut there."""
    word = facts.token_text
    out = []
    for mention in mentions:
        cut = next((i for i in range(mention.start + 1, mention.end - 1) if word(i).lower() in POSSESSIVES), None) \
            if mention.ner_label in SPLIT_LABELS else None
        if cut is None or not _known(facts, mention.start, cut, resolver):
            out.append(mention)
            continue
        out.append(mention.but(Why.POSSESSIVE, end=cut))
        rest = cut + 1
        if rest < mention.end and word(rest)[:1].isupper():
            out.append(mention.but(Why.POSSESSIVE, start=rest))
    return out


def _known(facts: DocumentFacts, start: int, end: int, resolver: Resolver) -> bool:
    written = facts.span_text(start, end)
    if fold(written) in resolver.index.by_fold:
        return True
    world = resolver.world
    return world is not None and world.resolve(written, strict=True) is not None
