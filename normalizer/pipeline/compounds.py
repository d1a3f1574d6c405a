"""Names inside hyphenated compounds: "the pro-Lisbon faction", "the Madrid-Rome flight", "an Oslo-based firm".

News glues names to affixes and to each other with hyphens; the convention is that each name inside a
compound is a mention of its own and the affix none ("pro-[Lisbon]", "[Madrid]-[Rome]", "[Acme]-backed"),
while a compound that is itself a name stays whole ("Guinea-Bissau", "Stratford-upon-Avon"). NER gives
nothing there, or one span over the whole compound.

A compound is words joined by hyphens without spaces (the tokenizer splits at such a hyphen; ``glued_cuts``
says where a token it left whole must be split: "U.S.-led"). Each word is an affix, written in lower
case (a prefix first, ``compound_prefixes``; a suffix last, ``compound_suffixes`` and
``compound_place_suffixes``; a capitalized prefix only where it opens a sentence or a line), or a name
(capitalized, two letters or more). A compound with any other word ("well-known", "Rostov-on-Don",
"Park Chung-hee") is left alone, and so is one that is a name as a whole, or whose names are one name
together: a name of the curated gazetteer (any variant) or of the world layer (any name). The name at
either end may run over up to ``MAX_RUN_WORDS`` capitalized words next to it when together they are a
known name ("New York-based", "anti-Saudi Arabia").

A name is *known* when the curated gazetteer has it (then it takes its entry's label) or the world
layer names a place so (GPE): before a place suffix (``compound_place_suffixes``: "based", "born") any
place by its very name; elsewhere as prominent a place as NER's organizations must be to be places
(``WorldPlaces.resolve(strict=True)``): a country, or a region or city of many people.

* With an affix: the known names become mentions. NER's span over the compound loses the affixes: its
  names nobody knows keep NER's label ("pro-[Halvard]"), its words outside the compound are a mention
  of their own with NER's label ("[Oslo]-based [Acme Lab]"); but with no name known, a span of NER's
  that runs beyond the compound is a name that holds it ("the trans-Acme Pact") and stays.
* Without ("Madrid-Rome"): only when every name is known, no capitalized word stands next to the
  compound ("the Paris-Berlin Express" is one name) and NER's span, if any, is no person's and no
  longer than the compound ("Jean-Pierre Roe").
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import compress

from spacy.lang.en.stop_words import STOP_WORDS

from ..text.keys import fold
from ..text.words import words
from .facts import DocumentFacts
from .inner_names import InnerNames
from .mention import Mention, Why
from .resolve import Resolver
from .rules import clean_pieces, looks_like_proper_name
from .word_flags import HYPHEN, HYPHENATED

MAX_RUN_WORDS = 2  # capitalized words a name at either end of a compound may run over ("New York-based")
PREFIX, SUFFIX, NAME, OTHER = "prefix", "suffix", "name", "other"
_OPENERS = frozenset({".", "!", "?", ":", ";", '"', "“", "(", "—", "–"})  # after them a capital opens a clause


@cache
def _suffixes() -> frozenset[str]:
    return words("compound_suffixes") | words("compound_place_suffixes")


@dataclass(frozen=True)
class Part:
    """A word (or, for a name, a run of words) of a compound: doc[start:end], what it is, a known name's label."""

    start: int
    end: int
    kind: str
    label: str | None = None


def kind(written: str, position: int, count: int, *, opens: bool) -> str:
    """What the ``position``-th of the ``count`` words of a compound is: PREFIX, SUFFIX, NAME or OTHER.
    ``opens``: the compound opens a sentence or a line (a capitalized prefix counts there)."""
    low = written.lower()
    if position == 0 < count - 1 and low in words("compound_prefixes") and (
            written == low or (opens and written[1:] == low[1:])):
        return PREFIX
    if position == count - 1 > 0 and written == low and low in _suffixes():
        return SUFFIX
    first = next((c for c in written if c.isalnum()), "")
    return NAME if first.isupper() and sum(c.isalpha() for c in written) >= 2 else OTHER


