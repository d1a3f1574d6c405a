"""Place spans NER got wrong, repaired on the text's own evidence.

Before resolution:

* Places NER mislabeled or missed (the cues of :mod:`normalizer.pipeline.toponyms`): PERSON/ORG spans,
  untagged capitalized names and lone proper nouns NER called a date or a language ("in
  Ashby") become GPE when their very name is a world place and the text says so
  ("Millbrook, Ala.", "near Fenwick", "Ashby police", "D-Ore."); all-caps datelines too; names in a
  list with a place (:mod:`normalizer.pipeline.place_lists`); a PERSON span that is the name of a
  country whose nationality word the document uses ("aid for Chad ... the Chadian envoy").
* PERSON/ORG spans that name a river, a lake or a sea ("the River Fenwick", "Ashby Creek") become LOC.
* A state or province abbreviation NER left untagged after a place ("Dunmore, Alta.").

Where a place's name begins and ends (NER's cuts repaired) is :mod:`normalizer.pipeline.place_edges`.

After resolution:

* Place spans the text shows to be people: the family name of a person named in full ("Jo Fenwick
  ... Fenwick said"), after a title ("coach Ashby"),
  a small town that speaks ("Ashby said"), an unknown name that is part of a person's name
  ("Halvorsen" with "Erik Halvorsen"); a state abbreviation after a person's name is a credential ("M.D.").
"""
from __future__ import annotations

import re
from functools import cache

from spacy.tokens import Doc

from ..gazetteer.schema import PLACE_LABELS
from ..text.keys import fold
from ..text.words import words
from ..world.abbreviations import is_region_abbreviation, state_abbreviations
from ..world.places import WorldPlaces
from . import datelines, toponyms, word_flags
from .facts import DocumentFacts
from .mention import FOLLOWING_CHARS, Mention, Why
from .place_lists import MISREAD_LABELS, MISREAD_TITLE_LABELS, misread_name, relabel_coordinated, untagged_in_lists
from .resolve import Resolution, Resolver
from .rules import after_titles, in_ranges, listed_given_names

SPEAKING_TOWN_MAX_PEOPLE = 100_000  # "Ashby said" is a person; "Chicago said" may be its officials
MISREAD_NAME_LABELS = MISREAD_LABELS | MISREAD_TITLE_LABELS  # the labels of the entities misread_name may take


@cache
def titles_before_people() -> frozenset[str]:
    """Titles that make a person of the name after them: ``person_titles`` but those that also qualify
    other nouns (``ambiguous_titles``)."""
    return words("person_titles") - words("ambiguous_titles")


@cache
def before_places() -> frozenset[str]:
    """Words after which a name that speaks is still a place ("a resident near Ashby said")."""
    return words("locative_prepositions") | {"at", *word_flags.CUE_PREPOSITIONS}


def with_datelines(facts: DocumentFacts, ner: list[Mention], world) -> list[Mention]:
    """All-caps datelines naming a place ("ASHBY (Reuters) -") are places, whatever NER said."""
    for start, end in datelines.datelines(facts, world):
        if in_ranges(facts.starts[start], facts.ends[end - 1], facts.junk):
            continue
        dateline = Mention(start, end, "GPE", why=(Why.DATELINE,))
        overlapping = [m for m in ner if m.overlaps(dateline)]
        if any(m.ner_label in PLACE_LABELS for m in overlapping):
            continue
        ner = [m for m in ner if m not in overlapping] + [dateline]
    return sorted(ner, key=lambda m: m.start)


def relabel_places(facts: DocumentFacts, mentions: list[Mention], resolver: Resolver) -> list[Mention]:
    """PERSON/ORG spans the text shows to be places become GPE (see ``toponyms``); so do names NER
    did not tag, and names in a list with a place."""
    codes = facts.flags  # name words, and words that may give a cue
    own_names = toponyms.own_cue_names(resolver.world)
    out = []
    for mention in mentions:
        if mention.ner_label not in toponyms.RELABELED_LABELS:
            out.append(mention)
            continue
        written = facts.span_text(mention.start, mention.end)
        key = fold(written)
        if mention.ner_label == "PERSON" and len(mention) > 1 and _area_word(facts, mention.end - 1):
            out.append(mention.but(Why.AREA, ner_label="GPE"))  # no person's name ends in "County"
            continue
        if len(mention) > 1 and key not in resolver.index.by_fold and _natural_feature(facts, mention):
            out.append(mention.but(Why.FEATURE, ner_label="LOC"))  # "the River Fenwick": water, not a body
            continue
        if mention.ner_label == "PERSON" and _country_of_its_people(facts, mention, written, resolver.world):
            out.append(mention.but(Why.NATIONALITY, ner_label="GPE"))
            continue
        if key not in resolver.index.by_fold and toponyms.may_have_cue(  # the curated gazetteer decides its names
                codes, mention.start, mention.end, key, facts.place_names, own_names):
            cue = toponyms.place_cue(
                facts, mention.start, mention.end, world=resolver.world,
                following=facts.following(mention.start, mention.end, FOLLOWING_CHARS),
                place_names=facts.place_names, person_parts=facts.person_parts, label=mention.ner_label,
                written=written,
            )
            if cue is not None:
                mention = mention.but(cue, ner_label="GPE")
            elif _village_name(facts, mention.start, mention.end, key):
                mention = mention.but(Why.FORM, ner_label="GPE")  # "Ashbivka": a village the world layer lacks
        out.append(mention)
    out, runs = _untagged_places(facts, out, resolver)
    out = relabel_coordinated(facts, out, resolver)
    listed = untagged_in_lists(facts, out, resolver, runs=runs)
    return relabel_coordinated(facts, listed, resolver) if len(listed) > len(out) else out


