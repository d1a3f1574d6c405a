"""Companies by their legal names: "Fenwick Oyj" is a company, and "Fenwick" beside it is its short name.

Before resolution, a span NER called a person's that ends in a company's legal form
(``normalizer.text.legal_forms``: "Corp", "Ltd", "GmbH", "Oyj") is an organization, and so is one
that is such a company's name without it. After resolution, an
organization's name that the world layer took for a town of that name (a big town's very name
makes an ORG span a place: ``WorldPlaces.resolve``, ``strict``) is the company's short name instead
when the same document names a company that begins with it ("Ashby Motor Corp ... Ashby's chief
executive"): many companies bear the name of the town they were founded in.
"""
from __future__ import annotations

from ..text.keys import fold
from ..text.legal_forms import company_base, is_legal_form
from .facts import DocumentFacts
from .mention import Mention, Why


def _designator(facts: DocumentFacts, i: int) -> bool:
    """Is token ``i`` a company's legal form ("Ltd", "Inc.", "GmbH")?"""
    return is_legal_form(facts.token_text(i))


def companies_not_people(facts: DocumentFacts, mentions: list[Mention]) -> list[Mention]:
    """PERSON spans of two words or more ending in a company's legal form become ORG ("Fenwick Oyj"),
    and so do those that are such a company's name without it ("Fenwick" beside "Fenwick Oyj")."""
    if not any(m.ner_label in ("PERSON", "ORG") and len(m) > 1 and _designator(facts, m.end - 1) for m in mentions):
        return mentions  # most documents: no company's legal name
    bases = {company_base(facts.span_text(m.start, m.end)) for m in mentions if m.ner_label in ("PERSON", "ORG")}
    return [m.but(Why.COMPANY, ner_label="ORG") if m.ner_label == "PERSON" and (
        (len(m) > 1 and _designator(facts, m.end - 1)) or fold(facts.span_text(m.start, m.end)) in bases)
        else m for m in mentions]


def short_names(facts: DocumentFacts, mentions: list[Mention]) -> frozenset[str]:
    """The folded leading words of every company name of the document that ends in a legal form:
    "ashby" and "ashby motor" for "Ashby Motor Corp"."""
    return frozenset(
        fold(facts.span_text(m.start, end))
        for m in mentions if m.label == "ORG" and len(m) > 1 and _designator(facts, m.end - 1)
        for end in range(m.start + 1, m.end)
    )


def companies_not_towns(facts: DocumentFacts, mentions: list[Mention]) -> list[Mention]:
    """An ORG span the world layer resolved to a place is a company's short name, unresolved and ORG
    again, when the document names a company beginning with it (``short_names``)."""
    if not any(m.ner_label == "ORG" and m.resolution and m.resolution.variant_kind == "geonames"
               for m in mentions):
        return mentions  # most documents: no organization's name went to the world layer
    short = short_names(facts, mentions)
    return [m.but(Why.COMPANY, resolution=None) if m.ner_label == "ORG" and m.resolution
            and m.resolution.variant_kind == "geonames" and fold(facts.span_text(m.start, m.end)) in short
            else m for m in mentions]