class Names:
    """What the compounds of a document know of the names in them (one look-up per name and rule)."""

    def __init__(self, resolver: Resolver, person_parts: frozenset[str] = frozenset()) -> None:
        self.resolver, self.person_parts = resolver, person_parts
        self._places = InnerNames(resolver)
        self._labels: dict[tuple[str, bool], str | None] = {}

    def label(self, written: str, *, strict: bool) -> str | None:
        """The label of the known name ``written`` (see the module's docstring), or None."""
        key = (written, strict)
        if key not in self._labels:
            self._labels[key] = self._label(written, strict)
        return self._labels[key]

    def _label(self, written: str, strict: bool) -> str | None:
        found = self.resolver.resolve(written, label=None, from_ner=False)  # the curated gazetteer only
        if found is not None:
            return found.entry.label
        world = self.resolver.world
        if world is None or fold(written) in self.person_parts:
            return None
        if strict:
            return "GPE" if world.resolve(written, strict=True) is not None else None
        return "GPE" if self._places.is_place_name(written) else None

    def whole(self, written: str) -> bool:
        """Is ``written`` a name as a whole: any variant of the curated gazetteer, any name of the world layer?"""
        if fold(written) in self.resolver.index.by_fold:
            return True
        world = self.resolver.world
        return world is not None and any(match == "fold" for _, match in world.candidates(written))


def glued_cuts(facts: DocumentFacts, resolver: Resolver) -> list[int]:
    """Character offsets where tokens the tokenizer left whole ("U.S.-led", "U.K.-Acme") must be split
    for the names in them: around each hyphen of a token that is a compound with a known name."""
    if not facts.flagged & HYPHENATED:  # most documents: no such token
        return []
    doc = facts.doc
    cuts: list[int] = []
    names = Names(resolver)
    for i in compress(range(len(doc)), [code & HYPHENATED for code in facts.flags]):
        token = doc[i]
        pieces = token.text.split(HYPHEN)
        kinds = [kind(p, k, len(pieces), opens=False) for k, p in enumerate(pieces)]
        if OTHER in kinds or NAME not in kinds:
            continue
        first, last = kinds.index(NAME), len(kinds) - kinds[::-1].index(NAME)
        run = HYPHEN.join(pieces[first:last])
        if names.whole(token.text) or (last - first > 1 and names.whole(run)):
            continue
        strict = not (kinds[-1] == SUFFIX and pieces[-1] in words("compound_place_suffixes"))
        if any(names.label(p, strict=strict) for p, k in zip(pieces, kinds) if k == NAME):
            at = token.idx
            for piece in pieces[:-1]:
                at += len(piece)
                cuts.extend((at, at + 1))
                at += 1
    return cuts


def split_compounds(facts: DocumentFacts, mentions: list[Mention], resolver: Resolver) -> list[Mention]:
    """The mentions with the names inside the document's hyphenated compounds as mentions of their own
    (the module's docstring gives the rules); NER's spans over a compound are replaced."""
    found = compounds(facts)
    if not found:
        return mentions
    names = Names(resolver, facts.person_parts)
    out = list(mentions)
    for tokens in found:
        parsed = parts(facts, tokens, names)
        if parsed is None:
            continue
        start, end = parsed[0].start, parsed[-1].end
        over = [m for m in out if m.start < end and start < m.end]
        if any(p.kind != NAME for p in parsed):
            capital = parsed[0].kind == PREFIX and not facts.span_text(tokens[0], tokens[0] + 1).islower()
            new = _affixed(facts, parsed, over, capital=capital)
        else:
            new = _paired(facts, parsed, over)
        if new is not None:
            out = [m for m in out if not (m.start < end and start < m.end)] + new
    return sorted(out, key=lambda m: m.start)


