"""What the stages need to know about a document, computed once per document.

Every stage of :func:`normalizer.pipeline.mentions.find_mentions` takes these facts and a list of
mentions and returns a new list; none of them walks the document again for the same thing (the
text as one string, NER's entities, the word ids of the tokens, the menu lines, the names NER
tagged as places, the words of people's names, the words the document writes in lower case, the
countries of its nationality words). Token-level facts, the text too, come from one ``doc.to_array``
pass (``_tokens``) and the words' entries (``word_flags.word_entries``), not from ``Token`` objects.
"""
from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from functools import cached_property, reduce
from operator import getitem, itemgetter, or_

import numpy as np
from spacy.attrs import IDX, LENGTH, ORTH, POS, SPACY
from spacy.parts_of_speech import PROPN
from spacy.tokens import Doc, Span

from ..gazetteer.schema import PLACE_LABELS
from ..text.keys import fold
from ..text.name_order import family_name, given_names
from ..text.words import words as word_list
from ..world.demonyms import countries_of
from .rules import hard_wrapped, menu_lines
from .word_flags import ALPHA, LOWER, NAME, word_entries

_TOKEN_ATTRS = (ORTH, IDX, LENGTH, SPACY, POS)  # the columns of DocumentFacts._tokens, in this order


class LowerWords(Container[str]):
    """The words a document writes in lower case somewhere: ``word in`` it, by word id (no strings made).
    ``flags``: the ``word_flags`` bits of each word id of the document; a word is in lower case by its
    ``LOWER`` bit."""

    def __init__(self, doc: Doc, flags: dict[int, int]) -> None:
        self._strings, self._flags = doc.vocab.strings, flags

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and bool(self._flags.get(self._strings[word], 0) & LOWER)


