"""From a name as written to a gazetteer entry: exact, folded, transliterated, and (last) fuzzy.

Curated names come first. Fuzzy matching only ever applies to a span NER tagged, with a label
the entry's type fits, of at least ``fuzzy_min_length`` letters, above ``fuzzy_threshold``,
with the same first letter, and with no other entry scoring close behind; its score stays
below every non-fuzzy score.
"""
from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import NamedTuple

from rapidfuzz import fuzz

from ..gazetteer.judgements import is_not_entity, is_rejected
from ..gazetteer.names import Name, NameIndex
from ..gazetteer.schema import PLACE_LABELS, WORLD_ID_PREFIXES, Entry, Rejection, label_fits
from ..text.keys import fold, is_cyrillic, translit_key
from ..text.translit import CYRILLIC_COUNTRIES
from ..text.words import words
from ..world.context import PlaceClues
from ..world.index import Place
from ..world.places import PlaceContext, WorldPlaces

MATCH_SCORES = {"exact": 1.0, "folded": 0.95, "translit": 0.85}
FUZZY_WEIGHT = 0.8
FUZZY_MARGIN = 3.0
# A transliteration-key match must also look alike: Izyum/Izium (80) yes, Woltz/Volts (60) no.
TRANSLIT_MIN_SIMILARITY = 70.0
# Curated places whose namesakes elsewhere are weighed in context (Paris, Texas; Georgia, the US state).
NAMESAKE_TYPES = frozenset({"city", "town", "village", "country", "region"})
# NER labels the small model often gives to well-known places ("Lyon police" as ORG,
# "the Tbilisi offensive" as NORP); such spans resolve to the world layer only by a strict rule (places.py).
MISLABELED_PLACE_LABELS = frozenset({"ORG", "NORP", "PRODUCT"})
WORLD_LABELS = PLACE_LABELS | MISLABELED_PLACE_LABELS  # NER labels of spans the world layer may resolve
NAMESAKE_LABELS = frozenset({*PLACE_LABELS, None})  # labels (None: running text) whose curated towns have namesakes


@dataclass
class Resolution:
    """How one mention resolved: the entry, the name it matched, how, and how sure."""

    entry: Entry
    variant_name: str
    variant_kind: str
    match_kind: str
    score: float
    alternatives: list[tuple[str, float]] = field(default_factory=list)

    def copy(self) -> Resolution:
        """An equal resolution, a new object (with its own list of alternatives)."""
        return Resolution(self.entry, self.variant_name, self.variant_kind, self.match_kind, self.score,
                          list(self.alternatives))


@dataclass
class Context:
    """What the document has already resolved: ids, countries, and where its places are.

    Gathered entry by entry (``add``: sets and a PlaceContext), or fixed for one name of a document
    by ``document_context.DocumentContext``: then counts (a name is in them with a count above
    zero) and a DocumentPlaces. Resolving asks only ``in`` of ``ids`` and ``countries``.
    """

    ids: set[str] | dict[str, int] = field(default_factory=set)
    countries: set[str] | dict[str, int] = field(default_factory=set)
    places: PlaceClues = field(default_factory=PlaceContext)

    def add(self, entry: Entry, place: Place | None = None) -> None:
        self.ids.add(entry.canonical_id)
        if entry.country:
            self.countries.add(entry.country)
        if entry.label in PLACE_LABELS:
            self.places.add(entry, place)