def compounds(facts: DocumentFacts) -> list[list[int]]:
    """The hyphenated compounds of the document: for each, its words' tokens (the hyphens are between)."""
    orths, starts, ends, text = facts.orths, facts.starts, facts.ends, facts.text
    hyphen = facts.doc.vocab.strings[HYPHEN]
    out: list[list[int]] = []
    for i in _indexes(orths, hyphen):
        if not (0 < i < len(orths) - 1 and ends[i - 1] == starts[i] and ends[i] == starts[i + 1]):
            continue
        if not (_wordy(text[starts[i - 1]:ends[i - 1]]) and _wordy(text[starts[i + 1]:ends[i + 1]])):
            continue
        if out and out[-1][-1] == i - 1:
            out[-1].append(i + 1)
        else:
            out.append([i - 1, i + 1])
    return out


def parts(facts: DocumentFacts, tokens: list[int], names: Names) -> list[Part] | None:
    """The affixes and names of the compound of words ``tokens``, names with their labels if known, or
    None when the compound is left alone."""
    written = [facts.span_text(i, i + 1) for i in tokens]
    opens = _opens(facts, tokens[0])
    kinds = [kind(w, k, len(tokens), opens=opens) for k, w in enumerate(written)]
    if OTHER in kinds or NAME not in kinds:
        return None
    first, last = kinds.index(NAME), len(kinds) - kinds[::-1].index(NAME)
    strict = not (kinds[-1] == SUFFIX and written[-1] in words("compound_place_suffixes"))
    out = [Part(i, i + 1, k) for i, k in zip(tokens, kinds)]
    if names.whole(facts.span_text(tokens[0], tokens[-1] + 1)):
        return None
    if last - first > 1 and names.whole(facts.span_text(tokens[first], tokens[last - 1] + 1)):
        if kinds.count(NAME) == len(kinds):
            return None  # a hyphenated name ("Guinea-Bissau")
        run = Part(tokens[first], tokens[last - 1] + 1, NAME)
        out = [*out[:first], run, *out[last:]]
    if out[0].kind == NAME:
        out[0] = _run(facts, out[0], names, strict, left=True)
    if out[-1].kind == NAME:
        out[-1] = _run(facts, out[-1], names, strict, left=False)
    if all(p.kind == NAME for p in out) and len(out) > 1 and names.whole(
            facts.span_text(out[0].start, out[-1].end)):
        return None  # "Dallas-Fort Worth", if the world layer names it so
    return [p if p.kind != NAME or p.label else Part(p.start, p.end, NAME, names.label(
        facts.span_text(p.start, p.end), strict=strict)) for p in out]


def _run(facts: DocumentFacts, part: Part, names: Names, strict: bool, *, left: bool) -> Part:
    """The name ``part`` at an end of a compound, run over the capitalized words next to it when together
    they are a known name (the longest such), with its label."""
    doc = facts.doc
    for extra in range(MAX_RUN_WORDS, 0, -1):
        start, end = (part.start - extra, part.end) if left else (part.start, part.end + extra)
        if start < 0 or end > len(doc):
            continue
        added = range(start, part.start) if left else range(part.end, end)
        if not all(_name_word(facts, i) for i in added) or not _spaced(facts, start, end, part, left=left):
            continue
        label = names.label(facts.span_text(start, end), strict=strict)
        if label:
            return Part(start, end, NAME, label)
    return part


def _spaced(facts: DocumentFacts, start: int, end: int, part: Part, *, left: bool) -> bool:
    """Only single spaces between the words a name runs over and the compound's own word."""
    pairs = range(start, part.start) if left else range(part.end - 1, end - 1)
    return all(facts.text[facts.ends[i]:facts.starts[i + 1]] == " " for i in pairs)


