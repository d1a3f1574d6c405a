"""A person's family name alone where NER tagged nothing: news names a person in full once and then
by the family name ("Adaeze Okafor ... Okafor added"), and NER misses some of those. A one-word
capitalized name outside every mention and every NER span that is the family name of a person the
document names in full (``DocumentFacts.person_surnames``) is a PERSON mention; the corpus ids then
give it that person's id. Place cues run first: a name they made a place stays one; a name the
curated gazetteer knows is left to it (a curated person's surname alone is a weak name, which would
give this one a person the document may not name)."""
from __future__ import annotations

from ..gazetteer.names import NameIndex
from ..text.keys import fold
from .facts import DocumentFacts
from .mention import Mention, Why
from .toponyms import capitalized_runs


def untagged_surnames(facts: DocumentFacts, mentions: list[Mention], index: NameIndex) -> list[Mention]:
    """The mentions, and a PERSON mention for each untagged family name of a person of the document."""
    surnames = facts.person_surnames
    if not surnames:
        return mentions
    taken = {i for m in mentions for i in range(m.start, m.end)}
    taken.update(i for e in facts.ents for i in range(e.start, e.end))
    added = [Mention(start, end, "PERSON", why=(Why.UNTAGGED, Why.PERSON_PART))
             for start, end in capitalized_runs(facts, taken)
             if end - start == 1 and (key := fold(facts.span_text(start, end))) in surnames
             and key not in index.by_fold]
    return sorted(mentions + added, key=lambda m: m.start) if added else mentions