class Resolver:
    """Resolves names against a NameIndex. Keyword-only options, same names as the component."""

    def __init__(
        self,
        index: NameIndex,
        *,
        fuzzy_threshold: float = 90.0,
        fuzzy_min_length: int = 5,
        world: WorldPlaces | None = None,
        not_entities: Sequence[Rejection] = (),
    ) -> None:
        self.index = index
        self.not_entities = list(not_entities)
        self.fuzzy_threshold = fuzzy_threshold
        self.fuzzy_min_length = fuzzy_min_length
        self.world = world

    def resolve(
        self,
        text: str,
        *,
        label: str | None = None,
        from_ner: bool = True,
        cue_country: str | None = None,
        context: Context | None = None,
        following: str = "",
        preceding: str = "",
    ) -> Resolution | None:
        """Resolve one mention; ``label`` is NER's label (None for a free match in text).

        Order: curated names (folded, then transliteration key), the world layer (NER place
        spans only; namesakes of a curated city are weighed in context too), fuzzy last.
        """
        key = fold(text)
        if not key:
            return None

        def allowed(entry: Entry) -> bool:  # the analysts' "not this entry" judgements
            return not entry.rejected or not is_rejected(entry, text, label, before=preceding, after=following)

        curated = self._curated(text, key, label, from_ner, cue_country, context, allowed)
        if curated is not None:
            return self._with_namesakes(curated, text, label, context, following)
        if self.world is not None and from_ner and label in WORLD_LABELS and not body_of_water(key, preceding):
            places = context.places if context else None
            strict = label not in PLACE_LABELS
            choice = self.world.resolve(text, following=following, context=places, strict=strict)
            if choice is not None and label == "NORP" and choice.entry.type == "region":
                choice = None  # a group's word names a region by coincidence ("Jewish" Autonomous Oblast)
            if choice is not None and allowed(choice.entry):
                kind = "translit" if choice.match == "translit" else (
                    "exact" if choice.place.name == text else "folded")
                return Resolution(choice.entry, text, "geonames", kind, choice.score, choice.alternatives)
        if from_ner and label is not None:
            found = self._fuzzy(key, label)
            return found if found is not None and allowed(found.entry) else None
        return None

    def reading(self, text: str, following: str, preceding: str) -> Hashable:
        """What ``resolve`` reads of the text around a mention written ``text`` (``following`` and
        ``preceding`` it): two mentions written alike with equal readings resolve alike, given the same
        label, cue country and context. That is whether a period follows (an AP-style state), the words
        of a container after a comma, whether a water body's name has "the" before it; and the whole
        text around when an analyst's judgement with a context may cover the name."""
        key = fold(text)
        folds, skeletons = self._judged_in_context
        if key in folds or (skeletons and translit_key(text) in skeletons):
            return following, preceding
        container = self.world.container_words(following) if self.world is not None else None
        return following.startswith("."), container, body_of_water(key, preceding)

    @cached_property
    def _judged_in_context(self) -> tuple[frozenset[str], frozenset[str]]:
        """The fold keys and transliteration keys of the names of every judgement with a context
        (``is_rejected`` reads the text around a mention only for those: ``judgements.covers``)."""
        entries = {id(n.entry): n.entry for names in (self.index.by_fold.values() if self.index else ())
                   for n in names}
        entries.update((id(e), e) for e in (self.world.curated.values() if self.world is not None else ()))
        judged = [r.name for entry in entries.values() for r in entry.rejected if r.context is not None]
        return frozenset(map(fold, judged)), frozenset(filter(None, map(translit_key, judged)))

    def settled(self, found: Resolution, label: str | None) -> bool:
        """Whether no context could change ``found`` (NER's ``label``): it had no rival candidate, and
        it is no curated town or region whose namesakes the document's context weighs. A generic
        name's cue country is the caller's to watch."""
        entry = found.entry
        return not found.alternatives and not (
            self.world is not None and entry.type in NAMESAKE_TYPES
            and entry.canonical_id.startswith(WORLD_ID_PREFIXES) and label in NAMESAKE_LABELS)

    def is_not_entity(self, text: str, label: str | None, *, before: str = "", after: str = "") -> bool:
        """Did an analyst record that this name (here) is no entity at all?"""
        return bool(self.not_entities) and is_not_entity(self.not_entities, text, label, before=before, after=after)

    def remember(self, context: Context, entry: Entry) -> None:
        """Add a resolved entry to the document's context (with its GeoNames place, if any)."""
        place = self.world.place(entry.canonical_id) if self.world is not None else None
        context.add(entry, place)

    def _curated(self, text, key, label, from_ner, cue_country, context, allowed) -> Resolution | None:
        found = [n for n in self.index.by_fold.get(key, ()) if allowed(n.entry)]
        if found:
            chosen = self._choose(found, text, label, from_ner, cue_country, context)
            if chosen:
                name, alternatives = chosen
                kind = "exact" if name.variant.name == text else "folded"
                return _resolution(name, kind, MATCH_SCORES[kind], alternatives)
        skeleton = translit_key(text)
        found = [n for n in (self.index.by_translit.get(skeleton, ()) if skeleton else ())
                 if allowed(n.entry) and translit_refusal(n, key) is None]
        if found:
            chosen = self._choose(found, text, label, from_ner, cue_country, context)
            if chosen and not chosen[1]:
                return _resolution(chosen[0], "translit", MATCH_SCORES["translit"], [])
        return None

    def _with_namesakes(self, curated: Resolution, text, label, context, following) -> Resolution:
        """A curated town may have namesakes elsewhere (Paris, Texas); the document's context decides."""
        entry = curated.entry
        if (context is None or self.world is None or entry.type not in NAMESAKE_TYPES
                or not entry.canonical_id.startswith(WORLD_ID_PREFIXES) or label not in NAMESAKE_LABELS):
            return curated
        choice = self.world.resolve(text, following=following, context=context.places,
                                    prefer=entry.canonical_id)
        if choice is None or choice.entry.canonical_id == entry.canonical_id:
            return curated
        return Resolution(choice.entry, text, "geonames", "folded", choice.score, choice.alternatives)

    def _choose(self, found, text, label, from_ner, cue_country, context):
        usable = [n for n in found if refusal(n, label, from_ner, cue_country) is None]
        if not usable:
            return None
        by_entry: dict[str, Name] = {}
        for name in usable:
            by_entry.setdefault(name.entry.canonical_id, name)
        ranked = sorted(by_entry.values(), key=lambda n: rank(n, text, label, context), reverse=True)
        best = ranked[0]
        alternatives = [(n.entry.canonical_id, round(rank(n, text, label, context).points / 4, 2))
                        for n in ranked[1:4]]
        return best, alternatives

    def _fuzzy(self, key: str, label: str) -> Resolution | None:
        if len(key) < self.fuzzy_min_length or sum(map(str.isalpha, key)) < self.fuzzy_min_length:
            return None
        _, names = self.index.fuzzy_choices(label)
        # the best 8 keys above the threshold, then those with the same first letter (NameIndex.fuzzy_hits)
        hits = [(k, s, i) for k, s, i in self.index.fuzzy_hits(key, label, self.fuzzy_threshold)
                if fuzzy_refusal(key, k, names[i], s, threshold=self.fuzzy_threshold,
                                 min_length=self.fuzzy_min_length) is None]
        if not hits:
            return None
        _, best_score, best_i = hits[0]
        best = names[best_i]
        for _, score, i in hits[1:]:
            if names[i].entry.canonical_id != best.entry.canonical_id and best_score - score < FUZZY_MARGIN:
                return None  # two entries nearly as close: not safe to pick
        return _resolution(best, "fuzzy", round(best_score / 100 * FUZZY_WEIGHT, 3), [])