def _village_name(facts: DocumentFacts, start: int, end: int, key: str) -> bool:
    """Is doc[start:end] (folded: ``key``) one word with an ending only East Slavic villages and towns
    have (``slavic_village_endings``: "Ashbivka") that could be a place (``toponyms.candidate``: no
    person's name, no title before it)?"""
    return (end - start == 1 and len(key) >= 7 and key.isalpha() and key.endswith(_village_endings())
            and toponyms.candidate(facts, start, end, facts.person_parts))


@cache
def _village_endings() -> tuple[str, ...]:
    return tuple(words("slavic_village_endings"))


def _area_word(facts: DocumentFacts, i: int) -> bool:
    """Is token ``i`` a capitalized ``area_words`` word ("County")?"""
    word = facts.token_text(i)
    return word[:1].isupper() and word.lower() in words("area_words")


def _natural_feature(facts: DocumentFacts, mention: Mention) -> bool:
    """A name of two words or more NER called a person's or an organization's that names a river, a lake
    or a sea: it begins with a capitalized ``natural_feature_heads`` word and holds no organization's word
    (``generic_words``: "Lake Shore Bank"), or ends in a capitalized ``natural_feature_tails`` word. A
    person's span that begins with a given name needs a cue word before it too ("along Jo Creek"; not
    "Jo Lake, a student,": a given name and a family name)."""
    first, last = facts.token_text(mention.start), facts.token_text(mention.end - 1)
    headed = first[:1].isupper() and first.lower() in words("natural_feature_heads")
    if not headed and mention.ner_label == "PERSON" and first.lower() in listed_given_names() and not (
            mention.start > 0 and facts.flags[mention.start - 1] & word_flags.CUE_BEFORE):
        return False
    if last[:1].isupper() and last.lower() in words("natural_feature_tails"):
        return True
    if not headed:
        return False
    generic = words("generic_words")
    return not any(facts.token_lower(i) in generic for i in range(mention.start + 1, mention.end))


def _country_of_its_people(facts: DocumentFacts, mention: Mention, written: str, world: WorldPlaces | None) -> bool:
    """A PERSON span that is the very name of a country whose nationality word the document uses
    ("aid for Chad ... the Chadian envoy"), though the name is a common given name too: not
    after a person's title, and no part of a person's name in the document ("Chad Miller")."""
    if world is None or not facts.nationalities or _after_person_title(facts, mention.start):
        return False
    key = fold(written)
    if key not in world.index.names_of("country") or key in facts.person_parts:
        return False
    peoples = set(facts.nationalities)
    return any(place.feature == "country" and place.country in peoples and fold(place.name) == key
               for place, _ in world.index.candidates(written, limit=5))


def _untagged_places(facts: DocumentFacts, mentions: list[Mention], resolver: Resolver,
                     ) -> tuple[list[Mention], list[tuple[int, int]]]:
    """Names NER did not tag at all, with the same place evidence; legislators' "D-Ore." homes. Also
    the names NER did not tag that are no such place (capitalized runs outside every mention)."""
    doc = facts.doc
    taken = {i for m in mentions for i in range(m.start, m.end)}
    for ent in facts.ents:
        if ent.label_ not in MISREAD_NAME_LABELS or not misread_name(ent):
            taken.update(range(ent.start, ent.end))  # dates, events
    added = []
    for start, end in _party_homes(doc, resolver.world, text=facts.text):
        if not taken.intersection(range(start, end)):
            added.append(Mention(start, end, "GPE", why=(Why.UNTAGGED, Why.PARTY)))
            taken.update(range(start, end))
    own_names = toponyms.own_cue_names(resolver.world)
    left = []
    for start, end in toponyms.capitalized_runs(facts, taken):
        cue = _untagged_cue(facts, start, end, resolver, own_names)
        head = None if cue is not None else _before_local_noun(facts, start, end)
        if head is not None:  # "Ashby Police Chief Jo Roe": the town before the capitalized noun
            cue = _untagged_cue(facts, start, head, resolver, own_names)
            if cue is not None:
                end = head
        if cue is None and end - start == 1:
            key = fold(facts.token_text(start))
            if key not in resolver.index.by_fold and _village_name(facts, start, end, key):
                cue = Why.FORM  # "near Ashbivka": a village the world layer lacks
        if cue is not None:
            added.append(Mention(start, end, "GPE", why=(Why.UNTAGGED, cue)))
        else:
            left.append((start, end))
    return sorted(mentions + added, key=lambda m: m.start), left


