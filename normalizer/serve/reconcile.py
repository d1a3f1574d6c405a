"""Reconciliation queries answered by the resolver's own rules (the HTTP side is in protocol.py).

A query's ``type`` stands for the NER label of a span (person -> PERSON, organization -> ORG, a
place type -> GPE), so a typed query resolves exactly as a span NER tagged so, and an untyped one as
a name found in running text (weak names and the world layer need a type). A ``country`` property
is the cue a generic name needs ("Defense Ministry") and the document context a place name is
weighed in, as if the text had named that country; a ``parent`` property likewise.

Candidates, best first: the resolver's choice (score 100 x its score), then the other entries the
name reaches by the same keys (folded, transliteration), the world layer's namesakes and close
spellings (fuzzy), each scored below the choice, since the resolver would not pick them.

``match`` is true for at most one candidate: the resolver's choice, when it is certain —

* a curated name by its folded or transliteration key (never a close spelling), and no other entry
  reached by that key ranks as high (the choice did not fall to a tie-break: spelling, curation,
  coordinates); a weak name counts only with a type it fits, as in the resolver;
* a world-layer place only for a place type, and only when it holds most of the weight of its
  namesakes (the resolver's score >= ``WORLD_CERTAIN``: Lyon, Toronto; not Austin or Portland);
* and the candidate is of a type the query asked for, in its country, under its parent.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ..gazetteer.judgements import is_rejected
from ..gazetteer.names import Name
from ..gazetteer.schema import PLACE_LABELS, Entry
from ..pipeline.resolve import (
    FUZZY_WEIGHT,
    MATCH_SCORES,
    Context,
    Resolution,
    Resolver,
    fuzzy_refusal,
    rank,
    refusal,
    translit_refusal,
)
from ..text.keys import fold, translit_key
from .catalog import Catalog, EntityType, entity_types

DEFAULT_LIMIT = 10
MAX_NAME_CHARS = 1_000  # a name to reconcile or look up (names are short; this bounds the work)
MAX_LIMIT = 100
WORLD_CERTAIN = 0.75  # a world-layer choice's score (0.9 x its share of its namesakes' weight)
NEAR_THRESHOLD = 80.0  # close spellings shown as candidates (never a match) from this similarity
REFUSED_WEIGHT = 0.3  # a name the resolver may not use here (weak without a type, generic without a country)
BELOW_CHOICE = 0.99  # other candidates score at most this share of the resolver's choice
# A namesake's score as the world layer scores its choice: its share of the namesakes' weight times
# this base by how the name matched (only for display: the resolver's own choice keeps its own score).
NAMESAKE_BASE = {"fold": 0.9, "translit": 0.8}


@dataclass(frozen=True)
class Query:
    """One reconciliation query, checked (see ``protocol.parse_query``)."""

    text: str
    types: tuple[EntityType, ...] = ()
    limit: int = DEFAULT_LIMIT
    country: str | None = None  # ISO 3166-1 code
    country_given: bool = False  # a country property came (``country`` None: it named no country known)
    parent: Entry | None = None
    parent_given: bool = False


@dataclass
class Candidate:
    """One entity proposed for a query."""

    entry: Entry
    score: float
    how: str  # exact, folded, translit, fuzzy, world, id, or refused
    matched: str | None = None
    chosen: bool = False  # the resolver's choice
    certain: bool = False
    match: bool = False
    features: dict[str, Any] = field(default_factory=dict)

    def as_dict(self, catalog: Catalog) -> dict[str, Any]:
        features = [{"id": "resolver_choice", "value": self.chosen}, {"id": "certain", "value": self.certain},
                    *({"id": k, "value": v} for k, v in self.features.items())]
        return {"id": self.entry.canonical_id, "name": self.entry.name or self.entry.canonical_id,
                "type": entity_types(self.entry), "score": round(self.score, 2), "match": self.match,
                "description": catalog.describe(self.entry, self.matched), "features": features}


class Reconciler:
    """Answers queries with the pipeline's resolver (its gazetteer index, world layer and settings)."""

    def __init__(self, resolver: Resolver, catalog: Catalog) -> None:
        self.resolver, self.catalog = resolver, catalog
        self.index, self.world = resolver.index, resolver.world

    def reconcile(self, query: Query) -> list[Candidate]:
        """The candidates for ``query``, best first, at most ``query.limit``."""
        text = query.text.strip()
        found: dict[str, Candidate] = {}
        by_id = self.catalog.entity(text) if self.catalog.is_id(text) else None
        if by_id is not None:
            found[by_id.canonical_id] = Candidate(by_id, 100.0, "id", chosen=True, certain=True)
        elif text:
            labels = sorted({t.label for t in query.types}) or [None]
            for label in labels:
                for candidate in self._gather(text, label, query):
                    _merge(found, candidate)
        kept = [c for c in found.values() if self._fits(c.entry, query)]
        certain = [c for c in kept if c.certain and self._confirmed(c.entry, query)]
        if len(certain) == 1:
            certain[0].match = True
        kept.sort(key=lambda c: (c.match, c.score, c.chosen), reverse=True)
        return kept[: query.limit]

    # -- candidates -----------------------------------------------------------------------------

    def _gather(self, text: str, label: str | None, query: Query) -> list[Candidate]:
        from_ner = label is not None
        context = self._context(query)
        out: dict[str, Candidate] = {}
        found = self.resolver.resolve(text, label=label, from_ner=from_ner, cue_country=query.country,
                                      context=context)
        if found is not None:
            how = "world" if found.variant_kind == "geonames" else found.match_kind
            choice = Candidate(found.entry, 100 * found.score, how, found.variant_name, chosen=True,
                               certain=self._certain(found, text, label, context),
                               features={"name_score": found.score})
            out[found.entry.canonical_id] = choice
            for other, score in found.alternatives:
                entry = self.catalog.entity(other)
                if entry is not None:
                    _merge(out, Candidate(entry, 100 * score, "alternative"))
        for candidate in self._by_keys(text, label, from_ner, query.country, context):
            _merge(out, candidate)
        if self.world is not None and label in (*PLACE_LABELS, None):
            for candidate in self._namesakes(text):
                _merge(out, candidate)
        if label is not None:
            for candidate in self._close_spellings(text, label):
                _merge(out, candidate)
        if found is not None:  # the resolver's order: nothing it would not pick scores above its choice
            top = out[found.entry.canonical_id].score * BELOW_CHOICE
            for candidate in out.values():
                if not candidate.chosen:
                    candidate.score = min(candidate.score, top)
        return list(out.values())

    def _by_keys(self, text: str, label: str | None, from_ner: bool, country: str | None,
                 context: Context | None) -> list[Candidate]:
        """Every entry the name reaches by its folded or transliteration key, as the resolver ranks it."""
        key, skeleton = fold(text), translit_key(text)
        names = [(n, "exact" if n.variant.name == text else "folded") for n in self.index.by_fold.get(key, ())]
        if skeleton:
            names += [(n, "translit") for n in self.index.by_translit.get(skeleton, ())
                      if fold(n.variant.name) != key and translit_refusal(n, key) is None]
        out = []
        for name, kind in names:
            if name.entry.rejected and is_rejected(name.entry, text, label):
                continue  # an analyst's judgement: this name is not this entry
            refused = refusal(name, label, from_ner, country)
            weight = REFUSED_WEIGHT if refused else rank(name, text, label, context).points / 4
            features = {"name_score": MATCH_SCORES[kind], "usable": refused is None}
            out.append(Candidate(name.entry, 100 * MATCH_SCORES[kind] * weight, "refused" if refused else kind,
                                 name.variant.name, features=features))
        return out

    def _namesakes(self, text: str) -> list[Candidate]:
        """The world layer's places of this name, by what is known of them before any document."""
        key = fold(text)
        places = self.world.candidates(text)
        if not places:
            return []
        weights = [self.world.prior(place, match, key) for place, match in places]
        top = max(weights)
        shares = [math.exp(w - top) for w in weights]
        total = sum(shares)
        return [Candidate(self.world.entry_for(place), 100 * NAMESAKE_BASE.get(match, 0.8) * share / total, "world",
                          place.name, features={"prior": round(weight, 3)})
                for (place, match), weight, share in zip(places, weights, shares)]

    def _close_spellings(self, text: str, label: str) -> list[Candidate]:
        key = fold(text)
        _, names = self.index.fuzzy_choices(label)
        out = []
        for matched, ratio, i in self.index.fuzzy_hits(key, label, NEAR_THRESHOLD):
            name = names[i]
            if fuzzy_refusal(key, matched, name, ratio, threshold=NEAR_THRESHOLD,
                             min_length=self.resolver.fuzzy_min_length) is None:
                out.append(Candidate(name.entry, ratio * FUZZY_WEIGHT, "fuzzy", name.variant.name,
                                     features={"similarity": round(ratio, 1)}))
        return out

    def _context(self, query: Query) -> Context | None:
        """The query's properties as a document's context: as if the text had named them. A country
        counts as a country only, not as a point at its centre (a column of Russian towns says
        nothing about being near the middle of Russia); a parent counts as the place it is."""
        if query.country is None and query.parent is None:
            return None
        context = Context()
        country = self.catalog.country(query.country)
        if country is not None and query.country:
            context.ids.add(country.canonical_id)
            context.countries.add(query.country)
            context.places.countries[query.country] = 1
        if query.parent is not None:
            self.resolver.remember(context, query.parent)
        return context

    # -- certainty ------------------------------------------------------------------------------

    def _certain(self, found: Resolution, text: str, label: str | None, context: Context | None) -> bool:
        """Is the resolver's choice certain (see the module docstring)?"""
        if found.match_kind not in MATCH_SCORES:
            return False  # a close spelling
        if found.variant_kind == "geonames":
            return label in PLACE_LABELS and found.score >= WORLD_CERTAIN
        name = self._name_of(found, text)
        if name is None:
            return False
        points = rank(name, text, label, context).points
        return all(round(score * 4) < points for _, score in found.alternatives)

    def _name_of(self, found: Resolution, text: str) -> Name | None:
        names = [*self.index.by_fold.get(fold(text), ()), *self.index.by_translit.get(translit_key(text), ())]
        return next((n for n in names if n.entry is found.entry and n.variant.name == found.variant_name), None)

    def _fits(self, entry: Entry, query: Query) -> bool:
        if query.types and not any(t.admits(entry.type) for t in query.types):
            return False
        return not (query.country and entry.country and entry.country != query.country)

    def _confirmed(self, entry: Entry, query: Query) -> bool:
        """A match needs every property understood: a known country, the parent among its parents."""
        if query.country_given and query.country is None:
            return False
        if query.parent_given:
            return query.parent is not None and query.parent.canonical_id in self.catalog.ancestors(entry)
        return True


def _merge(found: dict[str, Candidate], candidate: Candidate) -> None:
    """One candidate per entity: the resolver's choice wins, else the higher score."""
    key = candidate.entry.canonical_id
    held = found.get(key)
    if held is None:
        found[key] = candidate
    elif candidate.chosen and not held.chosen:
        candidate.score = max(candidate.score, held.score)
        found[key] = candidate
    elif held.chosen == candidate.chosen and candidate.score > held.score:
        candidate.certain = candidate.certain or held.certain
        found[key] = candidate
    else:
        held.certain = held.certain or candidate.certain
