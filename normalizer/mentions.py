"""Find the mentions of a document: NER spans and curated names, merged, then resolved.

1. NER spans with a wanted label are cleaned (article, possessive, separators) and dropped
   when they lie in a menu line or are all lower-case and unknown to the gazetteer.
2. Curated names are found in the text, longest first, where NER missed or mislabeled them;
   weak names never, acronyms only in capitals, proper names only capitalized.
3. Conflicts: the longer span wins ("Kharkov region" over NER's "Kharkov"); a curated name
   inside a PERSON span is dropped ("Lloyd Austin"); inside another unresolved NER span it is
   dropped too (nested names are not annotated), except after a plural head with "of"
   ("the Republics of Donetsk").
4. Places NER mislabeled or missed (``toponyms``): PERSON/ORG spans and untagged capitalized
   names become GPE when their very name is a world place and the text gives place evidence
   ("Gainesville, Fla.", "near Greer", "Danbury police", "D-Calif."); all-caps datelines too.
5. Resolution, twice: the second pass re-ranks ambiguous names with what the first resolved.
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc

from . import toponyms
from .demonyms import countries_of
from .geoparse import Geoparser
from .keys import case_compatible, fold, translit_key
from .names import NameIndex
from .places import CANADIAN_ABBREVIATIONS, US_STATE_ABBREVIATIONS
from .resolve import MISLABELED_PLACE_LABELS, Context, Resolution, Resolver
from .rules import (
    PERSON_TITLES,
    SEPARATORS,
    after_titles,
    clean_pieces,
    coordinated_head,
    has_running_words,
    in_ranges,
    is_demonym,
    is_title_part,
    looks_like_proper_name,
    menu_lines,
)
from .schema import PLACE_LABELS

POSSESSIVES = ("'s", "’s")
CONTEXT_PASSES = 2  # re-resolution rounds with the document's context
CONTEXT_MIN_SCORE = 0.3  # resolutions at least this sure inform the second pass
FOLLOWING_CHARS = 40  # text after a mention read for "City, State" patterns
INSTITUTION_LABELS = frozenset({"ORG", "FAC"})  # names whose place names are context ("Enfield Council")
MISREAD_LABELS = frozenset({"DATE", "TIME", "LANGUAGE"})
HONORIFICS = frozenset({"mr", "mrs", "ms", "mx", "dr"})  # before a name, never a place's
BEFORE_PLACES = toponyms.LOCATIVE_PREPOSITIONS | {"at", "of", "from", "to"}
SPEAKING_TOWN_MAX_PEOPLE = 100_000  # "Bingham said" is a person; "Kharkiv said" may be its officials
# Titles that make a person of the name after them; not those that also qualify other nouns
# ("Miss Ohio", "Major Mich. utilities", "General Motors", "Chief Joseph Dam").
TITLES_BEFORE_PEOPLE = PERSON_TITLES - {"miss", "major", "general", "chief", "vice"}
CALENDAR_WORDS = frozenset({
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
})
WIDEN_TOKENS = 2  # words NER may have cut off either side of a place's name
NAME_JOINERS = frozenset({"St.", "ST.", "Ft.", "Mt.", "-"})  # "St. Paris", "Miami-Dade"


@dataclass
class Mention:
    """A token range with the label NER gave (None if only the gazetteer found it)."""

    start: int
    end: int
    ner_label: str | None
    from_gazetteer: bool = False
    resolution: Resolution | None = None
    place_cue: str | None = None  # why a PERSON/ORG span or a missed name was taken as a place

    @property
    def label(self) -> str | None:
        """The entry's label when resolved, else NER's."""
        if self.resolution and self.resolution.entry.label:
            return self.resolution.entry.label
        return self.ner_label

    def __len__(self) -> int:
        return self.end - self.start

    def overlaps(self, other: Mention) -> bool:
        return self.start < other.end and other.start < self.end

    def same(self, other: Mention) -> bool:
        return self.start == other.start and self.end == other.end

    def contains(self, other: Mention) -> bool:
        return self.start <= other.start and other.end <= self.end and not self.same(other)


def find_mentions(doc: Doc, resolver: Resolver, *, labels: frozenset[str]) -> list[Mention]:
    """All entity mentions of the document, resolved where possible, in text order."""
    text = doc.text  # joined from the tokens on each access: once here
    junk = menu_lines(text)
    index = resolver.index
    ner = []
    wanted = labels | MISLABELED_PLACE_LABELS if labels & PLACE_LABELS else labels
    for ent in doc.ents:
        if ent.label_ not in wanted or in_ranges(ent.start_char, ent.end_char, junk):
            continue
        for start, end in clean_pieces(ent):
            if ent.label_ == "PERSON":
                start = after_titles(doc, start, end)
            written = doc[start:end].text
            if looks_like_proper_name(written) or fold(written) in index.by_fold:
                ner.append(Mention(start, end, ent.label_))
    places_wanted = bool(labels & PLACE_LABELS) and resolver.world is not None
    if places_wanted:
        ner = _with_datelines(doc, ner, resolver.world, junk)
    found = [m for m in scan_names(doc, index, text=text) if not in_ranges(*_chars(doc, m), junk)]
    mentions = _merge(doc, ner, found, resolver)
    if places_wanted:
        _relabel_places(doc, mentions, resolver, text=text)
        _widen_place_names(doc, mentions, resolver.world)
        mentions[:] = _with_abbreviated_containers(doc, mentions)
    _resolve_all(doc, mentions, resolver, text=text)
    kept = [m for m in mentions if _keep(doc, m) and m.label in labels]
    for mention in kept:
        _take_abbreviation_period(doc, mention)
    return kept


def scan_names(doc: Doc, index: NameIndex, *, text: str | None = None) -> list[Mention]:
    """Curated, free-matchable names in the text: longest match at each start, no overlaps."""
    text = doc.text if text is None else text
    hits: list[Mention] = []
    limit = index.max_words * 2 + 1
    for token in doc:
        if not token.is_alpha and not token.like_num or not (token.text[:1].isupper() or token.like_num):
            continue
        if hits and token.i < hits[-1].end:
            continue
        best = None
        for end in range(token.i + 1, min(len(doc), token.i + limit) + 1):
            last = doc[end - 1]
            if (last.is_space and "\n\n" in last.text) or last.text in SEPARATORS:
                break  # a name does not run across a paragraph, a comma or a slash
            written = text[token.idx : last.idx + len(last)]
            key, skeleton = fold(written), translit_key(written)
            if key not in index.prefixes and skeleton not in index.prefixes:
                break
            if last.lower_ in POSSESSIVES or not any(c.isalnum() for c in last.text):
                continue
            names = index.free.get(key) or _one_entry(index.free_translit.get(skeleton))
            if names and any(case_compatible(n.variant.name, written) for n in names):
                best = end
        if best is not None:
            hits.append(Mention(token.i, best, None, from_gazetteer=True))
    return hits


def _with_datelines(doc: Doc, ner: list[Mention], world, junk) -> list[Mention]:
    """All-caps datelines naming a place ("BEIRUT (Reuters) -") are places, whatever NER said."""
    for start, end in toponyms.datelines(doc, world):
        if in_ranges(doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), junk):
            continue
        dateline = Mention(start, end, "GPE", place_cue="dateline")
        overlapping = [m for m in ner if m.overlaps(dateline)]
        if any(m.ner_label in PLACE_LABELS for m in overlapping):
            continue
        ner = [m for m in ner if m not in overlapping] + [dateline]
    return sorted(ner, key=lambda m: m.start)


def _relabel_places(doc: Doc, mentions: list[Mention], resolver: Resolver, *, text: str) -> None:
    """PERSON/ORG spans the text shows to be places become GPE (see ``toponyms``)."""
    place_names = toponyms.document_place_names(doc)
    person_parts = toponyms.person_name_parts(doc)
    for mention in mentions:
        if mention.ner_label not in toponyms.RELABELED_LABELS:
            continue
        span = doc[mention.start : mention.end]
        if fold(span.text) in resolver.index.by_fold:
            continue  # the curated gazetteer knows this name: it decides
        cue = toponyms.place_cue(
            doc, mention.start, mention.end, world=resolver.world,
            following=text[span.end_char : span.end_char + FOLLOWING_CHARS],
            place_names=place_names, person_parts=person_parts, label=mention.ner_label,
        )
        if cue is not None:
            mention.ner_label, mention.place_cue = "GPE", cue
    if "untagged" in toponyms.CUES or "party" in toponyms.CUES:
        mentions[:] = _untagged_places(doc, mentions, resolver, text, place_names, person_parts)
    if "list" in toponyms.CUES:
        _relabel_coordinated(doc, mentions, resolver, place_names, person_parts)


def _untagged_places(doc, mentions, resolver, text, place_names, person_parts) -> list[Mention]:
    """Names NER did not tag at all, with the same place evidence; legislators' "D-Calif." homes."""
    taken = {i for m in mentions for i in range(m.start, m.end)}
    taken.update(i for e in doc.ents if not _misread_name(e) for i in range(e.start, e.end))  # dates, events
    added = []
    for start, end in toponyms.party_homes(doc, resolver.world):
        if not taken.intersection(range(start, end)):
            added.append(Mention(start, end, "GPE", place_cue="party"))
            taken.update(range(start, end))
    if "untagged" in toponyms.CUES:
        for start, end in toponyms.capitalized_runs(doc, taken):
            span = doc[start:end]
            if fold(span.text) in resolver.index.by_fold:
                continue
            cue = toponyms.place_cue(
                doc, start, end, world=resolver.world,
                following=text[span.end_char : span.end_char + FOLLOWING_CHARS],
                place_names=place_names, person_parts=person_parts,
            )
            if cue is not None:
                added.append(Mention(start, end, "GPE", place_cue="untagged-" + cue))
    return sorted(mentions + added, key=lambda m: m.start)


