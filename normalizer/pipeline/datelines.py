"""All-caps datelines: "ASHBY (Reuters) —", "DUNMORE, Pa. -", "March 24, 2009 FENWICK --".

A run of all-caps words opening the text, a line or a sentence (or after a date), followed by a
dash, a colon, "(Agency)" or ", State", whose words are a world place's very name, is that place,
whatever NER said of those words (:mod:`normalizer.pipeline.place_spans` uses them; the agency is
:mod:`normalizer.pipeline.agencies`').
"""
from __future__ import annotations

from itertools import compress

from spacy.tokens import Doc

from ..text.words import words
from ..world.places import WorldPlaces
from .facts import DocumentFacts
from .toponyms import named
from .word_flags import CAPS

DASHES = frozenset({"-", "--", "---", "—", "–", "——"})
DATELINE_MIN_LETTERS = 4


def datelines(facts: DocumentFacts, world: WorldPlaces) -> list[tuple[int, int]]:
    """Token ranges of all-caps datelines naming a world place: "ASHBY (Reuters) —", "DUNMORE, Pa."."""
    doc = facts.doc
    out = []
    n = len(doc)
    caps = [code & CAPS for code in facts.flags]
    resume = 0  # a dateline's words are not looked at again as the start of another
    for i in compress(range(n), caps):
        if i < resume or (i > 0 and not _opens(doc, i)):
            continue
        j = i
        while j < n and (caps[j] or (j > i and caps[j - 1] and j + 1 < n and caps[j + 1] and doc[j].text == ".")):
            j += 1
        end = j
        if end < n and doc[end].text == "." and doc[end - 1].lower_ in words("dateline_abbreviations"):
            end += 1  # "PIKE CO. -"
        written = doc[i:end].text
        if (sum(c.isalpha() for c in written) >= DATELINE_MIN_LETTERS and _dateline_tail(doc, end)
                and named(world, written)):
            out.append((i, end))
        resume = max(j, i + 1)
    return out


def _opens(doc: Doc, i: int) -> bool:
    """Start of a line, a sentence, or after a date ("March 24, 2009 ASHBY --")."""
    prev = doc[i - 1]
    if prev.is_space and "\n" in prev.text:
        return True
    if prev.text in (".", "!", "?", "\n") or prev.text.endswith("\n"):
        return True
    return prev.like_num


def _dateline_tail(doc: Doc, end: int) -> bool:
    """What follows a dateline: a dash, "(Agency)", or ", State" then either."""
    n = len(doc)
    k = end
    while k < n and doc[k].is_space:
        k += 1
    if k < n and doc[k].text == ",":
        return k + 1 < n and doc[k + 1].text[:1].isupper()
    if k < n and doc[k].text in ("(", ":"):
        return True
    return k < n and (doc[k].text in DASHES or set(doc[k].text) <= set("-—–"))
