"""Two names of one place side by side ("Cologne Köln", "Munich München"): an exonym and its
endonym, or an old and a new name, written one after the other. NER reads them as one name (often
a PERSON); when the whole resolves to nothing and its two halves resolve to the same place, they
are two mentions of that place."""
from __future__ import annotations

from ..gazetteer.schema import PLACE_LABELS
from .facts import DocumentFacts
from .mention import Mention, Why
from .resolve import Resolver

PLACE_LABEL = "GPE"  # the halves are resolved as places
MAX_TOKENS = 6


def split_twin_names(facts: DocumentFacts, mentions: list[Mention], resolver: Resolver) -> list[Mention]:
    """The mentions, each unresolved one that is two names of one place split in two."""
    out = []
    for mention in mentions:
        halves = _halves(facts, mention, resolver) if mention.resolution is None else None
        out.extend(halves or [mention])
    return out


def _halves(facts: DocumentFacts, mention: Mention, resolver: Resolver) -> list[Mention] | None:
    doc = facts.doc
    if not 2 <= len(mention) <= MAX_TOKENS:
        return None
    for cut in range(mention.start + 1, mention.end):
        if not doc[cut - 1].whitespace_ or not doc[cut].text[:1].isupper():
            continue
        left = resolver.resolve(facts.span_text(mention.start, cut), label=PLACE_LABEL)
        if left is None or left.entry.label not in PLACE_LABELS:
            continue
        right = resolver.resolve(facts.span_text(cut, mention.end), label=PLACE_LABEL)
        if right is not None and right.entry.canonical_id == left.entry.canonical_id:
            return [mention.but(Why.TWIN, end=cut, ner_label=PLACE_LABEL, resolution=left),
                    mention.but(Why.TWIN, start=cut, ner_label=PLACE_LABEL, resolution=right)]
    return None