def _misread_name(ent) -> bool:
    """A lone proper noun NER called a date, a time or a language ("in Winnipeg" as DATE, "killed
    in Aleppo" as LANGUAGE): the place cues may take it like an untagged name. Month and weekday
    names and nationality words ("English") stay what NER said."""
    return (ent.label_ in MISREAD_LABELS and len(ent) == 1 and ent[0].tag_ == "NNP" and ent[0].is_alpha
            and ent[0].lower_ not in CALENDAR_WORDS and not countries_of(ent.text))


def _relabel_coordinated(doc, mentions, resolver, place_names, person_parts) -> None:
    """"Gainesville and Lindsay": a PERSON/ORG name in a list with a place is a place."""
    changed = True
    while changed:
        changed = False
        for i, mention in enumerate(mentions):
            if mention.ner_label not in toponyms.RELABELED_LABELS:
                continue
            span = doc[mention.start : mention.end]
            key = fold(span.text)
            if (key in resolver.index.by_fold or not toponyms.candidate(doc, mention.start, mention.end, person_parts)
                    or not toponyms.named(resolver.world, span.text)):
                continue
            for j in (i - 1, i + 1):
                if not 0 <= j < len(mentions) or mentions[j].ner_label not in PLACE_LABELS:
                    continue
                a, b = sorted((mention, mentions[j]), key=lambda m: m.start)
                between = [t.lower_ for t in doc[a.end : b.start] if not t.is_space]
                if between and all(w in toponyms.COORDINATORS for w in between) and len(between) <= 2:
                    mention.ner_label, mention.place_cue = "GPE", "list"
                    changed = True
                    break


