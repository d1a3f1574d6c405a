"""The agency of a wire dateline: "ASHBY, May 2. /Acme/.", "Ashby, May 2 /Acme News/ -", "ASHBY (Acme) —".

Wire copy opens with the place, maybe its state or country and the date, then the agency: between
slashes (as state agencies write it) or in parentheses (as the Western ones do), then a dash, a colon or
a period; or, after a comma, its acronym bare and a dash ("Ashby, ACME- ...", ``_BARE_DATELINE``).
The agency is an ORG mention of its name alone (not the slashes or the parentheses), resolved
through the gazetteer like any organization (one it lacks keeps no id). The place is another rule's:
``datelines.datelines`` for one in capitals, NER for the others.

The dateline (``_DATELINE``) opens the text, a line or a sentence; a date follows its place, or a
state or country ("ASHBY, Pa."), or the place is a place's very name (curated, or of the world layer).
The agency is up to ``MAX_AGENCY_WORDS`` capitalized words (or a name the curated gazetteer has as
written), not a state or country ("ASHBY (Pa.) —" names a place), with a space before its slash or
parenthesis and a dash, a colon or a period after it.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..text.keys import fold
from ..text.words import words
from ..world.abbreviations import is_region_abbreviation
from .facts import DocumentFacts
from .mention import Mention, Why
from .resolve import Resolver
from .rules import clean_pieces, looks_like_proper_name
from .word_flags import SLASHED

MAX_AGENCY_WORDS = 4
MONTH_MIN_LETTERS = 3  # "Jul", "Sept.": a month's name cut short
_WORD = r"[A-Z][\w'’.-]*"
_DATELINE = re.compile(
    r"(?:^|(?<=[.!?] ))[ \t]*"
    rf"(?P<place>{_WORD}(?: {_WORD}){{0,3}})"
    r"(?:, (?P<state>[A-Z][\w.]*))?"  # ", Pa.", ", Lusitania"
    r"(?:,? (?P<month>[A-Z][a-z]{2,8})\.? (?P<day>\d{1,2})(?:, \d{4})?)?"  # ", July 11", "Jul 11, 2024"
    r"\.? +"  # a space before the slash or the parenthesis ("BASEBALL/SOFTBALL" is no dateline)
    r"(?:/(?P<slashed>[\w .&'’-]{2,60})/|\((?P<bracketed>[\w .&'’-]{2,60})\))"
    r" *(?:-{1,3}|[—–:.])",
    re.MULTILINE,
)
# The agency's acronym bare after the place (as some state agencies write it): "Ashby, ACME- ...".
_BARE_DATELINE = re.compile(
    r"(?:^|(?<=[.!?] ))[ \t]*"
    rf"(?P<place>{_WORD}(?: {_WORD}){{0,3}}),"
    r"(?: (?P<month>[A-Z][a-z]{2,8})\.? (?P<day>\d{1,2}),?)?"
    r" (?P<bare>[A-Z][A-Z&]{2,7}) ?(?:-{1,3}|[—–])(?= )",  # three letters at least: not "IL", "UK"
    re.MULTILINE,
)
# What every _BARE_DATELINE match holds (from its comma to the space after the dash): cheap, as most texts
# have no bare dateline and few a comma right before an acronym and a dash.
_BARE_HINT = re.compile(r",(?: [A-Z][a-z]{2,8}\.? \d{1,2},?)? [A-Z][A-Z&]{2,7} ?(?:-{1,3}|[—–]) ")
# What every _DATELINE match holds: its agency, after a space, between slashes or in parentheses, then the dash.
_DATELINE_HINT = re.compile(r" (?:/[\w .&'’-]{2,60}/|\([\w .&'’-]{2,60}\)) *[-—–:.]")


def agency_ranges(text: str, resolver: Resolver) -> list[tuple[int, int]]:
    """Character ranges of the agencies' names in the document's wire datelines."""
    out = []
    for m, group in _read_datelines(text)[1]:
        if not _dateline_place(m, resolver):
            continue
        raw = m.group(group)
        name = raw.strip()
        if _agency_name(name, resolver):
            start = m.start(group) + len(raw) - len(raw.lstrip())
            out.append((start, start + len(name)))
    return out


@lru_cache(maxsize=1)  # the document's: its two stages (cuts, with_agencies) read its text once
def _read_datelines(text: str) -> tuple[bool, tuple[tuple[re.Match, str], ...]]:
    """Whether the text may hold a bare dateline (``_BARE_HINT``), and each wire dateline's match with
    the name of the group that holds its agency."""
    found = []
    if _DATELINE_HINT.search(text) is not None:
        found += [(m, "slashed" if m.group("slashed") is not None else "bracketed") for m in _DATELINE.finditer(text)]
    bare = _BARE_HINT.search(text) is not None
    if bare:
        found += [(m, "bare") for m in _BARE_DATELINE.finditer(text)]
    return bare, tuple(found)


def _dateline_place(m: re.Match, resolver: Resolver) -> bool:
    """The place of a dateline: before a date or a state or country, or a place's name (and a date is a date)."""
    month, state = m.group("month"), m.groupdict().get("state")
    if month is not None:
        return _month(month)
    if state is not None and _region(state, resolver):
        return True
    place = m.group("place")
    found = resolver.resolve(place, label="GPE", from_ner=False)
    if found is not None:
        return found.entry.label == "GPE"
    world = resolver.world
    return world is not None and any(
        match == "fold" and fold(p.name) == fold(place) for p, match in world.candidates(place))