def varies_by_romanization(entry: Entry) -> bool:
    """Whether spellings of the entry vary by romanization: a Cyrillic native name or country. The
    transliteration key merges Izjum and Izium; it must not turn "Being" into Beijing."""
    return entry.country in CYRILLIC_COUNTRIES or any(is_cyrillic(name) for name in entry.native)


def _derived(written: str, name: str) -> bool:
    """'Kharkivan' is a word made from 'Kharkiv', not a misspelling of it (likewise 'Kyivan')."""
    return written.startswith(name) and 0 < len(written) - len(name) <= 3


class Refusal(StrEnum):
    """Why the resolver may not use a gazetteer name it reached; ``gazetteer lookup`` says it in words."""

    GENERIC = "generic"  # a generic name ("Defense Ministry") without a cue of its entry's country next to it
    WEAK_IN_TEXT = "weak-in-text"  # a weak name is never searched for in running text
    WEAK_LABEL = "weak-label"  # a weak name on an NER span whose label does not fit the entry's type
    NO_ROMANIZATION = "no-romanization"  # transliteration key: the entry's names do not vary by romanization
    NOT_ALIKE = "not-alike"  # transliteration key: the two spellings do not look alike enough
    TOO_SHORT = "too-short"  # fuzzy: fewer letters than fuzzy_min_length
    BELOW_THRESHOLD = "below-threshold"  # fuzzy: less similar than fuzzy_threshold
    OTHER_LETTER = "other-letter"  # fuzzy: starts with another letter
    WEAK = "weak"  # fuzzy: a weak name is never matched by a close spelling
    GENERIC_CLOSE = "generic-close"  # fuzzy: a generic name is never matched by a close spelling
    DERIVED = "derived"  # fuzzy: a word made from the name ("Kyivan"), not a misspelling
    LONE_SURNAME = "lone-surname"  # fuzzy: one word is no close spelling of a person's name ("Marowby", "Marrowby")