def _one_entry(names):
    """Transliteration-key hits count in free text only when they point to a single entry."""
    if names and len({n.entry.canonical_id for n in names}) == 1:
        return names
    return None


def _merge(doc: Doc, ner: list[Mention], found: list[Mention], resolver: Resolver) -> list[Mention]:
    keep_found = {id(g): True for g in found}
    out = []
    for n in ner:
        keep = True
        for g in (g for g in found if g.overlaps(n)):
            if g.same(n):
                n.from_gazetteer = True
                keep_found[id(g)] = False
            elif g.contains(n) or (not n.contains(g) and len(g) > len(n)):
                keep = False
            elif n.ner_label == "PERSON" or resolver.resolve(doc[n.start:n.end].text, label=n.ner_label):
                keep_found[id(g)] = False
            else:
                head = coordinated_head(doc[n.start:n.end])
                if (head is not None and g.start >= head) or has_running_words(doc[n.start:n.end]):
                    keep = False
                else:
                    keep_found[id(g)] = False
        if keep:
            out.append(n)
    out.extend(g for g in found if keep_found[id(g)] and not any(g.overlaps(n) for n in out))
    return sorted(out, key=lambda m: m.start)


def _resolve_all(doc: Doc, mentions: list[Mention], resolver: Resolver, *, text: str) -> None:
    """Resolve without context, then again with what the first pass found; then one sense per
    discourse: mentions written the same way take the best-supported resolution among them."""
    spans = [doc[m.start : m.end] for m in mentions]
    written = [span.text for span in spans]
    following = [text[span.end_char : span.end_char + FOLLOWING_CHARS] for span in spans]
    preceding = [text[max(0, span.start_char - FOLLOWING_CHARS) : span.start_char] for span in spans]
    keys = [fold(w) for w in written]

    def resolve(i: int, context: Context | None) -> Resolution | None:
        mention = mentions[i]
        generic = any(n.variant.kind == "generic" for n in resolver.index.by_fold.get(keys[i], ()))
        return resolver.resolve(
            written[i],
            label=mention.ner_label,
            from_ner=mention.ner_label is not None,
            cue_country=_cue_country(doc, mentions, i) if generic else None,
            context=context,
            following=following[i],
            preceding=preceding[i],
        )

    for i, mention in enumerate(mentions):
        mention.resolution = resolve(i, None)
    inside = _names_inside_organizations(doc, mentions, resolver) if resolver.world is not None else []
    nationalities = _nationality_countries(doc)
    for _ in range(CONTEXT_PASSES):
        contexts: dict[str, Context] = {}
        for i, mention in enumerate(mentions):
            if not mention.resolution or not (mention.resolution.alternatives or resolver.world is not None):
                continue
            if keys[i] not in contexts:  # what the *other* names of the document say
                contexts[keys[i]] = _context(resolver, mentions, keys, written, leave_out=keys[i], inside=inside,
                                             nationalities=nationalities)
            mention.resolution = resolve(i, contexts[keys[i]])
    # The best-informed mention decides: one followed by its state or country ("Paris, Illinois"),
    # then one NER tagged as a place, then the surest.
    best: dict[str, tuple[bool, bool, float, Resolution]] = {}
    for i, (mention, key) in enumerate(zip(mentions, keys)):
        found = mention.resolution
        if found and found.variant_kind == "geonames":
            located = bool(resolver.world.containers(following[i])) if resolver.world is not None else False
            rank = (located, mention.ner_label in PLACE_LABELS, found.score, found)
            if key not in best or rank[:3] > best[key][:3]:
                best[key] = rank
    for mention, key in zip(mentions, keys):
        if mention.resolution and mention.resolution.variant_kind == "geonames":
            mention.resolution = best[key][3]
    for i, mention in enumerate(mentions):
        if mention.resolution is None and resolver.is_not_entity(
            written[i], mention.ner_label, before=preceding[i], after=following[i]
        ):
            mention.ner_label = None  # an analyst said this is no entity: _keep drops it
    _people_not_places(doc, mentions, keys, resolver)