def _untagged_cue(facts: DocumentFacts, start: int, end: int, resolver: Resolver, own_names) -> Why | None:
    """The place cue of the untagged name doc[start:end] (``toponyms.place_cue``), if any; none for a
    curated name (the gazetteer decides) or where no cue word is near (``toponyms.may_have_cue``)."""
    stop = facts.ends[end - 1]
    written = facts.text[facts.starts[start] : stop]
    key = fold(written)
    if key in resolver.index.by_fold or not toponyms.may_have_cue(
            facts.flags, start, end, key, facts.place_names, own_names):
        return None
    return toponyms.place_cue(
        facts, start, end, world=resolver.world, following=facts.text[stop : stop + FOLLOWING_CHARS],
        place_names=facts.place_names, person_parts=facts.person_parts, written=written,
    )


def _before_local_noun(facts: DocumentFacts, start: int, end: int) -> int | None:
    """Where a run of capitalized words goes on with a capitalized ``local_nouns`` word after a name
    ("Ashby Police Chief", "Fenwick Mayor"), if it does: the name's end. Not after a word for a kind
    of institution or a direction (``generic_words``: "State Police", "Metro Police") or one that opens
    a title (``title_openers``: "Vice Mayor")."""
    nouns = words("local_nouns")
    for i in range(start + 1, end):
        if facts.token_lower(i) in nouns:
            before = facts.token_lower(i - 1)
            return None if before in words("generic_words") or before in words("title_openers") else i
    return None


_PARTY_STATE = re.compile(r"(?<![\w-])[DRI]-((?:[A-Z][\w'’]*\.?)(?:[ -]?[A-Z][\w'’]*\.?){0,2})")
_PARTY_HINT = re.compile(r"[DRI]-[A-Z]")  # what every _PARTY_STATE match holds: most texts have none


def _party_homes(doc: Doc, world: WorldPlaces, *, text: str) -> list[tuple[int, int]]:
    """"Rep. Jane Doe, D-Ore.", "Sen. John Roe (R-Maple Grove)": a legislator's state or home town
    (``text`` is ``doc.text``)."""
    out = []
    if _PARTY_HINT.search(text) is None:
        return out
    for m in _PARTY_STATE.finditer(text):
        name = m.group(1)
        stripped = name.rstrip(".")
        abbreviation = fold(name).replace(" ", "") in state_abbreviations()
        if not (abbreviation or _state_name(world, stripped) or toponyms.named(world, stripped)):
            continue
        end = m.end(1) if abbreviation else m.start(1) + len(stripped)  # "Ore." keeps its period
        span = doc.char_span(m.start(1), end, alignment_mode="expand")
        if span is not None and span.text.rstrip(".") and span.start_char >= m.start(1) - 2:
            out.append((span.start, span.end))
    return out


def _state_name(world: WorldPlaces, name: str) -> bool:
    return any(p.feature == "admin1" and fold(p.name) == fold(name) for p, _ in world.index.candidates(name, limit=5))


def with_abbreviated_containers(facts: DocumentFacts, mentions: list[Mention]) -> list[Mention]:
    """The state or province abbreviation after a place that NER left untagged ("Dunmore, Alta.")
    or tagged as a person or an organization ("Ashby, Ont.")."""
    n, word = len(facts.orths), facts.token_text
    mentions = list(mentions)
    taken = {i for m in mentions for i in range(m.start, m.end)}
    by_token = {m.start: k for k, m in enumerate(mentions) if len(m) == 1}
    added = []
    for mention in mentions:
        i = mention.end
        if mention.ner_label not in PLACE_LABELS or i + 1 >= n or word(i) != ",":
            continue
        at, written = i + 1, word(i + 1)  # the word after the comma
        key = fold(written).replace(" ", "")
        dotted = written.endswith(".") or (i + 2 < n and word(i + 2) == "." and not facts.spaced(at))
        if not (written[:1].isupper() and dotted and is_region_abbreviation(key)):
            continue
        if at not in taken:
            added.append(Mention(at, at + 1, "GPE", why=(Why.UNTAGGED, Why.ABBREVIATION)))
            taken.add(at)
        elif at in by_token and mentions[by_token[at]].ner_label in toponyms.RELABELED_LABELS:
            mentions[by_token[at]] = mentions[by_token[at]].but(Why.ABBREVIATION, ner_label="GPE")
    return sorted(mentions + added, key=lambda m: m.start)


