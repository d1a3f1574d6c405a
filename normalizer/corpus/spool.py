"""Corpus-wide ids in a run: the records wait in a spool until the whole corpus has been read.

An unknown entity's provisional id (:mod:`normalizer.corpus.identities`) depends on every document
of the run, so with new ids on (the default) ``annotate`` writes each document's JSONL record to a
spool as it finishes it (``OUT.partial`` with ``-o``, so Ctrl-C, a crash or a full disk keep the work
for ``--resume``; a temporary file for standard output), and at the end:

1. reads the spool once for the names of the unresolved mentions and their counts
   (:func:`~normalizer.corpus.identities.corpus_names`: memory grows with distinct names, not with
   documents) and clusters them (:func:`~normalizer.corpus.identities.cluster`);
2. reads it again, gives each record its ids (:func:`~normalizer.corpus.identities.assign`) and
   writes the output in its format (and the ``--summary`` table).

``annotate --dask`` runs the same two stages per shard (:mod:`normalizer.dask.shards`), so every
backend gives the same ids.
"""
from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, TextIO

from .formats import Writer, record_document
from .identities import Identity, Name, assign, corpus_names
from .summary import EntityTable


def read_spool(path: str | Path) -> Iterator[dict[str, Any]]:
    """The records of a spool, in order (one JSON object per line, as the run wrote them)."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def spool_identities(path: str | Path) -> dict[Name, Identity]:
    """Stages 1 and 2 over a spool: the identity of every unknown name in it."""
    return corpus_names(read_spool(path)).identities()


def render_spool(path: str | Path, out: TextIO, fmt: str, identities: Mapping[Name, Identity], *,
                 header: bool = True, table: EntityTable | None = None) -> int:
    """Stage 3: write the spool's records to ``out`` in ``fmt`` with their ids (and add them to
    ``table``); returns how many documents were written."""
    writer = Writer(out, fmt, header=header)
    written = 0
    for record in read_spool(path):
        record = assign(record, identities)
        writer.write_record(record)
        if table is not None:
            table.add_document(*record_document(record))
        written += 1
    writer.close()
    return written
