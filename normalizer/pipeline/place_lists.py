"""Names in a list with a place are places ("Ashby and Fenwick"): NER's PERSON/ORG names relabelled,
names it did not tag added, each a curated place's name or a world place's very name
(:func:`relabel_coordinated`, :func:`untagged_in_lists`); and the lone proper nouns NER calls a date,
a time or a language, which the place cues may take like untagged names (:func:`misread_name`)."""
from __future__ import annotations

from bisect import bisect_left

from ..gazetteer.schema import PLACE_LABELS
from ..text.keys import fold
from ..text.words import words
from ..world.demonyms import countries_of
from . import toponyms, word_flags
from .facts import DocumentFacts
from .mention import Mention, Why
from .resolve import Resolver

MISREAD_LABELS = frozenset({"DATE", "TIME", "LANGUAGE"})  # a lone proper noun
MISREAD_TITLE_LABELS = frozenset({"WORK_OF_ART", "EVENT"})  # proper nouns only, two or more


def misread_name(ent) -> bool:
    """A lone proper noun NER called a date, a time or a language ("moved to Ashby" as DATE, "fighting
    in Fenwick" as LANGUAGE), or two or more proper nouns only that it called a work of art or an
    event (an unfamiliar name of several words, "in Port Ashby Vale"): the place cues may take it like an
    untagged name. Month and weekday names and nationality words ("English") stay what NER said."""
    label = ent.label_
    if label in MISREAD_LABELS:
        if len(ent) != 1:
            return False
    elif label not in MISREAD_TITLE_LABELS or len(ent) < 2:
        return False  # one word NER called a title may well be one ("starred in Hamilton")
    return (all(t.tag_ == "NNP" and t.is_alpha and t.lower_ not in words("calendar_words") for t in ent)
            and not countries_of(ent.text))


def relabel_coordinated(facts: DocumentFacts, mentions: list[Mention], resolver: Resolver) -> list[Mention]:
    """"Ashby and Fenwick": a PERSON/ORG name in a list with a place is a place."""
    mentions = list(mentions)  # relabelled one by one below: each may make its neighbour's case
    codes = facts.flags  # the word after a mention is a coordinator or a space only with CUE_AFTER
    joined = [a.end < b.start and bool(codes[a.end] & word_flags.CUE_AFTER) and coordinated(facts, a, b)
              for a, b in zip(mentions, mentions[1:])]  # is each mention listed with the next? (spans stay)
    changed = True
    while changed:
        changed = False
        for i, mention in enumerate(mentions):
            if mention.ner_label not in toponyms.RELABELED_LABELS or not (
                    (i > 0 and joined[i - 1] and _a_place(facts, mentions[i - 1], resolver))
                    or (i < len(joined) and joined[i] and _a_place(facts, mentions[i + 1], resolver))):
                continue  # the list first (the words between), then whether its very name is a place
            if not _place_name(facts, mention, resolver):
                continue
            mentions[i] = mention.but(Why.LIST, ner_label="GPE")
            changed = True
    return mentions


def untagged_in_lists(facts: DocumentFacts, mentions: list[Mention], resolver: Resolver, *,
                      runs: list[tuple[int, int]]) -> list[Mention]:
    """"Ashby and Fenwick" with only Ashby tagged: a name NER did not tag, in a list with a place, is a
    place when it is a curated place's name or a world place's very name (and could be a place at
    all). So is one listed with a name of any label when both are the very names of places of one
    country ("Ashby and Fenwick", one of them tagged a person): the list says what each name alone
    does not. ``runs``: the names NER did not tag (capitalized runs outside every mention)."""
    runs = [Mention(start, end, None) for start, end in runs if _next_to_coordinator(facts, start, end)]
    out = list(mentions)
    changed = True
    while changed and runs:  # each name added may make the case of the next one in the list
        changed = False
        listed = sorted(out, key=lambda m: m.start)
        starts = [m.start for m in listed]
        for run in runs:
            at = bisect_left(starts, run.start)
            neighbours = [m for m in listed[max(0, at - 1): at + 1] if coordinated(facts, run, m)]
            if not neighbours or not _place_name(facts, run, resolver):
                continue
            if any(_a_place(facts, m, resolver) or _one_country(facts, run, m, resolver) for m in neighbours):
                out.append(Mention(run.start, run.end, "GPE", why=(Why.UNTAGGED, Why.LIST)))
                runs.remove(run)
                changed = True
                break
    return sorted(out, key=lambda m: m.start)


def _next_to_coordinator(facts: DocumentFacts, start: int, end: int) -> bool:
    """Is the first word before doc[start:end] or after it, spaces aside, a coordinator ("," "and")? Only a
    word with the ``CUE_AFTER`` bit may be one (a space token is one that starts with a space)."""
    text, starts, ends, codes = facts.text, facts.starts, facts.ends, facts.flags
    before, after = start - 1, end
    while before >= 0 and text[starts[before]].isspace():
        before -= 1
    if before >= 0 and codes[before] & word_flags.CUE_AFTER \
            and text[starts[before] : ends[before]].lower() in word_flags.COORDINATORS:
        return True
    while after < len(codes) and text[starts[after]].isspace():
        after += 1
    return after < len(codes) and bool(codes[after] & word_flags.CUE_AFTER) \
        and text[starts[after] : ends[after]].lower() in word_flags.COORDINATORS


def _one_country(facts: DocumentFacts, one: Mention, other: Mention, resolver: Resolver) -> bool:
    """Both names are the very names of world places, some two of them in one country."""
    countries = {p.country for p in toponyms.named(resolver.world, facts.span_text(one.start, one.end))}
    return bool(countries) and any(
        p.country in countries for p in toponyms.named(resolver.world, facts.span_text(other.start, other.end)))


def _place_name(facts: DocumentFacts, run: Mention, resolver: Resolver) -> bool:
    """Could the name be a place at all (``toponyms.candidate``), and is it a curated place's name (a
    weak one too: "Lyman") or a world place's very name?"""
    written = facts.span_text(run.start, run.end)
    if not toponyms.candidate(facts, run.start, run.end, facts.person_parts, written=written):
        return False
    curated = resolver.index.by_fold.get(fold(written))
    if curated is not None:
        return any(name.entry.label in PLACE_LABELS for name in curated)
    return bool(toponyms.named(resolver.world, written))


def _a_place(facts: DocumentFacts, mention: Mention, resolver: Resolver) -> bool:
    """NER calls it a place, or it is a curated place's name that is not weak (whatever NER called it)."""
    if mention.ner_label in PLACE_LABELS:
        return True
    names = resolver.index.by_fold.get(fold(facts.span_text(mention.start, mention.end)), ())
    return any(name.entry.label in PLACE_LABELS and not name.variant.weak for name in names)


def coordinated(facts: DocumentFacts, one: Mention, other: Mention) -> bool:
    """Only one or two coordinators ("," "and" "or" "&") and spaces between the two mentions of the
    document (its ``facts``)."""
    a, b = (one, other) if one.start <= other.start else (other, one)
    between, codes = 0, facts.flags
    for k in range(a.end, b.start):
        if not codes[k] & word_flags.CUE_AFTER:
            return False  # neither a space nor a coordinator
        word = facts.token_text(k)
        if word.isspace():
            continue
        if between == 2 or word.lower() not in word_flags.COORDINATORS:
            return False
        between += 1
    return between > 0
