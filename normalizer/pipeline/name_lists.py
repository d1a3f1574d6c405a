"""An NER span that is a list of names the gazetteer knows ("Reuters and AFP", "Reuters, AFP and
Kyodo"): the names, one mention each. NER joins two names around "and" or a comma when both are of
one label; the curated gazetteer knowing every part, and not the whole, says the span is a list (a
name with "and" inside, "Bosnia and Herzegovina", is known whole, or its parts are unknown:
"Procter and Gamble")."""
from __future__ import annotations

from ..gazetteer.names import NameIndex
from ..text.keys import fold
from .facts import DocumentFacts
from .word_flags import COORDINATORS


def listed_names(facts: DocumentFacts, index: NameIndex, start: int, end: int) -> list[tuple[int, int]]:
    """doc[start:end] as the token ranges of the names it lists, or as itself when it lists none."""
    strings, orths = facts.doc.vocab.strings, facts.orths
    cuts = [i for i in range(start + 1, end - 1) if strings[orths[i]].lower() in COORDINATORS]
    if not cuts or fold(facts.span_text(start, end)) in index.by_fold:
        return [(start, end)]
    parts, first = [], start
    for cut in [*cuts, end]:
        if cut > first:  # two coordinators in a row (", and") leave nothing between them
            parts.append((first, cut))
        first = cut + 1
    known = all(any(not name.variant.weak for name in index.by_fold.get(fold(facts.span_text(a, b)), ()))
                for a, b in parts)
    return parts if known and len(parts) > 1 else [(start, end)]
