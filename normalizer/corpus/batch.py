"""The one path every document takes: prepared, annotated (in pieces when long), made into records.

``annotate_documents`` is the backend-neutral core: it takes an iterable of :class:`Document` and
a loaded pipeline and yields one :class:`Outcome` per document, in input order: its span records,
or the reason it failed. Nothing a single document does stops the others:

* its text is prepared (:mod:`normalizer.text.prepare`): format characters out, pieces cut when it is
  longer than the model's ``max_length``; span offsets are mapped back to the original text;
* documents go through ``nlp.pipe`` in batches; when a batch fails, its documents are run one
  by one, so only the document that fails is reported.

``annotate_parallel`` runs the same core in ``jobs`` worker processes (``spawn``: each loads the
pipeline from a :class:`PipelineConfig` once and opens its own SQLite connection; nothing is
inherited across ``fork``). Results come back in input order, so the output is the same bytes as
a serial run. A worker that dies (killed, out of memory) costs nothing but time: its documents
are run again one at a time in a new pool, and only one that kills a worker again fails.
"""
from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import cache, lru_cache, partial
from itertools import islice
from typing import Any, TypeVar

from spacy.language import Language
from spacy.tokens import Doc

from ..errors import AnnotationError, NormalizerError
from ..pipeline.conventions import check_conventions
from ..pipeline.load import PipelineConfig, load
from ..pipeline.records import doc_records
from ..text.prepare import Prepared, piece_bounds, visible
from .inputs import Document

T = TypeVar("T")
log = logging.getLogger("normalizer")
DEFAULT_BATCH_SIZE = 32
TASK_DOCUMENTS = 8  # documents per worker task
TASKS_PER_WORKER = 6  # tasks in flight per worker process
PARENT_CHECK_SECONDS = 1.0
PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>
_MESSAGE_CHARS = 300


@dataclass
class Outcome:
    """What became of one document: its span records, or why it has none."""

    document: Document
    spans: list[dict[str, Any]] | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class _Piece:
    number: int  # the document's position in the run
    document: Document
    prepared: Prepared
    offset: int
    text: str
    last: bool


@dataclass
class _Failure:
    message: str


@dataclass
class _Pending:
    document: Document
    prepared: Prepared
    parts: list[tuple[int, Any]] = field(default_factory=list)
    error: str | None = None


