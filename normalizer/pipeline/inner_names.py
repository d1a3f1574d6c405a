"""Place names written inside a longer name ("Ashby" in "Ashby Police Department").

The default path reads them as context (where a document's institutions are says where the
story is: :func:`normalizer.pipeline.mentions.find_mentions`); the opt-in geoparsing conventions
(:mod:`normalizer.pipeline.geoparse`) also make them mentions of their own. The rules: runs of
capitalized words, longest first, whole words only, that are a curated place name or a world
place's very name; never the whole entity, a lone stop word, an acronym, a word the document uses
in a person's name, a word naming a kind of institution or a direction, nor a town's name before
a street word ("Ashby Road").
"""
from __future__ import annotations

from collections.abc import Container, Sequence
from typing import TYPE_CHECKING

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Span

from ..gazetteer.schema import PLACE_LABELS
from ..text.keys import case_compatible, fold, looks_like_acronym
from ..text.words import words
from .resolve import Resolver

if TYPE_CHECKING:
    from .facts import DocumentFacts

MAX_NAME_TOKENS = 5


class InnerNames:
    """Finds place names inside a span, against the resolver's gazetteer and world layer."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self.world = resolver.world

    def find(
        self, ent: Span, *, used: set[int] = frozenset(), person_parts: set[str], lowered: set[str],
    ) -> list[tuple[int, int]]:
        """Place names inside ``ent``: capitalized word runs, longest first, left to right. Each token
        of ``ent`` is read once (its text and where it starts)."""
        texts, starts = zip(*[(t.text, t.idx) for t in ent]) if len(ent) else ((), ())
        return self._runs(ent.text, ent.start_char, ent.start, texts, starts, used=used, person_parts=person_parts,
                          lowered=lowered)

    def names_in(self, facts: DocumentFacts, start: int, end: int) -> list[str]:
        """``names_inside(doc[start:end])`` from the document's facts: no Span or Token made."""
        text, starts, ends = facts.text, facts.starts, facts.ends
        texts = [text[starts[i] : ends[i]] for i in range(start, end)]
        found = self._runs(text, 0, start, texts, starts[start:end], person_parts=facts.person_parts,
                           lowered=facts.lowered)
        return [text[starts[a] : ends[b - 1]] for a, b in found]

    def _runs(self, whole: str, offset: int, first: int, texts: Sequence[str], starts: Sequence[int], *,
              used: set[int] = frozenset(), person_parts: Container[str], lowered: Container[str],
              ) -> list[tuple[int, int]]:
        """``find`` of the tokens ``first``, ``first + 1``, ... written ``texts``, starting at ``starts`` in
        the text ``whole`` begins at ``offset``."""
        stop = first + len(texts)
        may_start, may_end = [_name_start(t) for t in texts], [_name_end(t) for t in texts]
        out = []
        i = first
        while i < stop:
            if not may_start[i - first] or i in used:
                i += 1
                continue
            best = None
            for end in range(min(stop, i + MAX_NAME_TOKENS), i, -1):
                if not may_end[end - 1 - first] or (i, end) == (first, stop) or (
                        used and used.intersection(range(i, end))):
                    continue
                last = texts[end - 1 - first]
                written = whole[starts[i - first] - offset : starts[end - 1 - first] - offset + len(last)]
                if fold(written) in person_parts or (end - i == 1 and _common_word(texts[i - first], lowered)):
                    continue
                if end < stop and texts[end - first].lower() in words("street_words"):
                    continue
                if not self.is_place_name(written):
                    continue
                best = end
                break
            if best is None:
                i += 1
            else:
                out.append((i, best))
                i = best
        return out

    def names_inside(self, span: Span, *, person_parts: set[str], lowered: set[str]) -> list[str]:
        """Place names written inside ``span`` ("Ashby" in "Ashby Town Council"), by the rules above."""
        doc = span.doc
        return [doc[start:end].text for start, end in self.find(span, person_parts=person_parts, lowered=lowered)]

    def is_place_name(self, written: str) -> bool:
        """A curated place name, or a world place's very name (a country's or region's any name)."""
        if written.isupper() and looks_like_acronym(written) and "." not in written:
            return False  # "UNC", "SEC": organisations' acronyms
        key = fold(written)
        if not key or key in STOP_WORDS:
            return False
        for name in self.resolver.index.by_fold.get(key, ()):
            if (name.entry.label in PLACE_LABELS and not name.variant.weak and name.variant.kind != "generic"
                    and case_compatible(name.variant.name, written)):
                return True
        if self.world is None:
            return False
        return any(fold(place.name) == key or place.feature in ("country", "admin1", "continent")
                   for place in self.world.folded_candidates(written))


def _common_word(text: str, lowered: set[str]) -> bool:
    """A word (as written) that names a kind of institution, a feature or a direction (``generic_words``:
    "University", "Police", "West"), or that the document also writes in lower case."""
    word = text.lower()
    return word in words("generic_words") or word in lowered


def _name_start(text: str) -> bool:
    """Can a place's name begin with this word: capitalized, and not the article of an organization's
    title ("The" of "The Ashby Courier", which folding would drop: "Ashby" is the place)."""
    head = text[:1]
    return head.isupper() and (head.isalpha() or any(c.isalpha() for c in text)) and text != "The"


def _name_end(text: str) -> bool:
    return _name_start(text) and text.lower() not in STOP_WORDS
