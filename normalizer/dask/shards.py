"""The output folder of ``annotate --dask -o OUTDIR/``: one shard per partition, resumable.

Shard ``i`` is ``OUTDIR/part-<i>.jsonl`` (``.tsv``, ``.txt``; the number zero-padded to the same
width for every shard, so the names sort in document order): the records of the partition's
documents, in order, exactly as the serial ``annotate`` writes them, so the shards concatenated
are the serial output (a TSV shard starts with its own header). Each shard is written by the
worker that annotated it, through a temporary file moved into place (:mod:`normalizer.atomic`);
before the move, the worker writes the shard's record ``OUTDIR/.part-<i>.jsonl.done``: a JSON line
with its counts and the messages of its failed documents, and a JSON line with its entity table
(:class:`~normalizer.corpus.summary.EntityTable`). A shard is finished when both are there and the
record gives the shard's size.

With new ids (the default), the unknown entities' ids need the whole corpus, so a partition's task
writes its records to a hidden spool (``OUTDIR/.part-<i>.spool.jsonl``, with its record
``.part-<i>.spool.done`` holding the counts and failures and the names of its unknown entities,
:class:`~normalizer.corpus.identities.CorpusNames`); once every partition is spooled, the names are
merged on the cluster and clustered on the client, and :func:`assign_shard` writes each shard from
its spool with the ids. The spools stay, so that a rerun after a shard was deleted writes it again
without annotating it again.

``OUTDIR/.entity-normalizer-run.json`` says which run the folder holds (a signature of the inputs,
their sizes and times, and the options); a rerun of the same command skips the finished shards and
computes the others; another command on the same folder is refused, and so is a second run while
one holds the folder's lock. The workers must see OUTDIR at the same path as the client (one
machine, or a shared filesystem).
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from ..atomic import atomic_open, write_text
from ..corpus.batch import annotate_documents
from ..corpus.formats import Writer, document_record
from ..corpus.identities import CorpusNames, Identity, Name
from ..corpus.spool import render_spool
from ..corpus.summary import EntityTable
from ..errors import OutputError
from ..pipeline.load import PipelineConfig
from .plan import Partition
from .read import read_partition
from .worker import pipeline_turn, worker_name, worker_pipeline

SUFFIXES = {"jsonl": ".jsonl", "tsv": ".tsv", "text": ".txt"}
MANIFEST = ".entity-normalizer-run.json"
MANIFEST_VERSION = 1
SHARD_PREFIX = "part-"


@dataclass(frozen=True)
class ShardJob:
    """What every shard task needs besides its partition (it pickles: a few strings and numbers)."""

    config: PipelineConfig
    fmt: str
    outdir: str
    width: int
    batch_size: int = 32
    why: bool = False
    new_ids: bool = False  # annotate into a spool shard first; ids and the shard after the whole corpus

    def name(self, number: int) -> str:
        return f"{SHARD_PREFIX}{number:0{self.width}d}{SUFFIXES[self.fmt]}"

    def shard(self, number: int) -> Path:
        return Path(self.outdir) / self.name(number)

    def record(self, number: int) -> Path:
        return Path(self.outdir) / f".{self.name(number)}.done"

    def spool(self, number: int) -> Path:
        """With new ids: the partition's records as JSONL, before the corpus's ids are known."""
        return Path(self.outdir) / f".{SHARD_PREFIX}{number:0{self.width}d}.spool.jsonl"

    def spool_record(self, number: int) -> Path:
        return Path(self.outdir) / f".{SHARD_PREFIX}{number:0{self.width}d}.spool.done"


@dataclass
class ShardResult:
    """What became of one partition (small: it travels to the client)."""

    number: int
    name: str
    documents: int = 0
    entities: int = 0
    words: int = 0
    size: int = 0  # bytes of the shard
    seconds: float = 0.0
    cpu_s: float = 0.0  # CPU time of the worker's process on it
    worker: str = ""
    failed: list[list[str]] = field(default_factory=list)  # [where, message] of each document that failed
    unreadable: list[str] = field(default_factory=list)  # inputs or lines that could not be read
    warnings: list[str] = field(default_factory=list)
    earlier: bool = False  # finished by an earlier run of the same command

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "earlier"}

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> ShardResult:
        return cls(**value, earlier=True)


def run_shard(partition: Partition, starts: list[int] | None, job: ShardJob,
              ) -> tuple[ShardResult, EntityTable | CorpusNames]:
    """Annotate one partition on a worker and write its shard: the task of ``annotate --dask``
    (``starts``: the first line of each byte range of the file the partition is a range of).

    Returns the shard's result and its entity table; with ``job.new_ids``, the records go to the
    partition's spool instead and the names of its unknown entities come back in place of the
    table (:func:`assign_shard` writes the shard once the corpus's ids are known)."""
    started, cpu = time.perf_counter(), time.process_time()
    outdir = Path(job.outdir)
    if not outdir.is_dir():
        raise OutputError(f"the output folder is not there on worker {worker_name()}: on a cluster of several "
                          "machines, -o must be a folder they all share, at the same path", path=job.outdir)
    result = ShardResult(partition.number, job.name(partition.number), worker=worker_name())
    table: EntityTable | CorpusNames = CorpusNames() if job.new_ids else EntityTable()
    unreadable = lambda exc: result.unreadable.append(str(exc))  # noqa: E731
    warning = lambda exc: result.warnings.append(str(exc))  # noqa: E731
    documents = read_partition(partition, starts, on_error=unreadable, on_warning=warning)
    nlp = worker_pipeline(job.config)
    number = partition.number
    target, record = (job.spool(number), job.spool_record(number)) if job.new_ids else \
        (job.shard(number), job.record(number))
    with pipeline_turn(), atomic_open(target, "w", newline="") as stream:
        writer = Writer(stream, "jsonl" if job.new_ids else job.fmt)
        for outcome in annotate_documents(nlp, documents, batch_size=job.batch_size, why=job.why):
            result.documents += 1
            document = outcome.document
            if not outcome.ok:
                result.failed.append([document.where, outcome.error or ""])
                continue
            try:
                writer.write(document, outcome.spans)
            except ValueError as exc:  # a value JSON cannot hold
                result.failed.append([document.where, f"could not be written: {exc}"])
                continue
            result.entities += len(outcome.spans)
            result.words += len(document.text.split())
            if job.new_ids:
                table.add(document_record(document, outcome.spans))
            else:
                table.add_document(document, outcome.spans)
        writer.close()
        stream.flush()
        result.size = os.fstat(stream.fileno()).st_size
        result.seconds = round(time.perf_counter() - started, 3)
        result.cpu_s = round(time.process_time() - cpu, 3)
        _write_record(record, result, table)
    return result, table


def assign_shard(job: ShardJob, number: int, identities: Mapping[Name, Identity]) -> tuple[ShardResult, EntityTable]:
    """With new ids: write shard ``number`` from its spool with the corpus's ids (a worker's task)."""
    result = finished_spool(job, number)
    if result is None:
        raise OutputError("the annotated records of this shard are gone or changed; run the same command again",
                          path=str(job.spool(number)))
    table = EntityTable()
    with atomic_open(job.shard(number), "w", newline="") as stream:
        render_spool(job.spool(number), stream, job.fmt, identities, table=table)
        stream.flush()
        result = replace(result, size=os.fstat(stream.fileno()).st_size, earlier=False)
        _write_record(job.record(number), result, table)
    return result, table


def _write_record(path: Path, result: ShardResult, table: EntityTable | CorpusNames) -> None:
    write_text(path, json.dumps(result.to_json(), ensure_ascii=False) + "\n"
               + json.dumps(table.to_json(), ensure_ascii=False) + "\n")


def shard_table(done: tuple[ShardResult, EntityTable | CorpusNames]) -> list[EntityTable | CorpusNames]:
    """A shard task's table (or, from a spool task, its names), as a bag partition (one item)."""
    return [done[1]]


def shard_result(done: tuple[ShardResult, EntityTable]) -> ShardResult:
    return done[0]


def load_table(job: ShardJob, number: int) -> list[EntityTable]:
    """A finished shard's table, read from its record (on a worker), as a bag partition."""
    with open(job.record(number), encoding="utf-8") as handle:
        handle.readline()
        return [EntityTable.from_json(json.loads(handle.readline()))]


def load_names(job: ShardJob, number: int) -> list[CorpusNames]:
    """A finished spool's names, read from its record (on a worker), as a bag partition."""
    with open(job.spool_record(number), encoding="utf-8") as handle:
        handle.readline()
        return [CorpusNames.from_json(json.loads(handle.readline()))]


def finished_result(job: ShardJob, number: int) -> ShardResult | None:
    """The result of a shard an earlier run finished, or None (missing, cut short, or changed since)."""
    return _finished(job.record(number), job.shard(number), job.name(number))


def finished_spool(job: ShardJob, number: int) -> ShardResult | None:
    """With new ids: the result of a spool an earlier task finished, or None."""
    return _finished(job.spool_record(number), job.spool(number), job.name(number))


def _finished(record: Path, written: Path, name: str) -> ShardResult | None:
    try:
        with open(record, encoding="utf-8") as handle:
            result = ShardResult.from_json(json.loads(handle.readline()))
        size = written.stat().st_size
    except (OSError, ValueError, TypeError):
        return None
    return result if result.name == name and result.size == size else None


class OutputFolder:
    """OUTDIR for one run: :meth:`open` (locked, checked against the run's signature), :meth:`close`."""

    def __init__(self, outdir: str | Path, *, signature: str, shards: int) -> None:
        self.path = Path(outdir)
        self.signature, self.shards = signature, shards
        self._lock: IO | None = None

    @property
    def manifest(self) -> Path:
        return self.path / MANIFEST

    def open(self) -> None:
        """Create OUTDIR if needed, lock it, and refuse it when it holds something else.
        Raises OutputError."""
        try:
            self.path.mkdir(exist_ok=True)
        except FileExistsError:
            raise OutputError("is a file; with --dask, -o names a folder for the shards", path=str(self.path)) from None
        except OSError as exc:
            raise OutputError(f"cannot make the output folder: {exc.strerror or exc}", path=str(self.path)) from exc
        try:
            self._lock = open(self.path / f"{MANIFEST}.lock", "a", encoding="utf-8")  # noqa: SIM115  (held until close)
            fcntl.flock(self._lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.close()
            raise OutputError("another annotate --dask is writing this folder now; wait for it to finish",
                              path=str(self.path)) from None
        except OSError as exc:
            self.close()
            raise OutputError(f"cannot write the output folder: {exc.strerror or exc}", path=str(self.path)) from exc
        try:
            self._check()
        except OutputError:
            self.close()
            raise

    def _check(self) -> None:
        try:
            earlier = json.loads(self.manifest.read_text(encoding="utf-8"))
        except FileNotFoundError:
            earlier = None
        except (OSError, ValueError) as exc:
            raise OutputError(f"cannot read the record of the earlier run: {exc}", path=str(self.manifest)) from exc
        if earlier is None:
            if any(not entry.name.startswith(".") for entry in os.scandir(self.path)):
                raise OutputError("is not empty and holds no earlier annotate --dask run; choose a new or empty "
                                  "folder for the shards", path=str(self.path))
            write_text(self.manifest, json.dumps({"version": MANIFEST_VERSION, "signature": self.signature,
                                                  "shards": self.shards}) + "\n")
        elif not isinstance(earlier, dict) or earlier.get("signature") != self.signature:
            raise OutputError("holds the shards of another run (other inputs, inputs changed since, or other "
                              "options); run the same command as before, or choose a new folder", path=str(self.path))
        self._remove_temporaries()

    def _remove_temporaries(self) -> None:
        """Temporary files of shards whose worker died while writing them (no run holds the folder now)."""
        for entry in os.scandir(self.path):
            if entry.name.startswith((f".{SHARD_PREFIX}", f"..{SHARD_PREFIX}", f".{MANIFEST}")) \
                    and entry.name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)

    def close(self) -> None:
        if self._lock is not None:
            with contextlib.suppress(OSError):
                self._lock.close()
            self._lock = None

