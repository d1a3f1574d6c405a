"""Acronyms the text defines: "the Northern Grain Cooperative (NGC) ... NGC said".

Right after a name, an acronym in parentheses that stands for it (its initials, ``text.acronyms``,
or a variant the gazetteer lists for the entry the name resolved to: "(NGC)") is a mention of the
same entity, and so is every later use of the acronym in the document that nothing else took,
until the text defines it again (a one-word mention of the acronym that resolved otherwise, or not
at all, takes the name's resolution: the text says which it is). A resolved name's acronym gets its
resolution (a weak variant such as an acronym two bodies share is safe where the text says which);
an unresolved organization's
acronym its label, and the corpus pass joins the two (``corpus.identities``).
"""
from __future__ import annotations

import re
from dataclasses import replace

from ..gazetteer.schema import PLACE_LABELS
from ..text.acronyms import ACRONYM, defined_after
from ..text.keys import fold
from .facts import DocumentFacts
from .mention import Mention, Why

DEFINED_LABELS = frozenset({"ORG", *PLACE_LABELS})  # names an acronym may stand for (not people's) ...
UNRESOLVED_LABELS = frozenset({"ORG"})  # ... and unresolved: an organization (the corpus pass joins the two)
_ACRONYM_WORD = re.compile(rf"(?<![\w&]){ACRONYM.pattern}(?![\w&])")
_DEFINITION = re.compile(rf"\(\s*{ACRONYM.pattern}\s*\)")  # cheap: most texts define no acronym


def defined_acronyms(facts: DocumentFacts, mentions: list[Mention]) -> list[Mention]:
    """The mentions, with the acronyms the text defines and their later uses as mentions of the name."""
    text = facts.text
    if _DEFINITION.search(text) is None:
        return mentions  # nothing defined
    starts = {m.start: m for m in mentions}
    ends = {m.end: m for m in mentions}
    taken = {i for m in mentions for i in range(m.start, m.end)}
    meaning: dict[str, Mention] = {}  # an acronym -> the mention it stands for, as last defined
    out = list(mentions)
    for i, written in _acronym_tokens(facts):
        defined = _defined_by(facts, ends, i, written)
        if defined is not None:
            meaning[written] = defined
        stands = meaning.get(written)
        if stands is None:
            continue
        mine = starts.get(i)
        if i not in taken:
            out.append(_as_acronym(stands, i, written))
        elif mine is not None and len(mine) == 1 and _entry_id(mine) != _entry_id(stands):
            out[out.index(mine)] = _as_acronym(stands, i, written)  # the text says which it is
    return sorted(out, key=lambda m: m.start) if meaning else mentions


def _acronym_tokens(facts: DocumentFacts) -> list[tuple[int, str]]:
    """(token index, text) of every token that is an acronym, found in the text (no Token made)."""
    token_at = {start: i for i, start in enumerate(facts.starts)}
    found = []
    for m in _ACRONYM_WORD.finditer(facts.text):
        i = token_at.get(m.start())
        if i is not None and facts.ends[i] == m.end():
            found.append((i, m.group()))
    return found


def _defined_by(facts: DocumentFacts, ends: dict[int, Mention], i: int, written: str) -> Mention | None:
    """The mention right before "(" that the acronym at token ``i``, followed by ")", stands for."""
    text, starts = facts.text, facts.starts
    if i < 2 or i + 1 >= len(starts) or text[starts[i - 1]] != "(" or text[starts[i + 1]] != ")" \
            or facts.ends[i - 1] - starts[i - 1] != 1 or facts.ends[i + 1] - starts[i + 1] != 1:
        return None
    name = ends.get(i - 1)
    if name is None or name.label not in (DEFINED_LABELS if name.resolution else UNRESOLVED_LABELS):
        return None
    if defined_after(text, facts.ends[name.end - 1], facts.span_text(name.start, name.end)) == written:
        return name  # the one test of a definition, the corpus pass's too
    entry = name.resolution.entry if name.resolution else None
    if entry is not None and any(fold(v.name) == fold(written) for v in entry.variants):
        return name
    return None


def _entry_id(mention: Mention) -> str | None:
    return mention.resolution.entry.canonical_id if mention.resolution else None


def _as_acronym(stands: Mention, i: int, written: str) -> Mention:
    found = stands.resolution
    if found is not None:
        found = replace(found, variant_name=written, variant_kind="abbreviation", alternatives=[])
    return Mention(i, i + 1, stands.ner_label or stands.label, resolution=found, why=(Why.ACRONYM,))
