"""Everything the service loads once at start-up, and what each endpoint asks of it (no HTTP here).

The pipeline is loaded as ``annotate`` loads it (:class:`normalizer.PipelineConfig`); the
reconciliation side uses that pipeline's own gazetteer, resolver and world layer, so a name
reconciles exactly as it resolves in a text with the same options. Documents go through the
batch path (:func:`normalizer.corpus.batch.annotate_documents`), so their records are the CLI's.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from typing import Any

from spacy.language import Language

from ..analyst.lookup import explain
from ..corpus.formats import document_record
from ..corpus.inputs import Document
from ..gazetteer.schema import NER_LABELS, PLACE_LABELS
from ..pipeline.load import PipelineConfig
from ..text.keys import fold
from .catalog import DEFAULT_TYPES, Catalog
from .errors import ApiError
from .lanes import Annotator, Lane
from .reconcile import MAX_NAME_CHARS, Query, Reconciler

PENDING_REQUESTS = 8  # documents (and characters) waiting for the pipeline: this many full requests' worth


@dataclass(frozen=True)
class Limits:
    """What one request may hold; past these a request gets a 413 that names the limit."""

    max_body_bytes: int = 10_000_000
    max_documents: int = 1_000  # documents per annotate request; queries per reconciliation batch
    max_text_chars: int = 1_000_000  # one document's text


@dataclass(frozen=True)
class ServeOptions:
    """How to start: the pipeline's options, the limits, documents per spaCy batch. It travels to
    worker processes as JSON in an environment variable (``to_json`` / ``from_json``)."""

    pipeline: PipelineConfig = PipelineConfig()
    limits: Limits = Limits()
    batch_size: int = 32

    def to_json(self) -> str:
        return json.dumps({"pipeline": asdict(self.pipeline), "limits": asdict(self.limits),
                           "batch_size": self.batch_size})

    @classmethod
    def from_json(cls, text: str) -> ServeOptions:
        data = json.loads(text)
        pipeline = {**data["pipeline"], "gazetteers": tuple(data["pipeline"]["gazetteers"])}
        return cls(PipelineConfig(**pipeline), Limits(**data["limits"]), data["batch_size"])


class Service:
    """The loaded pipeline and its gazetteer side, with the threads that do their work."""

    def __init__(self, nlp: Language, *, options: ServeOptions) -> None:
        component = nlp.get_pipe("entity_normalizer")
        self.nlp, self.options, self.limits = nlp, options, options.limits
        self.gazetteer = component.gazetteer
        self.resolver = component.resolver
        self.world = self.resolver.world
        self.catalog = Catalog(self.gazetteer, self.world)
        self.reconciler = Reconciler(self.resolver, self.catalog)
        limits = options.limits
        self.annotator = Annotator(nlp, batch_size=options.batch_size,
                                   max_pending=PENDING_REQUESTS * limits.max_documents,
                                   max_pending_chars=PENDING_REQUESTS * limits.max_body_bytes)
        self.lane = Lane("gazetteer")

    def warm_up(self) -> None:
        """Build now what the first requests would otherwise wait for: the fuzzy blocks, the world
        layer's capitals, the suggest index, the pipeline's first document."""
        for kind in DEFAULT_TYPES:
            self.reconciler.reconcile(Query("Warm-up Name", types=(kind,)))
            self.resolver.index.fuzzy_hits(fold("warm up name"), kind.label, self.resolver.fuzzy_threshold)
        if self.world is not None:
            _ = self.world.capitals
        self.catalog.suggest("kyiv")
        self.nlp("Warm-up: trains left Kyiv for Kharkiv.")

    def close(self) -> None:
        self.annotator.close()
        self.lane.close()

    # -- annotate -------------------------------------------------------------------------------

    def documents(self, body: Any) -> tuple[list[Document], bool]:
        """The documents of an annotate request body, and whether it was one ``{"text": ...}``."""
        if not isinstance(body, dict):
            raise ApiError(400, 'send {"text": "..."} or {"documents": [{"id": "a", "text": "..."}, ...]}')
        if "text" in body and "documents" in body:
            raise ApiError(400, 'give "text" (one document) or "documents" (a list), not both')
        if "documents" in body:
            records = body["documents"]
            if not isinstance(records, list):
                raise ApiError(400, '"documents" must be a list of {"id": ..., "text": ...} objects')
            if len(records) > self.limits.max_documents:
                raise ApiError(413, f"{len(records):,} documents in one request; at most "
                               f"{self.limits.max_documents:,} (serve --max-documents)")
            single = False
        elif "text" in body:
            records, single = [body], True
        else:
            raise ApiError(400, 'the body needs "text" (one document) or "documents" (a list of them)')
        return [self._document(record, number, single) for number, record in enumerate(records)], single

    def _document(self, record: Any, number: int, single: bool) -> Document:
        where = "the document" if single else f"document {number}"
        if not isinstance(record, dict):
            raise ApiError(400, f'{where}: each document is an object {{"id": ..., "text": ...}}')
        text = record.get("text")
        if not isinstance(text, str):
            raise ApiError(400, f'{where}: "text" must be a string')
        if len(text) > self.limits.max_text_chars:
            raise ApiError(413, f"{where}: the text has {len(text):,} characters; at most "
                           f"{self.limits.max_text_chars:,} (serve --max-text-chars)")
        fields = {k: v for k, v in record.items() if k not in ("text", "spans", "entities")}
        return Document(id=str(record.get("id", number)), text=text, fields=fields)

    async def annotate(self, documents: list[Document], *, why: bool) -> tuple[list[dict], list[dict]]:
        """The CLI's JSONL records of the documents that could be annotated, and the others' errors."""
        records, errors = [], []
        for number, outcome in enumerate(await self.annotator.annotate(documents, why=why)):
            if outcome.ok:
                records.append(document_record(outcome.document, outcome.spans))
            else:
                errors.append({"index": number, "id": outcome.document.id, "error": outcome.error})
        return records, errors

    # -- the gazetteer side (run in the gazetteer lane) -----------------------------------------

    def lookup(self, name: str, *, label: str | None, country: str | None) -> dict[str, Any]:
        """``gazetteer lookup --json``: the resolver's trace for one name."""
        check_name(name, what="name")
        if label is not None and label.upper() not in NER_LABELS:
            raise ApiError(400, f"unknown label {label!r}; the labels are {', '.join(NER_LABELS)}")
        label = label.upper() if label else None
        world = self.world if label in PLACE_LABELS else None
        found = explain(name, self.gazetteer, label=label, country=country.upper() if country else None,
                        fuzzy_threshold=self.resolver.fuzzy_threshold,
                        fuzzy_min_length=self.resolver.fuzzy_min_length, world=world)
        return found.as_dict()

    def health(self) -> dict[str, Any]:
        meta = self.nlp.meta
        return {"status": "ok", "pid": os.getpid(), "model": f"{meta.get('lang')}_{meta.get('name')}",
                "pipeline": self.nlp.pipe_names, "entries": len(self.gazetteer), "world": self.world is not None,
                "conventions": self.options.pipeline.conventions, "limits": asdict(self.limits),
                "waiting_documents": self.annotator.pending}


def check_name(name: str, *, what: str) -> None:
    if not name.strip():
        raise ApiError(400, f"{what} is empty")
    if len(name) > MAX_NAME_CHARS:
        raise ApiError(413, f"{what} has {len(name):,} characters; at most {MAX_NAME_CHARS:,}")
