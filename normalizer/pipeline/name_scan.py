"""The curated names of the gazetteer found in a document's text (step 2 of ``mentions.find_mentions``).

``scan_names`` tries each token where a free name can start (``name_starts``) and takes the longest
name written there; weak names never, acronyms only in capitals, proper names only capitalized
(``case_compatible``), a transliteration's key only when it names one entry.
"""
from __future__ import annotations

from itertools import compress

from ..gazetteer.names import NameIndex
from ..text.keys import case_compatible, fold, translit_key
from .facts import DocumentFacts
from .mention import Mention
from .possessives import POSSESSIVES
from .rules import SEPARATORS, breaks_names, in_ranges
from .word_flags import NAME_START, remembered


def scan_names(facts: DocumentFacts, index: NameIndex) -> list[Mention]:
    """Curated, free-matchable names in the text outside menu lines: longest match at each start, no overlaps."""
    doc, text, starts, ends, line_breaks = facts.doc, facts.text, facts.starts, facts.ends, not facts.wrapped
    hits: list[Mention] = []
    limit = index.max_words * 2 + 1
    for i in name_starts(facts, index):
        if hits and i < hits[-1].end:
            continue
        best, first = None, starts[i]
        for end in range(i + 1, min(len(doc), i + limit) + 1):
            last = text[starts[end - 1] : ends[end - 1]]  # the word doc[end - 1], as written
            if (last.isspace() and breaks_names(last, line_breaks=line_breaks)) or (
                    last in SEPARATORS and not _glued_slash(facts, end - 1)):
                break  # a name does not run across a line break, a comma or a slash (but "RFE/RL")
            if last.lower() in POSSESSIVES:
                continue  # no name ends in it, and one may go on after it ("People's Republic")
            written = text[first : ends[end - 1]]
            key, skeleton = fold(written), translit_key(written)
            if key not in index.prefixes and skeleton not in index.prefixes:
                if _before_possessive(facts, end):
                    continue  # "Ashby People" of "Ashby People's Republic": its word is "People's"
                break
            if not any(c.isalnum() for c in last):
                continue
            names = index.free.get(key) or _one_entry(index.free_translit.get(skeleton))
            if names and any(case_compatible(n.variant.name, written) for n in names):
                best = end
        if best is not None:
            hits.append(Mention(i, best, None, from_gazetteer=True))
    return [m for m in hits if not in_ranges(starts[m.start], ends[m.end - 1], facts.junk)]


def _before_possessive(facts: DocumentFacts, end: int) -> bool:
    """Is the word ``end`` a possessive ending glued to the word before it ("People" + "'s")?"""
    starts = facts.starts
    return end < len(starts) and facts.ends[end - 1] == starts[end] and \
        facts.text[starts[end] : facts.ends[end]].lower() in POSSESSIVES


def name_starts(facts: DocumentFacts, index: NameIndex) -> list[int]:
    """The tokens where ``scan_names`` can find a name, in order: exactly those its first step does not
    reject (a word or a number, capitalized unless a number, whose own fold key or skeleton begins a
    free name: ``NameIndex.can_start``). The first test is a bit of the words' flags (``NAME_START``),
    the second is remembered per word of the vocabulary (``word_flags.remembered``): a document costs a
    bit test per token and a look-up per capitalized word."""
    orths, vocab = facts.orths, facts.doc.vocab
    can_start = index.start_words(vocab)
    out, known = [], remembered(vocab, can_start)
    for i in compress(range(len(orths)), map(NAME_START.__and__, facts.flags)):
        start = known.get(orths[i])
        if start is None:  # a word not met before
            start = known[orths[i]] = can_start(orths[i])
        if start:
            out.append(i)
    return out


def _glued_slash(facts: DocumentFacts, i: int) -> bool:
    """Is token ``i`` a slash between two words with no space around it ("RFE/RL", "AC/DC")?"""
    orths, starts, ends = facts.orths, facts.starts, facts.ends
    return (0 < i < len(orths) - 1 and facts.doc.vocab.strings[orths[i]] == "/"
            and ends[i - 1] == starts[i] and ends[i] == starts[i + 1])


def _one_entry(names):
    """Transliteration-key hits count in free text only when they point to a single entry."""
    if names and len({n.entry.canonical_id for n in names}) == 1:
        return names
    return None