def _people_not_places(doc: Doc, mentions: list[Mention], keys: list[str], resolver: Resolver) -> None:
    """Place spans the text shows to be people, or no entity, unless the curated gazetteer knows them:

    * after a person's title ("Dr. Frankfurt", "coach Ripley");
    * a small town's name that speaks ("Bingham said": a town does not say, its people do);
    * an unresolved name that is part of a person's name in the document ("Saakashvili");
    * an unresolved name after an honorific ("Ms Raggi": the title stays outside);
    * a state abbreviation after a person's name is a credential ("Jane Roe, M.D."): no entity.
    """
    person_parts = toponyms.person_name_parts(doc)
    for key, mention in zip(keys, mentions):
        found = mention.resolution
        if mention.ner_label not in PLACE_LABELS or (found is not None and found.variant_kind != "geonames"):
            continue
        if _after_title(doc, mention.start) or (found is not None and _speaks(doc, mention, found, resolver)):
            mention.ner_label, mention.resolution = "PERSON", None
        elif _credential(doc, mentions, mention, key):
            mention.ner_label, mention.resolution = None, None
        elif found is not None:
            continue
        elif key in person_parts:
            mention.ner_label = "PERSON"
        elif len(mention) > 1 and doc[mention.start].lower_.rstrip(".") in HONORIFICS:
            mention.ner_label = "PERSON"
            mention.start = after_titles(doc, mention.start, mention.end)