def pipe_documents(
    nlp: Language, documents: Iterable[Document], *, convert: Callable[[Doc], T],
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Iterator[tuple[Document, Prepared, list[tuple[int, T]] | None, str | None]]:
    """Per document, in order: ``(document, prepared, [(piece offset, convert(doc)), ...], None)``,
    or ``(document, prepared, None, message)`` when it could not be annotated.

    ``convert`` runs on each piece's Doc as soon as it is made, so no Doc outlives its batch.
    """
    pieces = _pieces(documents, max_length=nlp.max_length)
    current: _Pending | None = None
    while batch := list(islice(pieces, batch_size)):
        for piece, result in zip(batch, _run_batch(nlp, [p.text for p in batch], convert, batch_size)):
            if current is None or current.document is not piece.document:
                current = _Pending(piece.document, piece.prepared)
            if isinstance(result, _Failure):
                current.error = current.error or result.message
            else:
                current.parts.append((piece.offset, result))
            if piece.last:
                yield (current.document, current.prepared, None if current.error else current.parts, current.error)
                current = None


def annotate_documents(
    nlp: Language, documents: Iterable[Document], *, batch_size: int = DEFAULT_BATCH_SIZE, why: bool = False,
) -> Iterator[Outcome]:
    """One Outcome per document, in input order (see the module docstring); with ``why``, each span
    record also says which rules made or changed it."""
    convert = partial(doc_records, why=why)
    for document, prepared, parts, error in pipe_documents(nlp, documents, convert=convert,
                                                           batch_size=batch_size):
        if parts is None:
            yield Outcome(document, error=error)
        else:
            yield Outcome(document, spans=original_records(prepared, parts))


def original_records(prepared: Prepared, parts: list[tuple[int, list[dict[str, Any]]]]) -> list[dict[str, Any]]:
    """The pieces' span records with offsets and text of the original document."""
    out = []
    for offset, records in parts:
        for record in records:
            start, end = prepared.start(record["start"] + offset), prepared.end(record["end"] + offset)
            if (start, end) != (record["start"], record["end"]):
                record = {**record, "start": start, "end": end, "text": prepared.original[start:end]}
            out.append(record)
    return out


def _pieces(documents: Iterable[Document], *, max_length: int) -> Iterator[_Piece]:
    for number, document in enumerate(documents):
        prepared = visible(document.text)
        bounds = piece_bounds(prepared.text, max_length=max_length)
        for i, (start, end) in enumerate(bounds):
            yield _Piece(number, document, prepared, start, prepared.text[start:end], i == len(bounds) - 1)


def _run_batch(nlp: Language, texts: list[str], convert: Callable[[Doc], T], batch_size: int) -> list[T | _Failure]:
    try:
        return [convert(doc) for doc in nlp.pipe(texts, batch_size=batch_size)]
    except Exception:  # noqa: BLE001  (one bad text must not stop the batch: run them one by one)
        out: list[T | _Failure] = []
        for text in texts:
            try:
                out.append(convert(nlp(text)))
            except Exception as exc:  # noqa: BLE001
                out.append(_Failure(failure_message(exc)))
        return out


def failure_message(exc: BaseException) -> str:
    """What to tell the user about a document the pipeline failed on."""
    if isinstance(exc, MemoryError):
        return "could not be annotated: out of memory (try fewer --jobs or a smaller --batch-size)"
    detail = " ".join(str(exc).split())[:_MESSAGE_CHARS]
    return (f"could not be annotated: {type(exc).__name__}: {detail} "
            "(the other documents are not affected; please report this with the document)")


# -- library calls ------------------------------------------------------------------------------

@lru_cache(maxsize=4)
def _default_pipeline(model: str | None, gazetteer: tuple[str, ...], conventions: str = "normalizer") -> Language:
    return load(model, gazetteer, conventions=conventions)


def annotate(
    text: str, *, model: str | None = None, gazetteer: Iterable[str] = (), nlp: Language | None = None,
    conventions: str = "normalizer",
) -> list[dict[str, Any]]:
    """Entities of one text as plain records (the pipeline is loaded once and cached).

    ``conventions`` picks the cached pipeline; with ``nlp`` given, that pipeline's own setting holds.
    Raises ``AnnotationError`` when the pipeline fails on the text.
    """
    [spans] = annotate_many([text], model=model, gazetteer=gazetteer, nlp=nlp, conventions=conventions)
    return spans


def annotate_many(
    texts: Iterable[str], *, model: str | None = None, gazetteer: Iterable[str] = (),
    nlp: Language | None = None, batch_size: int = DEFAULT_BATCH_SIZE, conventions: str = "normalizer",
) -> Iterator[list[dict[str, Any]]]:
    """Entities of many texts, in order, processed in batches (``conventions`` as in :func:`annotate`).

    Raises ``AnnotationError`` (naming the text's position) for a text the pipeline fails on; use
    :func:`annotate_documents` to get the others' results anyway.
    """
    nlp = nlp or _default_pipeline(model, tuple(str(g) for g in gazetteer), check_conventions(conventions))
    documents = (Document(id=str(number), text=text) for number, text in enumerate(texts))
    for outcome in annotate_documents(nlp, documents, batch_size=batch_size):
        if outcome.error:
            raise AnnotationError(f"text {outcome.document.id}: {outcome.error}")
        yield outcome.spans


# -- worker processes ---------------------------------------------------------------------------

def annotate_parallel(
    documents: Iterable[Document], *, config: PipelineConfig, jobs: int, batch_size: int = DEFAULT_BATCH_SIZE,
    why: bool = False,
) -> Iterator[Outcome]:
    """``annotate_documents`` in ``jobs`` worker processes; Outcomes in input order.

    Documents go to the workers in chunks of ``TASK_DOCUMENTS`` (small, so that no worker waits
    long for another at the end), and at most ``TASKS_PER_WORKER * jobs`` chunks are in flight:
    memory stays flat however long the input, and a slow chunk does not leave a worker idle.
    """
    run = _Parallel(_Job(config, batch_size, why), jobs)
    try:
        yield from run.outcomes(_chunks(documents, min(batch_size, TASK_DOCUMENTS)))
    finally:
        run.pool.close()


@dataclass(frozen=True)
class _Job:
    """What a worker needs besides the documents (it pickles)."""

    config: PipelineConfig
    batch_size: int
    why: bool


class _Parallel:
    def __init__(self, job: _Job, jobs: int) -> None:
        self.job, self.jobs = job, jobs
        self.pool = _Pool(jobs)
        self.window: deque[tuple[list[Document], Future]] = deque()

    def outcomes(self, chunks: Iterable[list[Document]]) -> Iterator[Outcome]:
        for chunk in chunks:
            try:
                future = self.pool.submit(_annotate_chunk, self.job, chunk)
            except BrokenProcessPool:  # a worker died since the last results came in
                yield from self._one_by_one([*(c for c, _ in self.window), chunk])
                continue
            self.window.append((chunk, future))
            while len(self.window) >= TASKS_PER_WORKER * self.jobs:
                yield from self._collect()
        while self.window:
            yield from self._collect()

    def _collect(self) -> Iterator[Outcome]:
        chunk, future = self.window.popleft()
        try:
            results = future.result()
        except BrokenProcessPool:
            yield from self._one_by_one([chunk, *(c for c, _ in self.window)])
            return
        for document, (spans, error) in zip(chunk, results):
            yield Outcome(document, spans=spans, error=error)

    def _one_by_one(self, chunks: list[list[Document]]) -> Iterator[Outcome]:
        """After a worker died: each document alone in a fresh pool; one that kills a worker again fails."""
        log.info("a worker process died; running its documents again one at a time")
        self.window.clear()
        self.pool.restart()
        for chunk in chunks:
            for document in chunk:
                try:
                    [(spans, error)] = self.pool.submit(_annotate_chunk, self.job, [document]).result()
                except BrokenProcessPool:
                    self.pool.restart()
                    spans, error = None, ("could not be annotated: the worker process died on it "
                                          "(killed, or out of memory); the other documents are not affected")
                yield Outcome(document, spans=spans, error=error)


def _chunks(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    iterator = iter(documents)
    while chunk := list(islice(iterator, size)):
        yield chunk


class _Pool:
    """A ProcessPoolExecutor of spawned workers that can be replaced after a worker died."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.executor = self._new()

    def _new(self) -> ProcessPoolExecutor:
        import multiprocessing

        return ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_worker_started, initargs=(os.getpid(),))

    def submit(self, *args: Any) -> Future:
        return self.executor.submit(*args)

    def restart(self) -> None:
        self.close()
        self.executor = self._new()

    def close(self) -> None:
        """Stop at once: cancel what has not started, end the workers (after Ctrl-C, too)."""
        self.executor.shutdown(wait=False, cancel_futures=True)
        for process in list((getattr(self.executor, "_processes", None) or {}).values()):
            if process.is_alive():
                process.terminate()
        for process in list((getattr(self.executor, "_processes", None) or {}).values()):
            process.join(timeout=5)


def _worker_started(parent: int) -> None:
    """Ctrl-C is the parent's to handle: a worker stops when the parent ends it, or when the parent
    is gone (``kill -9``, out of memory). On Linux the kernel sends the worker SIGKILL then
    (``PR_SET_PDEATHSIG``), which works even while the worker's main thread holds the GIL; a thread
    that checks the parent every ``PARENT_CHECK_SECONDS`` covers the other systems."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    if os.getppid() != parent:  # the parent went while this worker was starting
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no prctl here: the watching thread is enough
        pass


@cache
def cached_pipeline(config: PipelineConfig) -> Language:
    """The pipeline of ``config``, loaded once per process: what every worker (``--jobs``, Dask) annotates with."""
    return config.load()


class WorkerError(NormalizerError):
    """A worker process could not load the pipeline (the parent loads it first, so this is rare)."""


def _annotate_chunk(job: _Job, documents: list[Document]) -> list[tuple[list[dict[str, Any]] | None, str | None]]:
    try:
        nlp = cached_pipeline(job.config)
    except Exception as exc:  # noqa: BLE001  (sent back as a plain message: some errors do not pickle)
        raise WorkerError(f"a worker process could not load the pipeline: {exc}") from None
    outcomes = annotate_documents(nlp, documents, batch_size=job.batch_size, why=job.why)
    return [(o.spans, o.error) for o in outcomes]