def people_not_places(facts: DocumentFacts, mentions: list[Mention], resolver: Resolver) -> list[Mention]:
    """Place spans the text shows to be people, or no entity, unless the curated gazetteer knows them
    (except for the first rule):

    * a one-word place name that is the family name of a person the document names in full ("Fenwick
      said", "Jo Fenwick"), unless a word before it makes it a place ("in Fenwick");
    * after a person's title ("Dr. Fenwick", "coach Ashby");
    * a small town's name that speaks ("Ashby said": a town does not say, its people do);
    * an unresolved name that is part of a person's name in the document ("Halvorsen", "Erik Halvorsen");
    * an unresolved name after an honorific ("Ms Corliss": the title stays outside);
    * a state abbreviation after a person's name is a credential ("Jane Roe, M.D."): no entity.
    """
    out = list(mentions)  # a credential is judged by the mentions before it, as changed so far
    for k, mention in enumerate(mentions):
        found = mention.resolution
        if mention.ner_label not in PLACE_LABELS:
            continue
        key = fold(facts.span_text(mention.start, mention.end))
        if found is not None and found.entry.label in PLACE_LABELS and len(mention) == 1 \
                and _family_name_of_person(facts, key, found, resolver) \
                and not (mention.start > 0 and facts.flags[mention.start - 1] & word_flags.CUE_BEFORE):
            out[k] = mention.but(Why.PERSON_PART, ner_label="PERSON", resolution=None)
            continue
        if found is not None and found.variant_kind != "geonames":
            continue
        if _after_person_title(facts, mention.start):
            out[k] = mention.but(Why.AFTER_TITLE, ner_label="PERSON", resolution=None)
        elif found is not None and _speaks(facts, mention, found, resolver):
            out[k] = mention.but(Why.SPEAKS, ner_label="PERSON", resolution=None)
        elif _credential(facts, out, mention, key):
            out[k] = mention.but(ner_label=None, resolution=None)
        elif found is not None:
            continue
        elif key in facts.person_parts:
            out[k] = mention.but(Why.PERSON_PART, ner_label="PERSON")
        elif len(mention) > 1 and facts.token_lower(mention.start).rstrip(".") in words("honorifics"):
            out[k] = mention.but(Why.HONORIFIC, ner_label="PERSON",
                                 start=after_titles(facts.doc, mention.start, mention.end))
    return out


def _family_name_of_person(facts: DocumentFacts, key: str, found: Resolution, resolver: Resolver) -> bool:
    """Is the place name (folded: ``key``) the family name of a person the document names in full? For
    a prominent place (a country, a first-level region, a capital, a city of ``strict_min_population``)
    only with a given name of the name lists ("Luis Fenwick"; not "Greater Fenwick" or "Old Fenwick",
    names NER took for people)."""
    given = facts.person_surnames.get(key)
    if not given:
        return False
    world = resolver.world
    place = world.place(found.entry.canonical_id) if world is not None else None
    prominent = place is None or place.feature in ("country", "admin1") or place.canonical_id in world.capitals \
        or place.population >= world.weights.score.strict_min_population
    return not prominent or not given.isdisjoint(listed_given_names())


def _speaks(facts: DocumentFacts, mention: Mention, found: Resolution, resolver: Resolver) -> bool:
    if mention.end >= len(facts.orths) or facts.token_lower(mention.end) not in words("reporting_verbs"):
        return False
    before = facts.doc[mention.start - 1] if mention.start > 0 else None
    if before is not None and (before.pos_ == "ADP" or before.lower_ in before_places()):
        return False  # "a resident near Ashby said", "crews at Fenwick said"
    place = resolver.world.place(found.entry.canonical_id) if resolver.world is not None else None
    return (place is not None and place.feature == "city" and place.population < SPEAKING_TOWN_MAX_PEOPLE
            and place.canonical_id not in resolver.world.capitals)


def _credential(facts: DocumentFacts, mentions: list[Mention], mention: Mention, key: str) -> bool:
    if key.replace(" ", "") not in state_abbreviations() or mention.start < 2 \
            or facts.token_text(mention.start - 1) != ",":
        return False
    return any(m.end == mention.start - 1 and m.label == "PERSON" for m in mentions)


def _after_person_title(facts: DocumentFacts, start: int) -> bool:
    """A title that makes a person right before ("Dr. Fenwick", "coach Ashby"; not ``ambiguous_titles``: "Miss
    Vermont"). Stricter than ``toponyms.candidate``'s test: any title keeps a name from becoming a place."""
    return start > 0 and facts.token_lower(start - 1).rstrip(".") in titles_before_people()