@dataclass(frozen=True)
class DocumentFacts:
    """One document's facts; the costly ones are computed on first use, then kept."""

    doc: Doc

    @cached_property
    def text(self) -> str:
        """``doc.text``: each token's word, with its space if it has one (``_words``, by ``SPACY``), joined
        (spaCy makes a ``Token`` per token for it, on every access)."""
        return "".join(map(getitem, self._words, self._tokens[:, 3].tolist()))

    @cached_property
    def ents(self) -> tuple[Span, ...]:
        """NER's entities as the component found them (spaCy builds the tuple on every access: once here)."""
        return self.doc.ents

    @cached_property
    def _tokens(self) -> np.ndarray:
        """One row per token: its ``_TOKEN_ATTRS``."""
        return self.doc.to_array(list(_TOKEN_ATTRS))

    @cached_property
    def orths(self) -> list[int]:
        """The word id (``ORTH``) of every token."""
        return self._tokens[:, 0].tolist()

    @cached_property
    def starts(self) -> list[int]:
        """Where each token starts in ``text`` (``token.idx``)."""
        return self._tokens[:, 1].tolist()

    @cached_property
    def ends(self) -> list[int]:
        """Where each token ends in ``text`` (``token.idx + len(token)``)."""
        tokens = self._tokens
        return (tokens[:, 1] + tokens[:, 2]).tolist()

    @cached_property
    def name_words(self) -> list[int]:
        """The tokens that may be part of a name NER missed: a ``word_flags.NAME`` word with no part of
        speech or a proper noun's, or one the tagger took for another part of speech (as it does with a
        sentence's first word) that NER tags as a place elsewhere in the document ("Ashby police" at a
        sentence's start, "in Ashby" later; ``toponyms.capitalized_runs`` reads them)."""
        pos = self._tokens[:, 4].tolist()
        places = self.place_names
        return [i for i, code in enumerate(self.flags) if code & NAME and (
            pos[i] in (0, PROPN) or (places and self.token_lower(i) in places))]

    @cached_property
    def _words(self) -> list[tuple[str, str, int]]:
        """Each token's text, text and space, and ``word_flags`` bits (``word_flags.word_entries``: one
        look-up per token)."""
        return word_entries(self.doc, self.orths)

    @cached_property
    def flags(self) -> list[int]:
        """The ``word_flags`` bits of every token (what each word may be to the stages' rules)."""
        return list(map(itemgetter(2), self._words))

    @cached_property
    def flagged(self) -> int:
        """The ``word_flags`` bits some token of the document has: a stage whose bit is not here skips
        the document at once."""
        return reduce(or_, set(self.flags), 0)

    def token_text(self, i: int) -> str:
        """``doc[i].text``, from the text (no Token made)."""
        return self.text[self.starts[i] : self.ends[i]]

    def token_lower(self, i: int) -> str:
        """``doc[i].lower_``, from the text (no Token made)."""
        return self.text[self.starts[i] : self.ends[i]].lower()

    def spaced(self, i: int) -> bool:
        """Is there white space right after token ``i`` (``doc[i].whitespace_``), by the token offsets?"""
        ends, starts = self.ends, self.starts
        return ends[i] < (starts[i + 1] if i + 1 < len(starts) else len(self.text))

    def span_text(self, start: int, end: int) -> str:
        """``doc[start:end].text``, from the text (no Span made)."""
        return self.text[self.starts[start] : self.ends[end - 1]]

    @cached_property
    def wrapped(self) -> bool:
        """Is the text wrapped at a fixed width (``rules.hard_wrapped``)? Then a line break ends no name."""
        return hard_wrapped(self.text)

    @cached_property
    def junk(self) -> list[tuple[int, int]]:
        """Character ranges of lines that are menus or icon words, not prose (``rules.menu_lines``)."""
        return menu_lines(self.text)

    @cached_property
    def place_names(self) -> frozenset[str]:
        """Folded names NER tagged as places somewhere in the document."""
        return frozenset(fold(e.text) for e in self.ents if e.label_ in PLACE_LABELS)

    @cached_property
    def person_parts(self) -> frozenset[str]:
        """Folded words and word runs of multi-word PERSON spans: "Andrew Jackson" -> andrew, jackson;
        without a title NER took in ("[Ashby Mayor]": no person's name, Ashby the mayor's town)."""
        parts: set[str] = set()
        titles = word_list("person_titles")
        for ent in self.ents:
            if ent.label_ != "PERSON" or len(ent) < 2:
                continue
            words = self._alpha_words(ent)
            while words and words[0].lower() in titles:
                words = words[1:]
            while words and words[-1].lower() in titles:
                words = words[:-1]
            for i in range(len(words)):
                for j in range(i + 1, len(words) + (i > 0)):
                    if j - i < len(words):
                        parts.add(fold(" ".join(words[i:j])))
        return frozenset(parts)

    @cached_property
    def person_surnames(self) -> dict[str, frozenset[str]]:
        """Folded family names of multi-word PERSON spans, each with the folded given names they come
        with: "Andrew Jackson" -> jackson: {andrew}; "Wang Yi" -> wang: {yi}. Not the last word of a
        name with a particle before it ("Van der Hoek": the family name is more than "Hoek"), nor
        a title ("Sgt."), nor a word the document also writes in lower case ("Marsh", "Brook")."""
        found: dict[str, set[str]] = {}
        for ent in self.ents:
            words = self._alpha_words(ent) if ent.label_ == "PERSON" and len(ent) >= 2 else []
            if len(words) < 2 or any(w.islower() for w in words[1:-1]):
                continue
            surname = family_name(words)
            if surname.lower() in self.lowered or surname.lower() in word_list("person_titles"):
                continue
            found.setdefault(fold(surname), set()).update(fold(w) for w in given_names(words))
        return {surname: frozenset(given) for surname, given in found.items()}

    def _alpha_words(self, span: Span) -> list[str]:
        """``[t.text for t in span if t.is_alpha]``, from the words' entries (no Token made)."""
        words, flags = self._words, self.flags
        return [words[i][0] for i in range(span.start, span.end) if flags[i] & ALPHA]

    @cached_property
    def lowered(self) -> LowerWords:
        """The words the document writes in lower case somewhere (only ``in`` is asked of it)."""
        return LowerWords(self.doc, dict(zip(self.orths, self.flags)))  # one pass in C, no test per token

    @cached_property
    def nationalities(self) -> list[str]:
        """The countries of the document's nationality words ("the Dutch crew"): context, not entities."""
        out = []
        for ent in self.ents:
            if ent.label_ == "NORP":
                codes = countries_of(ent.text)
                if codes:
                    out.append(codes[0])
        return out

    def following(self, start: int, end: int, chars: int) -> str:
        """The ``chars`` characters of text after doc[start:end]."""
        stop = self.ends[end - 1]
        return self.text[stop: stop + chars]

    def preceding(self, start: int, chars: int) -> str:
        """The ``chars`` characters of text before token ``start``."""
        first = self.starts[start]
        return self.text[max(0, first - chars): first]
