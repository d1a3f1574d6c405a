"""Institutions NER took for places: "Ashby County Jail", "Fenwick City Council".

The small English model often tags a name that begins with a place's name as that place. By the
annotation conventions the longest name wins, so an NER place span of two words or more that ends
in an institution's capitalized head word (``institution_heads``: "Council", "Police", "Jail",
"District Court", "City Hall") is the organization (ORG) or the building (FAC) the table gives, not
the place; under the geoparsing conventions the place inside it is still found (``geoparse.py``).
"""
from __future__ import annotations

from ..gazetteer.schema import PLACE_LABELS
from ..text.words import table
from .facts import DocumentFacts
from .mention import Mention, Why


def institutions_not_places(facts: DocumentFacts, mentions: list[Mention]) -> list[Mention]:
    """The mentions, with NER place spans that are an institution's name labelled as the institution."""
    heads = table("institution_heads")
    out = []
    for m in mentions:
        label = _institution(facts, m, heads) if m.ner_label in PLACE_LABELS and len(m) > 1 else None
        out.append(m.but(Why.INSTITUTION, ner_label=label) if label and label != m.ner_label else m)
    return out


def _institution(facts: DocumentFacts, mention: Mention, heads) -> str | None:
    """The label ``institution_heads`` gives the span's capitalized last word, or its last two words."""
    last = facts.token_text(mention.end - 1)
    if not last[:1].isupper():
        return None
    words = facts.span_text(mention.start, mention.end).lower().split()
    last_two = " ".join(words[-2:])
    return heads.get(last_two) if len(words) > 1 and last_two in heads else heads.get(words[-1])