class Rank(NamedTuple):
    """How a usable name ranks among its rivals, compared field by field, highest first."""

    points: int  # label fits +2, in the document's context +1, a plain (not weak) name +1
    exact: bool  # spelled exactly as written
    curated: bool  # listed by an analyst, not generated from a native name
    located: bool  # the entry has coordinates


def refusal(name: Name, label: str | None, from_ner: bool, cue_country: str | None) -> Refusal | None:
    """Why ``name`` may not resolve a mention (NER's ``label``, or None in running text), or None."""
    variant, entry = name.variant, name.entry
    if variant.kind == "generic":
        return None if cue_country is not None and entry.country == cue_country else Refusal.GENERIC
    if variant.weak:
        if not from_ner or label is None:
            return Refusal.WEAK_IN_TEXT
        return None if label_fits(entry.type or "", label) else Refusal.WEAK_LABEL
    return None


def translit_refusal(name: Name, key: str) -> Refusal | None:
    """Why a name reached by the transliteration key may not be used for the folded ``key``, or None."""
    if not varies_by_romanization(name.entry):
        return Refusal.NO_ROMANIZATION
    if not alike_spellings(key, fold(name.variant.name)):
        return Refusal.NOT_ALIKE
    return None


def alike_spellings(a: str, b: str) -> bool:
    """Do two folded spellings that share a transliteration key look alike enough to be one name
    (Izyum/Izjum 80, Verkhovskyi/Verkhovsky 94; not Woltz/Volts 60)? Used for curated names, the
    corpus's unknown ones and ``suggest``'s clusters alike."""
    return fuzz.ratio(a, b) >= TRANSLIT_MIN_SIMILARITY


def in_context(entry: Entry, context: Context | None) -> bool:
    """Is the entry, its parent or its country already among what the document resolved?"""
    return bool(context) and (
        entry.canonical_id in context.ids
        or (entry.parent in context.ids if entry.parent else False)
        or (entry.country in context.countries if entry.country else False)
    )


def rank(name: Name, text: str, label: str | None, context: Context | None) -> Rank:
    """The resolver's ranking of a usable name written ``text`` (the one definition of it)."""
    entry = name.entry
    fits = label is None or label_fits(entry.type or "", label)
    points = 2 * fits + in_context(entry, context) + (not name.variant.weak)
    return Rank(points, name.variant.name == text, not name.variant.generated, entry.lat is not None)


def fuzzy_refusal(key: str, matched: str, name: Name, ratio: float, *, threshold: float,
                  min_length: int) -> Refusal | None:
    """Why the close spelling ``matched`` (of ``name``, similarity ``ratio``) may not resolve ``key``, or None."""
    if sum(c.isalpha() for c in key) < min_length:
        return Refusal.TOO_SHORT
    if ratio < threshold:
        return Refusal.BELOW_THRESHOLD
    if matched[:1] != key[:1]:
        return Refusal.OTHER_LETTER
    if name.variant.weak:
        return Refusal.WEAK
    if name.variant.kind == "generic":
        return Refusal.GENERIC_CLOSE
    if name.entry.type == "person" and " " not in key:
        return Refusal.LONE_SURNAME
    if _derived(key, matched):
        return Refusal.DERIVED
    return None


def _resolution(name: Name, kind: str, score: float, alternatives) -> Resolution:
    return Resolution(
        entry=name.entry,
        variant_name=name.variant.name,
        variant_kind=name.variant.kind,
        match_kind=kind,
        score=score,
        alternatives=alternatives,
    )


def body_of_water(key: str, preceding: str) -> bool:
    """"the Coral Sea", "the Copper River" (folded: ``key``; the text before it: ``preceding``): a name
    ending in one of the ``water_body_words`` after "the" is the water, which the world layer (countries,
    regions, towns) does not hold, though a region or town may bear its name."""
    if " " not in key or key.rsplit(" ", 1)[-1] not in words("water_body_words"):
        return False
    before = preceding.split()
    return bool(before) and before[-1].lower() == "the"
