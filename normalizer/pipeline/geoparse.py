"""The geoparsing conventions (opt-in): toponyms nested in names, and demonyms as their country.

The project's own conventions annotate the longest name only ("University of Fenwick" is one
ORG) and take nationality words for no entity. The public geoparsing corpora (LGL, TR-News) and
the geoparsers measured on them (Edinburgh Geoparser, CamCoder, Mordecai) annotate every toponym:

* ``nested``: a place name inside an organisation, facility or person name ("Ashby" in "Ashby
  Police Department", "Fenwick" in "University of Fenwick"), or inside a longer place
  name the normalizer could not resolve ("Spirit Lake Valley" in "Spirit Lake Valley Water
  District"). Runs of capitalized words, longest first, whole words only, that are a place's
  very name in the world layer (or a curated place name); never the whole entity, never a lone
  stop word, an acronym, or a word the document uses in a person's name ("Ashby" when it
  mentions Jane Ashby), nor a word naming a kind of institution or a direction ("University",
  "Police", "West"), nor a town's name before a street word ("Ashby Road"). A one-word town
  needs the document's support (named as a place elsewhere in it, within ``NEAR_KM`` of its other
  places, or ``BIG_TOWN`` people); a place span that is itself a feature ("Ashby River") or
  that resolved is one toponym.
* ``demonym``: a nationality word, singular or plural, as its country ("Russian", "Palestinians",
  "Sri Lankan"; see :mod:`normalizer.world.demonyms`), wherever it stands (a NORP span, inside an
  organisation's name, or untagged), except where NER says it is a language.

:func:`geoparse_spans` returns these as spans (label GPE, ``kb_id`` the place's id, the same
``Span._`` values as the normalizer's places, and ``Span._.convention`` saying which rule);
the ``entity_normalizer`` component stores them in ``doc.spans["geoparse"]`` when configured with
``conventions="geoparse"``. Nested names resolve with the document's context: the places it has
already resolved weigh in on namesakes ("Ashby" in a story about Illinois towns is the Ashby in Illinois).
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span

from ..gazetteer.schema import PLACE_LABELS, Entry
from ..text.keys import fold
from ..text.words import words
from ..world.demonyms import countries_of
from ..world.distance import NEAR_KM, km
from ..world.places import WorldPlaces
from .facts import DocumentFacts
from .inner_names import InnerNames
from .resolve import Context, Resolver

# Entities searched for nested place names; place spans only when the normalizer left them unresolved.
HOST_LABELS = frozenset({"ORG", "FAC", "PERSON", "GPE", "LOC"})
NOT_DEMONYM_LABELS = frozenset({"LANGUAGE"})  # "speaks Greek"
MAX_DEMONYM_TOKENS = 3  # "Papua New Guinean"
FOLLOWING_CHARS = 40
MIN_CONTEXT_SCORE = 0.3
# A one-word town name inside a name ("Ashby" in "Ashby Police Department") counts only with
# support: the document names it as a place elsewhere, it lies within NEAR_KM (world.distance) of the
# document's other places, or it is this big. Regions, counties, countries and longer names need none. (On LGL:
# one-word towns without support were right 1 time in 20.)
BIG_TOWN = 100_000


@dataclass(frozen=True)
class Found:
    """One extra place of the geoparsing conventions, before it becomes a Span."""

    start: int
    end: int
    entry: Entry
    match_kind: str
    score: float
    variant_kind: str
    convention: str  # "nested" | "demonym"
    alternatives: tuple[tuple[str, float], ...] = ()


class Geoparser:
    """Finds the extra places of the geoparsing conventions in a Doc the normalizer has processed."""

    def __init__(
        self, resolver: Resolver, *, entries: dict[str, Entry] | None = None, person_hosts: bool = True,
    ) -> None:
        """``entries``: the curated gazetteer's entries by id (default: the world layer's curated ones)."""
        self.resolver = resolver
        self.world: WorldPlaces | None = resolver.world
        self.entries: dict[str, Entry] = entries if entries is not None else (
            self.world.curated if self.world is not None else {})
        self.person_hosts = person_hosts
        self.inner = InnerNames(resolver)

    def spans(self, doc: Doc) -> list[Span]:
        """The extra place spans, in text order (they may overlap ``doc.ents``, never each other)."""
        return [self._span(doc, found) for found in self.find(doc)]

    def find(self, doc: Doc) -> list[Found]:
        places = [e for e in doc.ents if e.label_ in PLACE_LABELS]
        taken = {(e.start, e.end) for e in places}
        # Not inside a resolved place ("Dominican Republic") or a person's name ("Jane French").
        resolved = {i for e in doc.ents if (e.label_ in PLACE_LABELS and e.kb_id_) or e.label_ == "PERSON"
                    for i in range(e.start, e.end)}
        used: set[int] = set()
        out: list[Found] = []
        for found in self._demonyms(doc):
            if (found.start, found.end) not in taken and not resolved.intersection(range(found.start, found.end)):
                out.append(found)
                used.update(range(found.start, found.end))
        context = self._context(doc)
        facts = DocumentFacts(doc)
        place_names, person_parts, lowered = facts.place_names, facts.person_parts, facts.lowered
        features = words("feature_words")  # a place span with one is a toponym of its own ("Ashby River")
        for ent in doc.ents:
            if ent.label_ not in HOST_LABELS or (ent.label_ == "PERSON" and not self.person_hosts):
                continue
            if ent.label_ in PLACE_LABELS and (ent.kb_id_ or any(t.lower_ in features for t in ent)):
                continue  # a resolved place is one toponym; so is "Ashby River"
            for start, end in self.inner.find(ent, used=used, person_parts=person_parts, lowered=lowered):
                found = self._resolve(doc, start, end, context)
                if found is not None and (start, end) not in taken and self._supported(
                        found, doc[start:end].text, context, place_names):
                    out.append(found)
                    used.update(range(start, end))
        return sorted(out, key=lambda f: f.start)

    # -- demonyms ----------------------------------------------------------------------------
    def _demonyms(self, doc: Doc) -> list[Found]:
        out = []
        i = 0
        while i < len(doc):
            token = doc[i]
            if not token.text[:1].isupper() or token.ent_type_ in NOT_DEMONYM_LABELS or token.lower_ == "the":
                i += 1
                continue
            hit = None
            for end in range(min(len(doc), i + MAX_DEMONYM_TOKENS), i, -1):
                if not all(t.is_alpha for t in doc[i:end]):
                    continue  # "Kenyan-", "Chileans,": the words themselves only
                codes = countries_of(doc[i:end].text)
                if codes:
                    hit = (end, codes)
                    break
            if hit is None:
                i += 1
                continue
            end, codes = hit
            entry = self._country(codes)
            if entry is not None:
                out.append(Found(i, end, entry, "demonym", 1.0, "demonym", "demonym"))
            i = end
        return out

    def _country(self, codes: tuple[str, ...]) -> Entry | None:
        """The most populous country of the codes, as the world layer's (or a curated) entry."""
        if self.world is not None:
            places = [p for p in (self.world.index.country(c) for c in codes) if p is not None]
            if places:
                return self.world.entry_for(max(places, key=lambda p: p.population))
        for code in codes:
            for entry in self.entries.values():
                if entry.type == "country" and entry.country == code:
                    return entry
        return None

    def _resolve(self, doc: Doc, start: int, end: int, context: Context) -> Found | None:
        span = doc[start:end]
        text = doc.text
        found = self.resolver.resolve(
            span.text, label="GPE", context=context,
            following=text[span.end_char : span.end_char + FOLLOWING_CHARS],
            preceding=text[max(0, span.start_char - FOLLOWING_CHARS) : span.start_char],
        )
        if found is None or found.match_kind == "fuzzy" or found.entry.label not in PLACE_LABELS:
            return None
        return Found(start, end, found.entry, found.match_kind, found.score, found.variant_kind, "nested",
                     tuple(found.alternatives))

    def _supported(self, found: Found, written: str, context: Context, place_names: set[str]) -> bool:
        """Longer names, regions and countries always; a one-word town with the document's support."""
        if found.end - found.start > 1 or fold(written) in place_names:
            return True
        entry = found.entry
        place = self.world.place(entry.canonical_id) if self.world is not None else None
        if place is not None:
            if place.feature != "city":
                return True
            if place.population >= BIG_TOWN:
                return True
        elif entry.type not in ("city", "town", "village"):
            return True
        if entry.lat is None or entry.lon is None:
            return False
        return any(km((entry.lat, entry.lon), point) <= NEAR_KM for point in context.places.points)

    def _context(self, doc: Doc) -> Context:
        """What the document's resolved places say: countries, regions, points, neighbours."""
        context = Context()
        seen: set[str] = set()
        for ent in doc.ents:
            if ent.label_ not in PLACE_LABELS:
                continue
            key = fold(ent.text)
            if self.world is not None and key not in seen:
                seen.add(key)
                context.places.add_neighbour(self.world.neighbour_points(ent.text))
            if not ent.kb_id_:
                if self.world is not None:
                    states = self.world.county_states(ent.text)
                    if states:
                        context.places.add_region("US", states)
                continue
            if (ent._.match_score or 0.0) < MIN_CONTEXT_SCORE:
                continue
            entry = self._entry(ent.kb_id_)
            if entry is not None:
                self.resolver.remember(context, entry)
        return context

    def _entry(self, canonical_id: str) -> Entry | None:
        if canonical_id in self.entries:
            return self.entries[canonical_id]
        if self.world is not None:
            place = self.world.place(canonical_id)
            if place is not None:
                return self.world.entry_for(place)
        return None

    # -- spans -------------------------------------------------------------------------------
    @staticmethod
    def _span(doc: Doc, found: Found) -> Span:
        entry = found.entry
        span = Span(doc, found.start, found.end, label=entry.label or "GPE", kb_id=entry.canonical_id)
        span._.canonical_name = entry.name
        span._.match_kind = found.match_kind
        span._.match_score = found.score
        span._.variant = span.text
        span._.variant_kind = found.variant_kind
        span._.entity_type = entry.type
        span._.lat, span._.lon = entry.lat, entry.lon
        span._.ner_label = doc[found.start].ent_type_ or None
        span._.alternatives = list(found.alternatives) or None
        span._.convention = found.convention
        return span


def geoparse_spans(
    doc: Doc, resolver: Resolver, *, entries: dict[str, Entry] | None = None, person_hosts: bool = True,
) -> list[Span]:
    """The extra place spans of the geoparsing conventions for a processed ``doc`` (see the module)."""
    return Geoparser(resolver, entries=entries, person_hosts=person_hosts).spans(doc)
