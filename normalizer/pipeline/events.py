"""An organization's event NER took for an organization: "[Acme Summit]", "the [Acme Defence Ministerial]".

Events are no entities by the conventions, but the organization named in one is. An ORG (or FAC) span
that ends in an event word (``event_words``), maybe after portfolio words ("Defence"), and whose
words before them are a name of an organization the gazetteer knows, is cut to that name; any
other span stays as NER said ("Ashby Summit Partners" does not end in the word).
"""
from __future__ import annotations

from ..text.keys import fold
from ..text.words import words
from .facts import DocumentFacts
from .mention import Mention, Why
from .resolve import Resolver

EVENT_LABELS = frozenset({"ORG", "FAC"})  # NER calls an event either ("the [G7 Summit]" as FAC)


def organizations_of_events(facts: DocumentFacts, mentions: list[Mention], resolver: Resolver) -> list[Mention]:
    """The mentions, each ORG or FAC span "<known organization> [portfolio words] <event word>" cut to
    the organization (an ORG)."""
    word = facts.token_text
    out = []
    for mention in mentions:
        end = mention.end - 1
        if mention.ner_label in EVENT_LABELS and len(mention) > 1 and word(end).lower() in words("event_words") \
                and word(end)[:1].isupper():
            while end - 1 > mention.start and word(end - 1).lower() in words("portfolio_words"):
                end -= 1
            key = fold(facts.span_text(mention.start, end))
            whole = fold(facts.span_text(mention.start, mention.end))
            if whole not in resolver.index.by_fold and any(  # a name the gazetteer knows stays whole
                    name.entry.label == "ORG" for name in resolver.index.by_fold.get(key, ())):
                mention = mention.but(Why.EVENT, end=end, ner_label="ORG")
        out.append(mention)
    return out