def _speaks(doc: Doc, mention: Mention, found: Resolution, resolver: Resolver) -> bool:
    if mention.end >= len(doc) or doc[mention.end].lower_ not in toponyms.REPORTING_VERBS:
        return False
    before = doc[mention.start - 1] if mention.start > 0 else None
    if before is not None and (before.pos_ == "ADP" or before.lower_ in BEFORE_PLACES):
        return False  # "a resident near Glen Ellyn reported", "crews at Heathrow said"
    place = resolver.world.place(found.entry.canonical_id) if resolver.world is not None else None
    return (place is not None and place.feature == "city" and place.population < SPEAKING_TOWN_MAX_PEOPLE
            and place.canonical_id not in resolver.world.capitals)


def _credential(doc: Doc, mentions: list[Mention], mention: Mention, key: str) -> bool:
    if key.replace(" ", "") not in US_STATE_ABBREVIATIONS or mention.start < 2 or doc[mention.start - 1].text != ",":
        return False
    return any(m.end == mention.start - 1 and m.label == "PERSON" for m in mentions)


def _after_title(doc: Doc, start: int) -> bool:
    """A person's title right before ("Dr. Frankfurt", "coach Ripley"; not "Miss Ohio", "Major Mich.")."""
    return start > 0 and doc[start - 1].lower_.rstrip(".") in TITLES_BEFORE_PEOPLE


def _names_inside_organizations(doc: Doc, mentions: list[Mention], resolver: Resolver) -> list[str]:
    """Place names inside unresolved organization and facility names ("Enfield" in "Enfield
    Council"): where the document's institutions are says where the story is. Context only; they
    are mentions of their own only under the geoparsing conventions (geoparse.py)."""
    finder = Geoparser(resolver)
    person_parts = toponyms.person_name_parts(doc)
    lowered = {t.text for t in doc if t.is_lower}
    names = []
    for mention in mentions:
        if mention.resolution is None and mention.ner_label in INSTITUTION_LABELS:
            span = doc[mention.start : mention.end]
            names.extend(finder.names_inside(doc, span, person_parts=person_parts, lowered=lowered))
    return names


def _nationality_countries(doc: Doc) -> list[str]:
    """The countries of the document's nationality words ("a French woman"): context, not entities."""
    out = []
    for ent in doc.ents:
        if ent.label_ == "NORP":
            codes = countries_of(ent.text)
            if codes:
                out.append(codes[0])
    return out


def _context(
    resolver: Resolver, mentions: list[Mention], keys: list[str], written: list[str], *, leave_out: str,
    inside: list[str] = (), nationalities: list[str] = (),
) -> Context:
    context = Context()
    neighbours = set()
    for mention, key, text in zip(mentions, keys, written):
        if key == leave_out:
            continue
        if resolver.world is not None and key not in neighbours and mention.label in PLACE_LABELS:
            neighbours.add(key)
            context.places.add_neighbour(resolver.world.neighbour_points(text))
        if mention.resolution and mention.resolution.score >= CONTEXT_MIN_SCORE:
            resolver.remember(context, mention.resolution.entry)
        elif mention.resolution is None and resolver.world is not None:
            states = resolver.world.county_states(text)
            if states:
                context.places.add_region("US", states)
    for country in nationalities:
        context.places.countries[country] = context.places.countries.get(country, 0) + 1
    for name in inside:
        key = fold(name)
        if key != leave_out and key not in neighbours:
            neighbours.add(key)
            context.places.add_neighbour(resolver.world.neighbour_points(name))
    return context


