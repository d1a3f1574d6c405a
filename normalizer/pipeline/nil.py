"""Provisional ids for people and organizations the gazetteer does not know (opt-in ``nil_ids``).

By default such a mention keeps ``id: null``. With ``nil_ids`` it gets an id of its own,
``new:person:olena-testenko`` or ``new:org:harbor-radio``, made from its name the way ``suggest``
makes ids, so every mention of one unknown entity in a document shares an id: a surname alone
("Testenko") joins the full name written elsewhere in the document ("Olena Testenko"), a company's
name without its legal form ("Fenwick") the one company of that name with it ("Fenwick AG"). These ids
are only as stable as the spelling; an analyst makes them canonical with ``suggest``/``apply``.
"""
from __future__ import annotations

from spacy.tokens import Doc

from ..text.keys import fold, slug
from ..text.legal_forms import company_base

NIL_PREFIX = "new"
NIL_TYPES = {"PERSON": "person", "ORG": "org"}


def provisional_ids(doc: Doc, mentions: list) -> dict[int, tuple[str, str]]:
    """(id, display name) for each unresolved PERSON/ORG mention, by its index in ``mentions``."""
    unresolved = [
        (i, m) for i, m in enumerate(mentions)
        if m.resolution is None and m.ner_label in NIL_TYPES and m.label == m.ner_label
    ]
    full_names: dict[str, str] = {}  # surname -> full name, from multi-word person mentions
    companies: dict[str, set[str]] = {}  # a company's folded name without its legal form -> its names with it
    for _, mention in unresolved:
        words = doc[mention.start : mention.end].text.split()
        if mention.ner_label == "PERSON" and len(words) > 1:
            full_names.setdefault(words[-1], " ".join(words))
        base = company_base(" ".join(words)) if mention.ner_label == "ORG" else None
        if base:
            companies.setdefault(base, set()).add(" ".join(words))
    out = {}
    for i, mention in unresolved:
        written = " ".join(doc[mention.start : mention.end].text.split())
        if mention.ner_label == "PERSON":
            written = full_names.get(written, written)
        elif len(companies.get(fold(written), ())) == 1:
            [written] = companies[fold(written)]
        text = slug(written)
        if text:
            out[i] = (f"{NIL_PREFIX}:{NIL_TYPES[mention.ner_label]}:{text}", written)
    return out
