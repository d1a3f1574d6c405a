"""A place inside a job title NER took for an organization: "[Ashby Treasury] Secretary Jo Roe".

The small model often tags a country or city with the portfolio word after it as one ORG when a
job title follows ("Fenland Defence Minister", "the Ashby Health Secretary"). The portfolio word
is part of the title, not of a name (``portfolio_words`` before ``portfolio_titles``, as
``rules.is_title_part`` reads them); the words before it are a place mention of their own when
they name a known place (the curated gazetteer has a place of that name, or the world layer a
country or a prominent place of that very name), unless the whole span is a name the gazetteer knows
or the word is "State" ("[Ohio State] officials": a university); a nationality word and a portfolio word are all
title ("[British Home] Secretary"): no entity. Anything else stays as NER said.
"""
from __future__ import annotations

from ..gazetteer.schema import PLACE_LABELS
from ..text.keys import fold
from ..text.words import words
from ..world.demonyms import countries_of
from .facts import DocumentFacts
from .mention import Mention, Why
from .resolve import Resolver

TITLE_LABELS = frozenset({"ORG"})
# After a place's name these make a university's or a team's ("Ohio State officials"), not a portfolio.
NOT_AFTER_PLACES = frozenset({"state"})


def places_in_titles(facts: DocumentFacts, mentions: list[Mention], resolver: Resolver) -> list[Mention]:
    """The mentions, each ORG span "<place> <portfolio word>" before a job title (or ending in one)
    cut to the place; one whose words before the portfolio are a nationality word is no entity
    ("[British Home] Secretary")."""
    out = []
    for mention in mentions:
        portfolio = _portfolio_word(facts, mention)
        if portfolio is None or fold(facts.span_text(mention.start, mention.end)) in resolver.index.by_fold:
            out.append(mention)
        elif countries_of(facts.span_text(mention.start, portfolio)):
            continue  # a nationality word and a portfolio: all of it is the title
        elif _known_place(facts, mention.start, portfolio, resolver):
            out.append(mention.but(Why.TITLE, end=portfolio, ner_label="GPE"))
        else:
            out.append(mention)
    return out


def _portfolio_word(facts: DocumentFacts, mention: Mention) -> int | None:
    """Where the title's portfolio word is in an ORG span that ends with it (the title right after
    the span) or with it and the title: not at the span's start."""
    if mention.ner_label not in TITLE_LABELS or len(mention) < 2:
        return None
    titles, word = words("portfolio_titles"), facts.token_text
    for at in (mention.end - 1, mention.end - 2):
        after = at + 1
        if (at > mention.start and after < len(facts.orths) and word(at).lower() in words("portfolio_words")
                and word(at).lower() not in NOT_AFTER_PLACES and word(at)[:1].isupper()
                and word(after).lower() in titles):
            return at
    return None


def _known_place(facts: DocumentFacts, start: int, end: int, resolver: Resolver) -> bool:
    written = facts.span_text(start, end)
    if any(name.entry.label in PLACE_LABELS for name in resolver.index.by_fold.get(fold(written), ())):
        return True
    world = resolver.world
    return world is not None and world.resolve(written, strict=True) is not None
