"""The spaCy pipeline component ``entity_normalizer``.

Runs after NER: finds and resolves mentions (see ``mentions.py``), writes them to ``doc.ents``
with the canonical id in ``ent.kb_id_`` and the rest in ``Span._`` extensions. With
``conventions="geoparse"`` the extra places of the geoparsing conventions (nested toponyms,
demonyms; they overlap ``doc.ents``) go in the span group ``doc.spans["geoparse"]``. The gazetteer's
YAML texts are saved with the pipeline, so ``nlp.to_disk()`` then ``spacy.load()`` gives the
same results on another machine.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import ensure_path, from_disk, to_disk

from ..gazetteer.load import Gazetteer, Source, gazetteer_from_sources, load_gazetteer
from ..world.index import GeoNamesIndex
from ..world.places import WorldPlaces, fill_coordinates, world_layer
from .conventions import SPAN_GROUP, check_conventions
from .extensions import register_extensions
from .mentions import find_mentions
from .nil import provisional_ids
from .resolve import Resolver

DEFAULT_LABELS = ("PERSON", "ORG", "GPE", "LOC", "FAC")


@Language.factory(
    "entity_normalizer",
    default_config={
        "gazetteer_paths": [],
        "shipped": True,
        "labels": list(DEFAULT_LABELS),
        "fuzzy_threshold": 90.0,
        "fuzzy_min_length": 5,
        "world": True,
        "world_index_path": None,
        "nil_ids": False,
        "conventions": "normalizer",
    },
)
def make_entity_normalizer(
    nlp: Language,
    name: str,
    gazetteer_paths: list[str],
    shipped: bool,
    labels: list[str],
    fuzzy_threshold: float,
    fuzzy_min_length: int,
    world: bool,
    world_index_path: str | None,
    nil_ids: bool,
    conventions: str,
) -> EntityNormalizer:
    return EntityNormalizer(
        nlp, name, gazetteer_paths=gazetteer_paths, shipped=shipped, labels=labels,
        fuzzy_threshold=fuzzy_threshold, fuzzy_min_length=fuzzy_min_length, world=world,
        world_index_path=world_index_path, nil_ids=nil_ids, conventions=conventions,
    )


class EntityNormalizer:
    """Maps PERSON/ORG/place mentions to canonical gazetteer ids, keeping the text as written."""

    def __init__(
        self,
        nlp: Language,
        name: str = "entity_normalizer",
        *,
        gazetteer_paths: Iterable[str | Path] = (),
        shipped: bool = True,
        labels: Iterable[str] = DEFAULT_LABELS,
        fuzzy_threshold: float = 90.0,
        fuzzy_min_length: int = 5,
        world: bool = True,
        gazetteer: Gazetteer | None = None,
        world_index: GeoNamesIndex | None = None,
        world_index_path: str | Path | None = None,
        nil_ids: bool = False,
        conventions: str = "normalizer",
    ) -> None:
        """``conventions``: "normalizer" (the project's own) or "geoparse" (also every toponym nested
        in a name and nationality words as their country, in ``doc.spans["geoparse"]``; see geoparse.py).
        """
        register_extensions()
        self.conventions = check_conventions(conventions)
        self.name = name
        self.gazetteer_paths = [str(p) for p in gazetteer_paths]
        self.shipped = shipped
        self.labels = frozenset(labels)
        self.fuzzy_threshold = fuzzy_threshold
        self.fuzzy_min_length = fuzzy_min_length
        self.world = world
        self._world_index = world_index
        self.world_index_path = str(world_index_path) if world_index_path else None
        self.nil_ids = nil_ids
        self._gazetteer = gazetteer
        self._resolver: Resolver | None = None

    @property
    def gazetteer(self) -> Gazetteer:
        """Loaded on first use (no file is read when the component is only created)."""
        if self._gazetteer is None:
            self._gazetteer = load_gazetteer(self.gazetteer_paths, shipped=self.shipped)
        return self._gazetteer

    @property
    def resolver(self) -> Resolver:
        if self._resolver is None:
            world = None
            if self._world_index is not None:
                fill_coordinates(self.gazetteer.entries, self._world_index)
                world = WorldPlaces(self._world_index, self.gazetteer.entries)
            elif self.world:
                world = world_layer(self.gazetteer.entries, index_path=self.world_index_path)
            self._resolver = Resolver(
                self.gazetteer.index,
                fuzzy_threshold=self.fuzzy_threshold,
                fuzzy_min_length=self.fuzzy_min_length,
                world=world,
                not_entities=self.gazetteer.not_entities,
            )
        return self._resolver

    def prepare(self) -> None:
        """Load the gazetteer and the world index now rather than on the first document."""
        _ = self.resolver

    def __call__(self, doc: Doc) -> Doc:
        mentions = find_mentions(doc, self.resolver, labels=self.labels)
        self.set_annotations(doc, mentions)
        if self.conventions == "geoparse":
            from .geoparse import geoparse_spans  # opt-in: loaded only by pipelines that use it

            doc.spans[SPAN_GROUP] = geoparse_spans(doc, self.resolver, entries=self.gazetteer.entries)
        return doc

    def set_annotations(self, doc: Doc, mentions: list) -> None:
        spans = []
        provisional = provisional_ids(doc, mentions) if self.nil_ids else {}
        for number, mention in enumerate(mentions):
            found = mention.resolution
            nil_id, nil_name = provisional.get(number, ("", None))
            span = Span(doc, mention.start, mention.end, label=mention.label,
                        kb_id=found.entry.canonical_id if found else nil_id)
            if nil_name:
                span._.canonical_name = nil_name
            span._.ner_label = mention.ner_label
            span._.why = [str(rule) for rule in mention.why] or None
            span._.match_kind = found.match_kind if found else "none"
            span._.match_score = found.score if found else 0.0
            if found:
                entry = found.entry
                span._.canonical_name = entry.name
                span._.variant = found.variant_name
                span._.variant_kind = found.variant_kind
                span._.entity_type = entry.type
                span._.lat, span._.lon = entry.lat, entry.lon
                span._.alternatives = found.alternatives or None
            spans.append(span)
        taken = {i for span in spans for i in range(span.start, span.end)}
        others = [
            e for e in doc.ents
            if e.label_ not in self.labels and not taken.intersection(range(e.start, e.end))
        ]
        doc.ents = sorted(spans + others, key=lambda s: s.start)

    # -- serialization: the gazetteer's YAML texts travel with the pipeline -----------------
    def _sources(self) -> list[dict[str, Any]]:
        return [{"name": s.name, "text": s.text, "layer": s.layer} for s in self.gazetteer.sources]

    def _load_sources(self, data: list[dict[str, Any]]) -> None:
        self._gazetteer = gazetteer_from_sources([Source(**d) for d in data])
        self._resolver = None

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return srsly.msgpack_dumps({"sources": self._sources()})

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> EntityNormalizer:
        self._load_sources(srsly.msgpack_loads(data)["sources"])
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        serializers = {"gazetteer.json": lambda p: srsly.write_json(p, self._sources())}
        to_disk(ensure_path(path), serializers, exclude)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> EntityNormalizer:
        deserializers = {"gazetteer.json": lambda p: self._load_sources(srsly.read_json(p))}
        from_disk(ensure_path(path), deserializers, exclude)
        return self