def _affixed(facts: DocumentFacts, found: list[Part], over: list[Mention], *, capital: bool) -> list[Mention] | None:
    """New mentions for a compound with an affix; None to leave it alone. ``capital``: its prefix is
    capitalized (then only known names count, and NER's span may not run beyond the compound)."""
    start, end = found[0].start, found[-1].end
    if capital and any(m.start < start or m.end > end for m in over):
        return None
    named = [p for p in found if p.kind == NAME]
    if not any(p.label for p in named) and (capital or not over or any(m.start < start or m.end > end for m in over)):
        return None  # no name known, and NER's span runs beyond the compound ("the trans-Acme Pact"): a name
    new: list[Mention] = []
    taken: set[str] = set()  # the sides of the compound an unknown name took NER's words on
    for p in named:
        cover = next((m for m in over if m.start <= p.start and p.end <= m.end), None)
        if p.label:
            if cover is not None and (cover.start, cover.end, cover.ner_label) == (p.start, p.end, p.label):
                new.append(cover)
            else:
                new.append(Mention(p.start, p.end, p.label, why=(Why.COMPOUND,)))
        elif cover is not None and not capital:
            first, last = p.start, p.end
            if p is found[0] and cover.start < first:
                first = cover.start
                taken.add("left")
            if p is found[-1] and cover.end > last:
                last = cover.end
                taken.add("right")
            new.append(cover.but(Why.COMPOUND, start=first, end=last))
    for m in over:
        if m.start < start and "left" not in taken:
            new.extend(_outside(facts, m, m.start, start))
        if m.end > end and "right" not in taken:
            new.extend(_outside(facts, m, end, m.end))
    return new


def _outside(facts: DocumentFacts, mention: Mention, start: int, end: int) -> list[Mention]:
    """The names of NER's span ``mention`` in doc[start:end], outside a compound, with NER's label."""
    pieces = clean_pieces(facts.doc[start:end], line_breaks=not facts.wrapped)
    return [mention.but(Why.COMPOUND, start=a, end=b) for a, b in pieces
            if looks_like_proper_name(facts.span_text(a, b))]


def _paired(facts: DocumentFacts, found: list[Part], over: list[Mention]) -> list[Mention] | None:
    """New mentions for a compound of names only ("Madrid-Rome"); None to leave it alone."""
    start, end = found[0].start, found[-1].end
    if not all(p.label for p in found) or any(
            m.ner_label == "PERSON" or m.start < start or m.end > end for m in over):
        return None
    if start > 0 and _name_word(facts, start - 1) and _beside(facts, start - 1):
        return None  # "Acme Paris-Berlin": part of a longer name
    if end < len(facts.doc) and _name_word(facts, end) and _beside(facts, end - 1):
        return None  # "the Paris-Berlin Express", "Jean-Pierre Roe"
    new = []
    for p in found:
        same = next((m for m in over if m.start == p.start and m.end == p.end and m.ner_label == p.label), None)
        new.append(same or Mention(p.start, p.end, p.label, why=(Why.COMPOUND,)))
    return new


def _name_word(facts: DocumentFacts, i: int) -> bool:
    """A capitalized word that may be part of a name ("New", "St."): no stop word, no punctuation."""
    written = facts.span_text(i, i + 1)
    bare = written.rstrip(".")
    return bool(bare) and bare.isalpha() and bare[0].isupper() and bare.lower() not in STOP_WORDS


def _beside(facts: DocumentFacts, i: int) -> bool:
    """Only spaces, no line break, between token ``i`` and the next."""
    between = facts.text[facts.ends[i]:facts.starts[i + 1]]
    return between.isspace() and "\n" not in between


def _opens(facts: DocumentFacts, i: int) -> bool:
    """Token ``i`` opens the text, a line, a sentence or a clause."""
    if i == 0:
        return True
    before = facts.text[facts.ends[i - 1]:facts.starts[i]]
    previous = facts.span_text(i - 1, i)
    return "\n" in before or "\n" in previous or previous in _OPENERS


def _indexes(items: list[int], item: int) -> list[int]:
    """Where ``item`` is in ``items``, in order (searched by ``list.index``: no Python step per token)."""
    out, at = [], -1
    while True:
        try:
            at = items.index(item, at + 1)
        except ValueError:
            return out
        out.append(at)


def _wordy(written: str) -> bool:
    return any(c.isalnum() for c in written)
