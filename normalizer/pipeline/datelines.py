"""All-caps datelines: "ASHBY (Reuters) —", "DUNMORE, Pa. -", "March 24, 2009 FENWICK --".

A run of all-caps words opening the text, a line or a sentence (or after a date), followed by a
dash, a colon, "(Agency)" or ", State", whose words are a world place's very name, is that place,
whatever NER said of those words (:mod:`normalizer.pipeline.place_spans` uses them; the agency is
:mod:`normalizer.pipeline.agencies`').
"""
from __future__ import annotations

from itertools import compress

from ..text.words import words
from ..world.places import WorldPlaces
from .facts import DocumentFacts
from .toponyms import named
from .word_flags import CAPS, value_of_word

DASHES = frozenset({"-", "--", "---", "—", "–", "——"})
DATELINE_MIN_LETTERS = 4


def datelines(facts: DocumentFacts, world: WorldPlaces) -> list[tuple[int, int]]:
    """Token ranges of all-caps datelines naming a world place: "ASHBY (Reuters) —", "DUNMORE, Pa."."""
    word = facts.token_text
    out = []
    n = len(facts.orths)
    caps = [code & CAPS for code in facts.flags]
    resume = 0  # a dateline's words are not looked at again as the start of another
    for i in compress(range(n), caps):
        if i < resume:
            continue
        j = i
        while j < n and (caps[j] or (j > i and caps[j - 1] and j + 1 < n and caps[j + 1] and word(j) == ".")):
            j += 1
        end = j
        if end < n and word(end) == "." and word(end - 1).lower() in words("dateline_abbreviations"):
            end += 1  # "PIKE CO. -"
        written = facts.span_text(i, end)
        if len(written) < DATELINE_MIN_LETTERS or sum(c.isalpha() for c in written) < DATELINE_MIN_LETTERS:
            continue  # too short for a dateline, and so is every run that starts inside it ("I", "AP")
        if i > 0 and not _opens(facts, i):
            continue
        if _dateline_tail(facts, end) and named(world, written):
            out.append((i, end))
        resume = max(j, i + 1)
    return out


def _opens(facts: DocumentFacts, i: int) -> bool:
    """Start of a line, a sentence, or after a date ("March 24, 2009 ASHBY --"): read from the text
    before token ``i`` (of the document's ``facts``)."""
    prev = facts.token_text(i - 1)
    if prev.isspace() and "\n" in prev:
        return True
    if prev in (".", "!", "?", "\n") or prev.endswith("\n"):
        return True
    return value_of_word(facts.doc.vocab, _like_num, facts.orths[i - 1])


def _like_num(lexeme) -> bool:
    """``like_num`` of a word ("2009", "ten")."""
    return lexeme.like_num


def _dateline_tail(facts: DocumentFacts, end: int) -> bool:
    """What follows a dateline: a dash, "(Agency)", or ", State" then either."""
    word, n = facts.token_text, len(facts.orths)
    k = end
    while k < n and word(k).isspace():
        k += 1
    if k < n and word(k) == ",":
        return k + 1 < n and word(k + 1)[:1].isupper()
    if k < n and word(k) in ("(", ":"):
        return True
    return k < n and (word(k) in DASHES or set(word(k)) <= set("-—–"))
