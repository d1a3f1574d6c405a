"""What the stages need to know about a document, computed once per document.

Every stage of :func:`normalizer.pipeline.mentions.find_mentions` takes these facts and a list of
mentions and returns a new list; none of them walks the document again for the same thing (the
text as one string, the menu lines, the names NER tagged as places, the words of people's names,
the words the document writes in lower case, the countries of its nationality words).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from spacy.tokens import Doc

from ..gazetteer.schema import PLACE_LABELS
from ..text.keys import fold
from ..world.demonyms import countries_of
from .rules import menu_lines


@dataclass(frozen=True)
class DocumentFacts:
    """One document's facts; the costly ones are computed on first use, then kept."""

    doc: Doc

    @cached_property
    def text(self) -> str:
        return self.doc.text  # spaCy joins the tokens on every access: once here

    @cached_property
    def junk(self) -> list[tuple[int, int]]:
        """Character ranges of lines that are menus or icon words, not prose (``rules.menu_lines``)."""
        return menu_lines(self.text)

    @cached_property
    def place_names(self) -> frozenset[str]:
        """Folded names NER tagged as places somewhere in the document."""
        return frozenset(fold(e.text) for e in self.doc.ents if e.label_ in PLACE_LABELS)

    @cached_property
    def person_parts(self) -> frozenset[str]:
        """Folded words and word runs of multi-word PERSON spans: "Andrew Jackson" -> andrew, jackson."""
        parts: set[str] = set()
        for ent in self.doc.ents:
            if ent.label_ != "PERSON" or len(ent) < 2:
                continue
            words = [t.text for t in ent if t.is_alpha]
            for i in range(len(words)):
                for j in range(i + 1, len(words) + (i > 0)):
                    if j - i < len(words):
                        parts.add(fold(" ".join(words[i:j])))
        return frozenset(parts)

    @cached_property
    def lowered(self) -> frozenset[str]:
        """The words the document writes in lower case somewhere."""
        return frozenset(t.text for t in self.doc if t.is_lower)

    @cached_property
    def nationalities(self) -> list[str]:
        """The countries of the document's nationality words ("a French woman"): context, not entities."""
        out = []
        for ent in self.doc.ents:
            if ent.label_ == "NORP":
                codes = countries_of(ent.text)
                if codes:
                    out.append(codes[0])
        return out

    def following(self, start: int, end: int, chars: int) -> str:
        """The ``chars`` characters of text after doc[start:end]."""
        last = self.doc[end - 1]
        stop = last.idx + len(last)
        return self.text[stop: stop + chars]

    def preceding(self, start: int, chars: int) -> str:
        """The ``chars`` characters of text before token ``start``."""
        first = self.doc[start].idx
        return self.text[max(0, first - chars): first]