def _cue_country(doc: Doc, mentions: list[Mention], i: int) -> str | None:
    """The country a generic name ("Defense Ministry") belongs to: "Russia's ..." or "... of Russia"."""
    mention = mentions[i]
    for other in mentions[max(0, i - 1) : i + 2]:
        if other is mention or not other.resolution or other.resolution.entry.type != "country":
            continue
        between = doc[other.end : mention.start].text.strip() if other.end <= mention.start else None
        after = doc[mention.end : other.start].text.strip() if mention.end <= other.start else None
        if between in POSSESSIVES or between == "" or after == "of":
            return other.resolution.entry.country
    return None


def _with_abbreviated_containers(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """The state or province abbreviation after a place that NER left untagged ("Melville, Sask.")."""
    taken = {i for m in mentions for i in range(m.start, m.end)}
    added = []
    for mention in mentions:
        i = mention.end
        if mention.ner_label not in PLACE_LABELS or i + 1 >= len(doc) or doc[i].text != ",":
            continue
        token = doc[i + 1]
        key = fold(token.text).replace(" ", "")
        dotted = token.text.endswith(".") or (i + 2 < len(doc) and doc[i + 2].text == "." and not token.whitespace_)
        if (token.i not in taken and token.text[:1].isupper() and dotted
                and (key in US_STATE_ABBREVIATIONS or key in CANADIAN_ABBREVIATIONS)):
            added.append(Mention(token.i, token.i + 1, "GPE"))
            taken.add(token.i)
    return sorted(mentions + added, key=lambda m: m.start)


def _widen_place_names(doc: Doc, mentions: list[Mention], world) -> None:
    """NER cut a place's name short ("SOUTH [CHARLESTON]", "[Belle] Plaine", "St. [Paris]"): widen
    a place span over the capitalized words next to it when together they are a place's very name."""
    taken = {i for m in mentions for i in range(m.start, m.end)}
    for mention in mentions:
        if mention.ner_label not in PLACE_LABELS or mention.from_gazetteer:
            continue
        best = None
        original = fold(doc[mention.start : mention.end].text)
        for start in range(mention.start, max(-1, mention.start - WIDEN_TOKENS - 1), -1):
            if start < mention.start and not _name_word(doc[start], taken):
                break
            for end in range(min(len(doc), mention.end + WIDEN_TOKENS), mention.end - 1, -1):
                if (start, end) == (mention.start, mention.end) or not all(
                        _name_word(t, taken) for t in doc[mention.end:end]):
                    continue
                written = doc[start:end].text
                key = fold(written)
                if key == original or doc[start].text == "-" or doc[end - 1].text in NAME_JOINERS:
                    continue  # "The Omaha", "ATLANTA -" add nothing to the name
                if any(m == "fold" and fold(p.name) == key for p, m in world.candidates(written)):
                    if best is None or end - start > best[1] - best[0]:
                        best = (start, end)
                    break
        if best is not None:
            taken.update(range(*best))
            mention.start, mention.end = best


def _name_word(token, taken: set[int]) -> bool:
    """A word that may continue a place's name: capitalized, or "St."-like, not in another mention."""
    return token.i not in taken and not token.is_space and (
        (token.is_alpha and token.text[:1].isupper()) or token.text in NAME_JOINERS)


def _take_abbreviation_period(doc: Doc, mention: Mention) -> None:
    """A place abbreviation keeps its final period even where it also ends the sentence ("in W.Va.").

    spaCy splits a sentence-final period off "W.Va." or "U.S."; it belongs to the name.
    """
    if mention.end >= len(doc) or doc[mention.end].text != "." or doc[mention.end - 1].whitespace_:
        return
    if mention.label not in PLACE_LABELS:
        return
    last = doc[mention.end - 1].text
    key = fold(doc[mention.start : mention.end].text).replace(" ", "")
    if "." in last or key in US_STATE_ABBREVIATIONS or key in CANADIAN_ABBREVIATIONS:
        mention.end += 1


def _keep(doc: Doc, mention: Mention) -> bool:
    if mention.resolution:
        return True
    if mention.ner_label is None:
        return False
    span = doc[mention.start : mention.end]
    if mention.ner_label == "PERSON":
        return True
    return not (is_demonym(span) or (mention.ner_label == "ORG" and is_title_part(span)))


def _chars(doc: Doc, mention: Mention) -> tuple[int, int]:
    span = doc[mention.start : mention.end]
    return span.start_char, span.end_char

