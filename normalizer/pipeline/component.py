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
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import srsly
from spacy.attrs import ENT_IOB, ENT_TYPE
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import ensure_path, from_disk, to_disk
from spacy.vocab import Vocab

from ..gazetteer.load import Gazetteer, Source, gazetteer_from_sources, load_gazetteer
from ..world.index import GeoNamesIndex
from ..world.places import WorldPlaces, fill_coordinates, world_layer
from .conventions import SPAN_GROUP, check_conventions
from .extensions import SPAN_EXTENSIONS, register_extensions
from .facts import DocumentFacts
from .glued import split_names
from .mention import Mention
from .mentions import find_mentions
from .nil import provisional_ids
from .resolve import Resolver

DEFAULT_LABELS = ("PERSON", "ORG", "GPE", "LOC", "FAC")
_OUTSIDE = 2  # the ENT_IOB of a token outside every entity ("O": Token.iob_strings())
_UNDERSCORE = "._."  # the first part of spaCy's doc.user_data keys for Span._ values (_direct_extension_keys)


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
        facts = DocumentFacts(doc)
        if split_names(facts, self.resolver):  # names glued to punctuation: "/Acme/.", "U.S.-led"
            facts = DocumentFacts(doc)  # other tokens: other facts
        mentions = find_mentions(doc, self.resolver, labels=self.labels, facts=facts)
        self.set_annotations(doc, mentions, ents=facts.ents, facts=facts)
        if self.conventions == "geoparse":
            from .geoparse import geoparse_spans  # opt-in: loaded only by pipelines that use it

            doc.spans[SPAN_GROUP] = geoparse_spans(doc, self.resolver, entries=self.gazetteer.entries)
        return doc

    def set_annotations(self, doc: Doc, mentions: list[Mention], *, ents: tuple[Span, ...] | None = None,
                        facts: DocumentFacts | None = None) -> None:
        """Write the mentions to ``doc.ents`` (keeping NER's other entities they do not overlap) and
        their ids and the rest to ``Span._``; ``ents``: the document's entities before, if at hand;
        ``facts``: the document's facts, if at hand (the mentions' character offsets)."""
        facts = DocumentFacts(doc) if facts is None else facts
        spans = []
        provisional = provisional_ids(doc, mentions) if self.nil_ids else {}
        direct = _direct_extension_keys()
        stored: dict[tuple, Any] = {}  # the Span._ values, for one update of doc.user_data, as spaCy itself keys them
        for number, mention in enumerate(mentions):
            found = mention.resolution
            nil_id, nil_name = provisional.get(number, ("", None))
            span = Span(doc, mention.start, mention.end, label=mention.label,
                        kb_id=found.entry.canonical_id if found else nil_id)
            values: dict[str, Any] = {"canonical_name": nil_name} if nil_name else {}
            values["ner_label"] = mention.ner_label
            values["why"] = list(map(str, mention.why)) if mention.why else None
            values["match_kind"] = found.match_kind if found else "none"
            values["match_score"] = found.score if found else 0.0
            if found:
                entry = found.entry
                values["canonical_name"] = entry.name
                values["variant"] = found.variant_name
                values["variant_kind"] = found.variant_kind
                values["entity_type"] = entry.type
                values["lat"], values["lon"] = entry.lat, entry.lon
                values["alternatives"] = found.alternatives or None
            if direct:
                start, end = facts.starts[mention.start], facts.ends[mention.end - 1]  # span.start_char, end_char
                stored.update({(_UNDERSCORE, name, start, end): value for name, value in values.items()})
            else:
                ext = span._  # one Underscore per span: each ``span._`` makes a new one
                for name, value in values.items():
                    setattr(ext, name, value)
            spans.append(span)
        doc.user_data.update(stored)
        taken = {i for mention in mentions for i in range(mention.start, mention.end)}
        others = [
            e for e in (facts.ents if ents is None else ents)
            if e.label_ not in self.labels and not taken.intersection(range(e.start, e.end))
        ]
        _set_entities(doc, sorted(spans + others, key=lambda s: s.start))

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



def _set_entities(doc: Doc, entities: list[Span]) -> None:
    """``doc.ents = entities`` as spaCy sets them, without its Python step per token: first every token is
    outside an entity (one ``from_array``: what ``doc.ents =`` makes of the tokens no entity covers; their
    kb and entity ids stay), then the entities' own tokens are set (``set_ents``, which also checks that
    no two overlap, leaving the other tokens as they are)."""
    outside = np.zeros((len(doc), 2), dtype=np.uint64)
    outside[:, 0] = _OUTSIDE
    doc.from_array([ENT_IOB, ENT_TYPE], outside)
    doc.set_ents(entities, default="unmodified")


@cache
def _direct_extension_keys() -> bool:
    """Whether spaCy keeps a span's ``Span._`` values in ``doc.user_data`` under ``("._.", name,
    start_char, end_char)``, checked once on a scratch document, and every extension the normalizer
    sets is a plain value (no getter, setter or method registered for it): then ``set_annotations``
    writes a span's values with one ``dict.update`` instead of one ``Underscore`` call each (same
    keys, same values, same order), else through ``Span._`` itself."""
    register_extensions()
    if any(Span.get_extension(name)[1:] != (None, None, None) for name in SPAN_EXTENSIONS):
        return False
    doc = Doc(Vocab(), words=["a", "b"], spaces=[True, False])
    probe = Span(doc, 0, 2)
    probe._.ner_label = "X"
    return doc.user_data == {(_UNDERSCORE, "ner_label", 0, 3): "X"} and probe._.ner_label == "X"
