"""CPU-bound work off the event loop, in threads that each own what they touch.

* :class:`Lane` — one thread for the gazetteer's work (reconcile, suggest, lookup, extend,
  previews): short calls, run one at a time, so that nothing the resolver caches is raced.
* :class:`Annotator` — one thread that owns the spaCy pipeline (a ``Language`` is not safe to
  share between threads). Requests wait in a queue; the thread takes every document waiting, up
  to a batch, and runs them through :func:`normalizer.corpus.batch.annotate_documents` together,
  so concurrent requests share ``nlp.pipe``'s batches (as the CLI's documents do) and each request
  gets its own outcomes back, in order. At most ``max_pending`` documents and ``max_pending_chars``
  characters wait (a request that finds nothing waiting is always taken); past that a request is
  refused with 503 instead of queueing without bound.

The event loop only awaits: a future per request, completed from the thread with
``loop.call_soon_threadsafe``.
"""
from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from spacy.language import Language

from ..corpus.batch import Outcome, annotate_documents
from ..corpus.inputs import Document
from .errors import ApiError

T = TypeVar("T")
log = logging.getLogger("normalizer")


class Lane:
    """A single worker thread; ``await lane.run(function, ...)`` runs there and returns its result."""

    def __init__(self, name: str) -> None:
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)

    async def run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await asyncio.wrap_future(self.executor.submit(function, *args, **kwargs), loop=loop)

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)


@dataclass
class _Job:
    documents: list[Document]
    why: bool
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future


class Annotator:
    """The pipeline's thread: batches the documents of concurrent requests (see the module docstring)."""

    def __init__(self, nlp: Language, *, batch_size: int, max_pending: int, max_pending_chars: int) -> None:
        self.nlp, self.batch_size = nlp, batch_size
        self.max_pending, self.max_pending_chars = max_pending, max_pending_chars
        self.queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self.pending = self.pending_chars = 0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    async def annotate(self, documents: list[Document], *, why: bool = False) -> list[Outcome]:
        """One Outcome per document, in order (from the pipeline's thread)."""
        if not documents:
            return []
        chars = sum(len(d.text) for d in documents)
        with self._lock:
            if self.pending and (self.pending + len(documents) > self.max_pending
                                 or self.pending_chars + chars > self.max_pending_chars):
                raise ApiError(503, f"the service is busy ({self.pending:,} documents waiting); try again shortly")
            self.pending += len(documents)
            self.pending_chars += chars
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="annotator", daemon=True)
                self._thread.start()
        loop = asyncio.get_running_loop()
        job = _Job(documents, why, loop, loop.create_future())
        self.queue.put(job)
        return await job.future

    def close(self) -> None:
        self.queue.put(None)

    def _work(self) -> None:
        carried: _Job | None = None
        stop = False
        while not stop:
            job = carried or self.queue.get()
            carried = None
            if job is None:
                return
            jobs, size = [job], len(job.documents)
            while size < self.batch_size:
                try:
                    more = self.queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                if more.why != job.why:
                    carried = more  # the next batch starts with it
                    break
                jobs.append(more)
                size += len(more.documents)
            self._run(jobs)

    def _run(self, jobs: list[_Job]) -> None:
        documents = [d for job in jobs for d in job.documents]
        try:
            outcomes = list(annotate_documents(self.nlp, documents, batch_size=self.batch_size, why=jobs[0].why))
        except Exception as exc:  # noqa: BLE001  (annotate_documents isolates documents; this is a last guard)
            log.exception("annotation failed")
            outcomes = [Outcome(d, error=f"could not be annotated: {type(exc).__name__}") for d in documents]
        with self._lock:  # before the answers: a client that sends again at once finds room
            self.pending -= len(documents)
            self.pending_chars -= sum(len(d.text) for d in documents)
        start = 0
        for job in jobs:
            mine = outcomes[start:start + len(job.documents)]
            start += len(job.documents)
            job.loop.call_soon_threadsafe(_settle, job.future, mine)


def _settle(future: asyncio.Future, outcomes: list[Outcome]) -> None:
    if not future.done():  # the client may have gone (the request's task cancelled)
        future.set_result(outcomes)
