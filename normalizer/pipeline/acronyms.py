"""Acronyms the text defines: "the Northern Grain Cooperative (NGC) ... NGC said".

Right after a name, an acronym in parentheses that stands for it (its initials, ``text.acronyms``,
or a variant the gazetteer lists for the entry the name resolved to: "(NGC)") is a mention of the
same entity, and so is every later use of the acronym in the document that nothing else took,
until the text defines it again. A resolved name's acronym gets its resolution (a weak variant such
as an acronym two bodies share is safe where the text says which); an unresolved organization's
acronym its label, and the corpus pass joins the two (``corpus.identities``).
"""
from __future__ import annotations

from dataclasses import replace

from ..gazetteer.schema import PLACE_LABELS
from ..text.acronyms import ACRONYM, stands_for
from ..text.keys import fold
from .facts import DocumentFacts
from .mention import Mention, Why

DEFINED_LABELS = frozenset({"ORG", *PLACE_LABELS})  # names an acronym may stand for (not people's) ...
UNRESOLVED_LABELS = frozenset({"ORG"})  # ... and unresolved: an organization (the corpus pass joins the two)


def defined_acronyms(facts: DocumentFacts, mentions: list[Mention]) -> list[Mention]:
    """The mentions, with the acronyms the text defines and their later uses as mentions of the name."""
    doc = facts.doc
    starts = {m.start: m for m in mentions}
    taken = {i for m in mentions for i in range(m.start, m.end)}
    meaning: dict[str, Mention] = {}  # an acronym -> the mention it stands for, as last defined
    out = list(mentions)
    for i, token in enumerate(doc):
        written = token.text
        if not ACRONYM.fullmatch(written):
            continue
        defined = _defined_by(facts, starts, i, written)
        if defined is not None:
            meaning[written] = defined
        stands = meaning.get(written)
        if stands is None:
            continue
        mine = starts.get(i)
        if i not in taken:
            out.append(_as_acronym(stands, i, written))
        elif mine is not None and len(mine) == 1 and mine.resolution is None and stands.resolution is not None:
            out[out.index(mine)] = _as_acronym(stands, i, written)
    return sorted(out, key=lambda m: m.start)


def _defined_by(facts: DocumentFacts, starts: dict[int, Mention], i: int, written: str) -> Mention | None:
    """The mention right before "(" that the acronym at token ``i``, followed by ")", stands for."""
    doc = facts.doc
    if i < 2 or i + 1 >= len(doc) or doc[i - 1].text != "(" or doc[i + 1].text != ")":
        return None
    name = next((m for m in starts.values() if m.end == i - 1), None)
    if name is None or name.label not in (DEFINED_LABELS if name.resolution else UNRESOLVED_LABELS):
        return None
    if stands_for(written, facts.span_text(name.start, name.end)):
        return name
    entry = name.resolution.entry if name.resolution else None
    if entry is not None and any(fold(v.name) == fold(written) for v in entry.variants):
        return name
    return None


def _as_acronym(stands: Mention, i: int, written: str) -> Mention:
    found = stands.resolution
    if found is not None:
        found = replace(found, variant_name=written, variant_kind="abbreviation", alternatives=[])
    return Mention(i, i + 1, stands.ner_label or stands.label, resolution=found, why=(Why.ACRONYM,))
