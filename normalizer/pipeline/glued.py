"""Names glued into one token with punctuation, split off so that they can be spans of their own.

spaCy's English tokenizer keeps "/Acme/." and "U.S.-led" as one token each, and a mention is a range of
tokens: the agency of a wire dateline (:mod:`normalizer.pipeline.agencies`) and a name inside a
hyphenated compound (:mod:`normalizer.pipeline.compounds`) can be spans only once their token is split
there. ``split_names`` asks those two rules where to cut and ``split_at`` cuts: the text stays as it is,
and so do the entities (``doc.ents``) and span groups, by their character offsets. The piece with the
most letters keeps the token's tag, head and dependency; the others hang on it, punctuation as such.
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

from spacy.tokens import Doc, SpanGroup, Token

from . import agencies, compounds
from .facts import DocumentFacts
from .resolve import Resolver

_PUNCT_TAGS = {"-": "HYPH", ".": ".", ",": ","}  # fine-grained tags of punctuation pieces (others: NFP)


def split_names(facts: DocumentFacts, resolver: Resolver) -> bool:
    """Split the tokens of the document that hold a wire agency or a compound's name (in place); whether
    any was (then the document's facts are out of date)."""
    cuts = compounds.glued_cuts(facts, resolver)
    cuts.extend(agencies.cuts(facts, resolver))
    doc = facts.doc
    tokens = len(doc)
    if cuts:
        split_at(doc, cuts)
    return len(doc) != tokens


def split_at(doc: Doc, cuts: Iterable[int]) -> Doc:
    """Split the tokens of ``doc`` at the character offsets ``cuts`` that fall inside one (in place)."""
    starts = [token.idx for token in doc]
    inside: dict[int, list[int]] = {}  # token -> the offsets inside it where it is cut
    for cut in sorted(set(cuts)):
        i = bisect_right(starts, cut) - 1
        if i >= 0 and starts[i] < cut < starts[i] + len(doc[i]):
            inside.setdefault(i, []).append(cut - starts[i])
    if not inside:
        return doc
    had_ents = doc.has_annotation("ENT_IOB")
    ents = [(e.start_char, e.end_char, e.label_, e.kb_id_, e.id_) for e in doc.ents]
    groups = {name: (group.attrs, [(s.start_char, s.end_char, s.label_, s.kb_id_, s.id_) for s in group])
              for name, group in doc.spans.items()}
    parsed, tagged = doc.has_annotation("DEP"), doc.has_annotation("TAG")
    sentences = doc.has_annotation("SENT_START")
    made = []  # per new token: its offset, its place among the pieces, whether it has the name, the old token
    with doc.retokenize() as retokenizer:
        for i, offsets in inside.items():
            token = doc[i]
            old = (token.tag_, token.pos_, token.dep_, str(token.morph))
            bounds = [0, *offsets, len(token.text)]
            orths = [token.text[a:b] for a, b in zip(bounds, bounds[1:])]
            main = max(range(len(orths)), key=lambda k: sum(c.isalnum() for c in orths[k]))
            if parsed:
                heads = [token.head if k == main and token.head.i != i else (token, main) for k in range(len(orths))]
            else:
                heads = [(token, k) for k in range(len(orths))]
            retokenizer.split(token, orths, heads)
            made.extend((token.idx + a, k, k == main, old) for k, a in enumerate(bounds[:-1]))
    by_start = {token.idx: token for token in doc}
    for start, k, is_main, old in made:
        token = by_start[start]
        _describe(token, is_main, old, tagged=tagged, parsed=parsed)
        if k and not parsed:  # a parse sets the sentence starts itself
            token.is_sent_start = False if sentences else None
    if had_ents:
        doc.ents = [doc.char_span(a, b, label=label, kb_id=kb, span_id=key) for a, b, label, kb, key in ents]
    for name, (attrs, spans) in groups.items():
        doc.spans[name] = SpanGroup(doc, name=name, attrs=attrs, spans=[
            doc.char_span(a, b, label=label, kb_id=kb, span_id=key) for a, b, label, kb, key in spans])
    return doc


def _describe(token: Token, is_main: bool, old: tuple[str, str, str, str], *, tagged: bool, parsed: bool) -> None:
    """The tag, part of speech, dependency and morphology of a new piece (the old token's: ``old``)."""
    tag, pos, dep, morph = old
    text = token.text
    word = any(c.isalnum() for c in text)
    if tagged:
        if not word:
            tag, pos = _PUNCT_TAGS.get(text, "NFP"), "PUNCT"
        elif text[:1].isupper():
            tag, pos = "NNP", "PROPN"
        token.tag_, token.pos_ = tag, pos
    if parsed and not is_main:
        dep = "punct" if not word else "dep"
    if parsed:
        token.dep_ = dep
    token.set_morph(morph if is_main and morph else None)
