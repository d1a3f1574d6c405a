"""The library's Dask calls: a bag of documents from files, and a bag of records from a bag of documents.

    import dask.bag as db
    from normalizer.dask import annotate_bag, read_bag

    documents = read_bag(["s3://bucket/news/*.jsonl.gz", "corpus/"])
    records = annotate_bag(documents, gazetteers=["my.yaml"])
    records.filter(lambda r: "spans" in r).map(json.dumps).to_textfiles("out/*.jsonl")

Works with any Dask scheduler (``distributed`` or not): each worker process loads the pipeline once
(:mod:`normalizer.dask.worker`). The pipeline configuration is checked on the client when the bag is
made, so a gazetteer error raises there, before any partition runs.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import dask.bag as db
from dask import delayed

from ..corpus.batch import DEFAULT_BATCH_SIZE, annotate_documents
from ..corpus.formats import document_record
from ..corpus.identities import CorpusNames, assign, corpus_names
from ..corpus.inputs import Document
from ..errors import InputError
from ..pipeline.load import PipelineConfig
from .plan import DEFAULT_PARTITION_BYTES, Partition, plan_inputs
from .read import count_lines, line_starts, read_partition
from .worker import pipeline_turn, worker_pipeline


def read_bag(inputs: str | Iterable[str], *, partition_bytes: int = DEFAULT_PARTITION_BYTES) -> db.Bag:
    """The documents of files, folders, globs and URLs (text files and JSONL, compressed or not), as
    a bag of :class:`~normalizer.corpus.inputs.Document`, partitioned as ``annotate --dask`` partitions
    them (:mod:`normalizer.dask.plan`).

    An input that cannot be read (a missing file, a line that is not JSON) is a failure record in the
    bag (``{"id": None, "where": ..., "error": ...}``), where its documents would have been;
    :func:`annotate_bag` passes it through.
    """
    names = [inputs] if isinstance(inputs, str) else list(inputs)
    plan = plan_inputs(names, partition_bytes=partition_bytes)
    starts = {}
    for partition in plan.partitions:
        for piece in partition.ranges:
            if piece.name not in starts:
                counts = [delayed(count_lines, pure=True)(p) for p in plan.ranges_of(piece.name)]
                starts[piece.name] = delayed(line_starts, pure=True)(*counts)
    parts = [delayed(_read, pure=True)(p, next((starts[r.name] for r in p.ranges), None)) for p in plan.partitions]
    if plan.problems:
        parts.insert(0, delayed(list)([unreadable(problem) for problem in plan.problems]))
    return db.from_delayed(parts) if parts else db.from_sequence([], npartitions=1)


def _read(partition: Partition, starts: list[int] | None) -> list[Document | dict[str, Any]]:
    items: list[Document | dict[str, Any]] = []
    items.extend(read_partition(partition, starts, on_error=lambda exc: items.append(unreadable(exc)),
                                on_warning=lambda _warning: None))
    return items


def unreadable(exc: InputError) -> dict[str, Any]:
    """The failure record of an input that could not be read."""
    where = f"{exc.path}:{exc.line}" if exc.path and exc.line else exc.path or ""
    return {"id": None, "where": where, "error": str(exc)}


def annotate_bag(
    bag: db.Bag, *, model: str | None = None, gazetteers: Iterable[str | Path] = (), shipped: bool = True,
    fuzzy_threshold: float = 90.0, world: bool = True, world_index_path: str | Path | None = None,
    nil_ids: bool = False, conventions: str = "normalizer", batch_size: int = DEFAULT_BATCH_SIZE,
    why: bool = False, new_ids: bool = True,
) -> db.Bag:
    """The records of a bag of documents: one per item, in order, with the options of :func:`normalizer.load`.

    Items may be :class:`~normalizer.corpus.inputs.Document`, plain strings, or dicts with a
    ``"text"`` string (a JSONL record: its ``"id"`` names it, its other fields pass through; without
    an id it is named ``PARTITION:N``). Each becomes the record ``annotate`` writes for it (its
    fields, ``id``, ``path``, ``text``, ``spans``). An item that could not be annotated, or read,
    becomes ``{"id": ..., "where": ..., "error": message}``: a record without ``"spans"``, so
    ``bag.filter(lambda r: "spans" not in r)`` gives the failures, each naming its document.

    With ``new_ids`` (as ``annotate``), unknown entities get the corpus's provisional ids
    (:func:`with_corpus_ids`); ``new_ids=False`` leaves them ``id: null``.

    Raises the configuration's errors (``GazetteerErrors``, ``ModelError``, ``ConfigError``) here.
    """
    config = PipelineConfig(model=model, gazetteers=tuple(str(g) for g in gazetteers), shipped=shipped,
                            fuzzy_threshold=fuzzy_threshold, world=world,
                            world_index_path=str(world_index_path) if world_index_path else None, nil_ids=nil_ids,
                            conventions=conventions)
    config.check()
    parts = [delayed(annotate_partition, pure=True)(part, number, config, batch_size=batch_size, why=why)
             for number, part in enumerate(bag.to_delayed())]
    records = db.from_delayed(parts)
    return with_corpus_ids(records) if new_ids else records


def with_corpus_ids(records: db.Bag) -> db.Bag:
    """The records with one provisional id per unknown entity across the whole bag
    (:mod:`normalizer.corpus.identities`): the names counted per partition and merged (a reduction),
    clustered once, and the identities broadcast to every partition. Failure records pass as they are."""
    names = records.reduction(_partition_names, CorpusNames.combine)
    return records.map(_assigned, names.apply(CorpusNames.identities))


def _partition_names(records: Iterable[dict[str, Any]]) -> CorpusNames:
    return corpus_names(r for r in records if "spans" in r)


def _assigned(record: dict[str, Any], identities: dict) -> dict[str, Any]:
    return assign(record, identities) if "spans" in record else record


def annotate_partition(items: Iterable[Any], number: int, config: PipelineConfig, *,
                       batch_size: int = DEFAULT_BATCH_SIZE, why: bool = False) -> list[dict[str, Any]]:
    """One partition's records (see :func:`annotate_bag`), on a worker."""
    slots = [_document(item, f"{number}:{position}") for position, item in enumerate(items)]
    documents = [s for s in slots if isinstance(s, Document)]
    with pipeline_turn():
        outcomes = iter(list(annotate_documents(worker_pipeline(config), documents, batch_size=batch_size, why=why)))
    out = []
    for slot in slots:
        if not isinstance(slot, Document):
            out.append(slot)
            continue
        outcome = next(outcomes)
        if outcome.ok:
            out.append(document_record(outcome.document, outcome.spans))
        else:
            out.append(_failure(outcome.document, outcome.error or ""))
    return out


def _document(item: Any, name: str) -> Document | dict[str, Any]:
    """The document an item holds, or (a failure record already, or not a document) its failure record."""
    if isinstance(item, Document):
        return item
    if isinstance(item, str):
        return Document(id=name, text=item)
    if isinstance(item, dict) and isinstance(item.get("text"), str):
        fields = {k: v for k, v in item.items() if k not in ("text", "spans", "entities")}
        return Document(id=str(item.get("id", name)), text=item["text"], fields=fields)
    if isinstance(item, dict) and "error" in item and "spans" not in item:
        return item
    return {"id": name, "where": name, "error": 'not a document: an item must be a Document, a string, or a dict '
            f'with a "text" string, not {type(item).__name__}'}


def _failure(document: Document, message: str) -> dict[str, Any]:
    record: dict[str, Any] = {"id": document.id, "where": document.where, "error": message}
    if document.path:
        record["path"] = document.path
    return record