def _region(written: str, resolver: Resolver) -> bool:
    """A state's or province's press abbreviation ("Pa."), or a state's or country's name."""
    if is_region_abbreviation(fold(written).replace(" ", "")):
        return True
    return resolver.world is not None and bool(resolver.world.containers(f", {written}"))


def _month(written: str) -> bool:
    """A month's or weekday's name, maybe cut short ("Jul", "Sept.")."""
    low = written.rstrip(".").lower()
    return len(low) >= MONTH_MIN_LETTERS and any(w.startswith(low) for w in words("calendar_words"))


def _agency_name(name: str, resolver: Resolver) -> bool:
    """Up to MAX_AGENCY_WORDS capitalized words (or a curated name as written), no state or country."""
    parts = name.split()
    if not 0 < len(parts) <= MAX_AGENCY_WORDS or sum(c.isalpha() for c in name) < 2:
        return False
    key = fold(name)
    capitalized = all(next((c for c in p if c.isalnum()), "a").isupper() for p in parts)
    if not capitalized and key not in resolver.index.by_fold:
        return False
    return not _region(name, resolver)


def cuts(facts: DocumentFacts, resolver: Resolver) -> list[int]:
    """Character offsets where the document's tokens must be split for its wire agencies to be spans
    ("/Acme/." is one token): at each end of the name and after the closing slash. The tokenizer splits
    parentheses off, so only a document with a word glued to a slash, or a bare dateline, is read."""
    if not facts.flagged & SLASHED and not _read_datelines(facts.text)[0]:
        return []
    out = []
    for start, end in agency_ranges(facts.text, resolver):
        out.extend((start, end, end + 1))
    return out


def with_agencies(facts: DocumentFacts, mentions: list[Mention], resolver: Resolver) -> list[Mention]:
    """The mentions with each wire dateline's agency an ORG mention (``Why.AGENCY`` unless NER had it so);
    NER's spans over the agency's slashes or parentheses keep their words outside them, if names."""
    doc = facts.doc
    out = list(mentions)
    for start_char, end_char in agency_ranges(facts.text, resolver):
        span = doc.char_span(start_char, end_char)
        if span is None:  # the tokens were not split (glued.split_names)
            continue
        first, last = max(0, span.start - 1), min(len(doc), span.end + 1)  # with the slashes or parentheses
        over = [m for m in out if m.start < last and first < m.end]
        same = next((m for m in over if (m.start, m.end) == (span.start, span.end)), None)
        if same is not None and same.ner_label == "ORG":
            continue
        new = [Mention(span.start, span.end, "ORG", why=(Why.AGENCY,)) if same is None
               else same.but(Why.AGENCY, ner_label="ORG")]
        for m in over:
            if m is same:
                continue
            if m.start < first:
                new.extend(_names(facts, m, m.start, first))
            if m.end > last:
                new.extend(_names(facts, m, last, m.end))
        kept = {id(m) for m in over}
        out = [m for m in out if id(m) not in kept] + new
    return sorted(out, key=lambda m: m.start)


def _names(facts: DocumentFacts, mention: Mention, start: int, end: int) -> list[Mention]:
    """What is left of NER's span ``mention`` in doc[start:end], outside a dateline's agency."""
    return [mention.but(start=a, end=b) for a, b in clean_pieces(facts.doc[start:end], line_breaks=not facts.wrapped)
            if looks_like_proper_name(facts.span_text(a, b))]
