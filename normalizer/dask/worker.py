"""The pipeline on a Dask worker: loaded once per process, the world index opened once per machine.

Nothing but a :class:`~normalizer.pipeline.load.PipelineConfig` (a few strings and numbers) is
shipped to a worker; the worker loads the pipeline from it the first time a task needs it
(:func:`normalizer.corpus.batch.cached_pipeline`, the cache ``--jobs`` workers use), and keeps it for
every later task. The ``Language`` is never pickled.

The world layer's index is a file in the machine's cache folder (``~/.cache/entity-normalizer``):
the first worker of a machine to need it builds it while holding a lock beside it, so the other
workers of that machine wait and open the finished file instead of building their own (the cache
code is safe without the lock, too: each concurrent build writes its own temporary file and the
first good one published is kept, but each costs a build's time and memory).

Threads of one worker process share the pipeline and take turns on it (a lock): spaCy holds the
GIL, so run workers with one thread each (``--nthreads 1``) and one process per core.

:class:`PipelinePlugin` loads the pipeline when a worker starts (also on workers that join later or
are restarted after a crash) and keeps what that cost, for the client to show.
"""
from __future__ import annotations

import contextlib
import os
import resource
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from distributed import WorkerPlugin
from spacy.language import Language

from ..atomic import file_lock
from ..corpus.batch import cached_pipeline
from ..errors import NormalizerError
from ..pipeline.load import PipelineConfig

PLUGIN_NAME = "entity-normalizer-pipeline"
_LOCK = threading.Lock()  # one document batch at a time through this process's pipeline


class WorkerSetupError(NormalizerError):
    """A worker could not load the pipeline (a gazetteer or model missing on that machine)."""


@dataclass(frozen=True)
class StartUp:
    """What a worker's start cost: seconds to open (or build) the world index, to load the pipeline,
    and the process's peak memory after it."""

    worker: str  # host:pid
    index_s: float
    pipeline_s: float
    peak_mb: float
    error: str | None = None


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def worker_pipeline(config: PipelineConfig) -> Language:
    """The pipeline of ``config`` in this process, loaded on first use (the world index opened once
    per machine). Raises WorkerSetupError with the reason when it cannot load."""
    try:
        open_world_index(config)
        return cached_pipeline(config)
    except NormalizerError as exc:
        raise WorkerSetupError(f"worker {worker_name()} could not load the pipeline: {exc}") from None
    except Exception as exc:  # noqa: BLE001  (sent to the client as a message: some errors do not pickle)
        raise WorkerSetupError(f"worker {worker_name()} could not load the pipeline: "
                               f"{type(exc).__name__}: {exc}") from None


def open_world_index(config: PipelineConfig) -> None:
    """Open the world layer's index now (building it, once per machine, when it is missing)."""
    if not config.world:
        return
    from ..world.index import default_cache_dir, default_index

    if config.world_index_path is not None:  # an imported index: opened as it is, never built
        default_index(index_path=config.world_index_path)
        return
    with _machine_lock(default_cache_dir()):
        default_index(index_path=None)  # called as the world layer calls it: the same cached index


@contextlib.contextmanager
def _machine_lock(cache_dir: Path) -> Iterator[None]:
    """An exclusive lock in the cache folder, or none where the folder cannot be written (the index
    is then built in a temporary folder per process anyway)."""
    with contextlib.ExitStack() as stack:
        with contextlib.suppress(OSError):
            stack.enter_context(file_lock(cache_dir / "world-index"))
        yield


@contextlib.contextmanager
def pipeline_turn() -> Iterator[None]:
    """Hold this process's pipeline while annotating (threads of one worker take turns)."""
    with _LOCK:
        yield


def start_up(config: PipelineConfig) -> StartUp:
    """Open the index and load the pipeline now, timing each (a second call costs nothing)."""
    started = time.perf_counter()
    try:
        open_world_index(config)
        opened = time.perf_counter()
        worker_pipeline(config)
    except (NormalizerError, OSError) as exc:
        return StartUp(worker_name(), 0.0, 0.0, _peak_mb(), error=str(exc))
    loaded = time.perf_counter()
    return StartUp(worker_name(), opened - started, loaded - opened, _peak_mb())


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


class PipelinePlugin(WorkerPlugin):
    """A ``distributed`` worker plugin: each worker loads the pipeline when it starts.

    ``client.register_plugin(PipelinePlugin(config))``; then ``client.run(start_ups)`` gives each
    worker's :class:`StartUp`. A worker that cannot load keeps the error there (the tasks it runs
    fail with it), so the client can report it as one message.
    """

    name = PLUGIN_NAME

    def __init__(self, config: PipelineConfig) -> None:
        self.config = config
        self.start: StartUp | None = None

    async def setup(self, worker: Any) -> None:
        import asyncio

        # loading takes seconds: off the worker's event loop, which must keep answering the scheduler
        self.start = await asyncio.get_running_loop().run_in_executor(None, start_up, self.config)


def start_ups(dask_worker: Any) -> StartUp | None:
    """This worker's start-up (for ``client.run``)."""
    plugin = dask_worker.plugins.get(PLUGIN_NAME)
    return getattr(plugin, "start", None)
