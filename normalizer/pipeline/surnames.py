"""A person's family name alone where NER tagged nothing: news names a person in full once and then
by the family name ("Adaeze Okafor ... Okafor added"), and NER misses some of those. A one-word
capitalized name outside every mention and every NER span that is the family name of a person the
document names in full (``DocumentFacts.person_surnames``) is a PERSON mention; the corpus ids then
give it that person's id. Place cues run first: a name they made a place stays one; a name the
curated gazetteer knows is left to it (a curated person's surname alone is a weak name, which would
give this one a person the document may not name). So is an untagged name right after a person's
title whose first word is a given name of the name lists ("Mayor Maria Okafor"); its family name
alone then counts too. A one-word ORG span that is such a family name (as written, or in another
romanization of a name from Cyrillic) is a PERSON."""
from __future__ import annotations

from functools import cache

from ..gazetteer.names import NameIndex
from ..text.keys import cyrillic_key, fold, looks_slavic
from ..text.words import words
from .facts import DocumentFacts
from .mention import Mention, Why
from .place_spans import titles_before_people
from .resolve import alike_spellings
from .rules import after_titles, listed_given_names
from .toponyms import capitalized_runs

FAMILY_NAME_WORDS = 3  # an ORG span of up to this many words may be a family name after titles ("Dr. Okafor")


def untagged_surnames(facts: DocumentFacts, mentions: list[Mention], index: NameIndex) -> list[Mention]:
    """The mentions, with a PERSON mention for each untagged name after a person's title and for
    each untagged family name of a person of the document."""
    taken = {i for m in mentions for i in range(m.start, m.end)}
    taken.update(i for e in facts.ents for i in range(e.start, e.end))
    runs = capitalized_runs(facts, taken)
    titled = _titled_names(facts, runs, index)
    surnames = dict(facts.person_surnames)
    for mention in titled:
        parts = facts.span_text(mention.start, mention.end).split()
        surnames[fold(parts[-1])] = surnames.get(fold(parts[-1]), frozenset()) | {fold(parts[0])}
    if not surnames:
        return mentions
    mentions = _family_names_called_organizations(facts, mentions, surnames, index)
    added = titled + [Mention(start, end, "PERSON", why=(Why.UNTAGGED, Why.PERSON_PART))
                      for start, end in runs  # a one-word run holds no titled name (three words at least)
                      if end - start == 1 and (key := fold(facts.span_text(start, end))) in surnames
                      and key not in index.by_fold]
    return sorted(mentions + added, key=lambda m: m.start) if added else mentions


def _family_names_called_organizations(facts: DocumentFacts, mentions: list[Mention],
                                       surnames: dict[str, frozenset[str]], index: NameIndex) -> list[Mention]:
    """One-word ORG spans that are the family name of a person of the document, as written or in
    another romanization of a name from Cyrillic ("Serhiy Hordiienko" ... "Gordiienko"), maybe after
    titles NER took in ("Dr Okafor" -> "Okafor"): PERSON."""
    if not any(m.ner_label == "ORG" and len(m) <= FAMILY_NAME_WORDS for m in mentions):
        return mentions
    skeletons = {cyrillic_key(surname): surname for surname, given in surnames.items()
                 if _from_cyrillic(surname, given)}
    out = []
    for mention in mentions:
        if mention.ner_label != "ORG" or len(mention) > FAMILY_NAME_WORDS:
            out.append(mention)
            continue
        start = after_titles(facts.doc, mention.start, mention.end)  # "Dr Okafor", "Constable Okafor"
        if mention.end - start == 1 and not _organizations_name(facts, mention, index):
            written = facts.span_text(start, mention.end)
            key = fold(written)
            surname = key if key in surnames else skeletons.get(cyrillic_key(written))
            if surname is not None and alike_spellings(key, surname):
                mention = mention.but(Why.PERSON_PART, ner_label="PERSON", start=start)
        out.append(mention)
    return out


def _organizations_name(facts: DocumentFacts, mention: Mention, index: NameIndex) -> bool:
    key = fold(facts.span_text(mention.start, mention.end))
    return any(name.entry.label == "ORG" for name in index.by_fold.get(key, ()))


def _from_cyrillic(surname: str, given: frozenset[str]) -> bool:
    """Does the family name (folded), with these given names, look romanized from Cyrillic?"""
    return looks_slavic(surname) or not given.isdisjoint(words("slavic_given_names"))


@cache
def _not_family_names() -> frozenset[str]:
    """Last words that make a name a street's, a feature's or an institution's ("King Edward Street",
    "Lake Mary Pond", "Queen Mary Hospital")."""
    return words("street_words") | words("feature_words") | words("generic_words")


def _titled_names(facts: DocumentFacts, runs: list[tuple[int, int]], index: NameIndex) -> list[Mention]:
    """Untagged names right after a person's title in a run of capitalized words, to the run's end:
    two or three words, the first a given name of the name lists ("Mayor Maria Okafor")."""
    doc = facts.doc
    out = []
    for start, end in runs:
        title = next((i for i in range(start, end - 2) if doc[i].lower_.rstrip(".") in titles_before_people()), None)
        if title is None:
            continue
        name = title + 1
        written = facts.span_text(name, end)
        if (2 <= end - name <= 3 and fold(doc[name].text) in listed_given_names() and fold(written) not in index.by_fold
                and doc[end - 1].is_alpha and doc[end - 1].lower_ not in _not_family_names()):
            out.append(Mention(name, end, "PERSON", why=(Why.UNTAGGED, Why.AFTER_TITLE)))
    return out
