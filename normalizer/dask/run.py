"""``annotate --dask``: the client's side of a sharded run.

In this order, so that a mistake costs nothing:

1. the pipeline configuration is checked on the client (:meth:`PipelineConfig.check`: gazetteer,
   model, world index): a gazetteer error stops the run before a cluster starts or a partition runs;
2. the inputs are planned into partitions (:mod:`normalizer.dask.plan`) and OUTDIR is opened and
   checked (:class:`~normalizer.dask.shards.OutputFolder`); finished shards are skipped;
3. the cluster: a ``distributed.LocalCluster`` on 127.0.0.1 (one single-threaded worker process per
   core), or the scheduler at the address given; a :class:`~normalizer.dask.worker.PipelinePlugin`
   loads the pipeline on every worker, and a worker that cannot load is reported before any shard;
4. one task per unfinished partition (:func:`~normalizer.dask.shards.run_shard`) writes its shard
   and returns its counts and failures, shown as the shards finish; a worker that dies is replaced
   and its shard computed again by the scheduler (``distributed.scheduler.allowed-failures`` times);
   (with new ids, the default, each task writes its partition's spool and returns the names of
   its unknown entities; the names are merged on the cluster, clustered here, and one task per
   shard writes it from its spool with the ids: :mod:`normalizer.dask.shards`);
5. with a summary, the shards' entity tables are merged on the cluster in document order
   (``dask.bag.Bag.reduction``, a tree of merges) and only the merged table comes to the client.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..corpus.identities import CorpusNames
from ..corpus.summary import EntityTable, write_summary
from ..errors import NormalizerError, OutputError
from ..pipeline.load import PipelineConfig
from .plan import DEFAULT_PARTITION_BYTES, Plan, plan_inputs
from .read import count_lines, line_starts
from .shards import (
    OutputFolder,
    ShardJob,
    ShardResult,
    assign_shard,
    finished_result,
    finished_spool,
    load_names,
    load_table,
    run_shard,
    shard_result,
    shard_table,
)
from .worker import PipelinePlugin, StartUp, WorkerSetupError, start_ups

SIGNATURE_VERSION = 1
SPLIT_EVERY = 16  # tables merged per reduction task
CONNECT_TIMEOUT = "20s"
# For the local cluster's workers, which keep a core busy in Python for the whole run: without the
# statistical profiler (it samples the annotating thread's deep stack 100 times a second), and without
# the nanny's MALLOC_TRIM_THRESHOLD_=65536 (glibc then hands memory back to the system after nearly
# every document and asks for it again: about 10% of the annotation's time on this machine).
WORKER_SETTINGS = {"distributed.worker.profile.enabled": False,
                   "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}
FIRST_WORKER_WAIT_S = 10.0
log = logging.getLogger("normalizer")


class ClusterError(NormalizerError):
    """The Dask scheduler cannot be reached, or its workers cannot run the job."""


@dataclass
class RunReport:
    """What a sharded run did."""

    shards: int = 0
    earlier: int = 0  # shards an earlier run finished
    documents: int = 0
    entities: int = 0
    words: int = 0
    unreadable: int = 0
    failed: int = 0  # documents that could not be annotated or written
    shard_failures: list[tuple[str, str]] = field(default_factory=list)
    start_ups: list[StartUp] = field(default_factory=list)
    workers: int = 0
    summary_written: bool = False
    summary_error: str | None = None
    ready_s: float = 0.0  # from the start until the workers had loaded the pipeline
    compute_s: float = 0.0  # from the first task submitted until the last result (and the summary) came back
    results: list[ShardResult] = field(default_factory=list)

    @property
    def finished(self) -> int:
        return len(self.results)


@dataclass
class ShardedRun:
    """One ``annotate --dask`` run; :meth:`execute` returns its :class:`RunReport`."""

    inputs: tuple[str, ...]
    outdir: Path
    fmt: str
    config: PipelineConfig
    address: str | None = None  # None: a LocalCluster on this machine
    workers: int | None = None  # LocalCluster size (None: one per core)
    partition_bytes: int = DEFAULT_PARTITION_BYTES
    batch_size: int = 32
    why: bool = False
    summary: Path | None = None
    new_ids: bool = True  # corpus-wide provisional ids (normalizer.corpus.identities): shards after all are read
    say: Callable[[str], None] = log.info
    on_shard: Callable[[ShardResult], None] | None = None  # progress, after each shard
    on_start: Callable[[int, int], None] | None = None  # (shards, finished earlier), before the first task
    quiet: bool = False
    report: RunReport = field(default_factory=RunReport)
    _started: float = field(default=0.0, init=False, repr=False)
    _job: ShardJob | None = field(default=None, init=False, repr=False)

    def execute(self) -> RunReport:
        self._started = time.perf_counter()
        self.config.check()  # gazetteer, model and world index: errors raise here, before any cluster
        plan = plan_inputs(self.inputs, partition_bytes=self.partition_bytes,
                           skip=[p for p in (self.outdir, self.summary) if p is not None])
        for problem in plan.problems:
            self.report.unreadable += 1
            self.say(f"error: {problem}")
        job = ShardJob(self.config, self.fmt, str(self.outdir.resolve()), width=max(5, len(str(len(plan.partitions)))),
                       batch_size=self.batch_size, why=self.why, new_ids=self.new_ids)
        self._job = job
        folder = OutputFolder(self.outdir, signature=self.signature(plan), shards=len(plan.partitions))
        folder.open()
        try:
            return self._run(plan, job)
        finally:
            folder.close()

    def finished_shards(self) -> int:
        """How many of the run's shards are finished in OUTDIR now (also after an interruption)."""
        if self._job is None:
            return 0
        return sum(finished_result(self._job, number) is not None for number in range(self.report.shards))

    def signature(self, plan: Plan) -> str:
        """What makes two runs the same run: inputs, their files' sizes and times, format, options."""
        from ..gazetteer.load import yaml_files

        gazetteer = [f for g in self.config.gazetteers if Path(g).exists() for f in yaml_files(Path(g))]
        described = {
            "version": SIGNATURE_VERSION, "inputs": list(self.inputs), "format": self.fmt, "why": self.why,
            "new_ids": self.new_ids,
            "files": [[f.name, f.size, f.mtime] for f in plan.files], "partition_bytes": self.partition_bytes,
            "options": self.config.__dict__,
            "gazetteer": [[str(f.resolve()), f.stat().st_size, f.stat().st_mtime_ns] for f in gazetteer],
        }
        return hashlib.sha256(json.dumps(described, sort_keys=True, default=str).encode()).hexdigest()

    def _run(self, plan: Plan, job: ShardJob) -> RunReport:
        report = self.report
        report.shards = len(plan.partitions)
        todo = []
        for partition in plan.partitions:
            earlier = finished_result(job, partition.number)
            if earlier is None:
                todo.append(partition)
                earlier = finished_spool(job, partition.number) if job.new_ids else None
            if earlier is not None:
                self._finished(earlier)
        report.earlier = report.finished  # annotated by an earlier run (with new ids: spooled, perhaps not shards yet)
        if report.earlier and not self.quiet:
            rewrite = len(todo) - (report.shards - report.earlier)  # annotated, but their shard is missing
            again = f", and writing {rewrite} again from their annotated records" if rewrite else ""
            self.say(f"resuming: {report.earlier} of {report.shards} shards were done; annotating the other "
                     f"{report.shards - report.earlier}{again}")
        if self.on_start is not None:
            self.on_start(report.shards, report.earlier)
        if not todo and self.summary is None:
            return report
        with _connect(self.address, self.workers, say=self.say, quiet=self.quiet) as client:
            report.workers = len(client.nthreads())
            self._prepare_workers(client, job)
            report.ready_s = time.perf_counter() - self._started
            self._compute(client, plan, job, todo)
            report.compute_s = time.perf_counter() - self._started - report.ready_s
        return report

    def _prepare_workers(self, client: Any, job: ShardJob) -> None:
        try:
            client.register_plugin(PipelinePlugin(self.config))
        except Exception as exc:  # noqa: BLE001  (whatever a worker raised: one message)
            raise WorkerSetupError(f"the workers could not load the pipeline: {type(exc).__name__}: {exc}") from None
        started = [s for s in client.run(start_ups).values() if s is not None]
        self.report.start_ups = started
        for start in started:
            if start.error:
                raise WorkerSetupError(f"worker {start.worker} could not load the pipeline: {start.error}")
        unseen = [w for w, seen in client.run(os.path.isdir, job.outdir).items() if not seen]
        if unseen:
            raise OutputError(f"the workers at {', '.join(unseen)} cannot see the output folder: on a cluster of "
                              "several machines, -o must be a folder they all share, at the same path",
                              path=job.outdir)
        if started and not self.quiet:
            slowest = max(started, key=lambda s: s.index_s + s.pipeline_s)
            self.say(f"dask: {len(started)} worker(s) ready: pipeline loaded in {slowest.pipeline_s:.1f}s, world "
                     f"index opened in {slowest.index_s:.1f}s, {max(s.peak_mb for s in started):.0f} MB per worker")

    def _compute(self, client: Any, plan: Plan, job: ShardJob, todo: list) -> None:
        run = uuid.uuid4().hex[:8]
        annotate = [p for p in todo if not job.new_ids or finished_spool(job, p.number) is None]
        shards = self._annotate(client, plan, job, annotate, run)
        if job.new_ids:
            shards = self._assign(client, plan, job, shards, todo, run)
        total = self._reduction(client, job, plan, shards, run) if self.summary is not None else None
        del shards  # the tables stay on the cluster only as long as the reduction needs them
        if total is not None:
            self._write_summary(total)

    def _annotate(self, client: Any, plan: Plan, job: ShardJob, todo: list, run: str) -> dict[int, Any]:
        """One task per partition of ``todo``; the results shown as they come. Returns the tasks."""
        from distributed import as_completed

        starts: dict[str, Any] = {}
        for partition in todo:
            for piece in partition.ranges:
                if piece.name not in starts:
                    counts = [client.submit(count_lines, p, key=f"count-{p.name}-{p.block}-{run}")
                              for p in plan.ranges_of(piece.name)]
                    starts[piece.name] = client.submit(line_starts, *counts, key=f"starts-{piece.name}-{run}")
        shards = {p.number: client.submit(run_shard, p, next((starts[r.name] for r in p.ranges), None), job,
                                          key=f"{job.name(p.number)}-{run}", pure=False) for p in todo}
        results = {client.submit(shard_result, f, key=f"result-{job.name(n)}-{run}"): n for n, f in shards.items()}
        for future in as_completed(list(results)):
            number = results.pop(future)
            if future.status == "error":
                self._shard_failed(job.name(number), future.exception())
            else:
                self._finished(future.result())
            future.release()
        return shards

    def _assign(self, client: Any, plan: Plan, job: ShardJob, annotated: dict[int, Any], todo: list,
                run: str) -> dict[int, Any]:
        """With new ids: the names of every partition merged on the cluster, clustered here (memory:
        distinct names), then one task per unfinished shard writes it with the ids."""
        import dask.bag as db
        from distributed import wait

        if self.report.shard_failures or not todo:
            if self.report.shard_failures:
                self.say(f"error: the shards were not written: {len(self.report.shard_failures)} partition(s) "
                         "failed, and the ids of unknown entities need all of them; run the same command again")
            return {}
        parts = [client.submit(shard_table, annotated[p.number], key=f"names-{job.name(p.number)}-{run}")
                 if p.number in annotated else
                 client.submit(load_names, job, p.number, key=f"names-{job.name(p.number)}-{run}")
                 for p in plan.partitions]
        names = db.from_delayed(parts).reduction(CorpusNames.combine, CorpusNames.combine, split_every=SPLIT_EVERY)
        # one object on every worker (a dict given to scatter itself would be scattered key by key)
        [identities] = client.scatter([client.compute(names).result().identities()], broadcast=True)
        shards = {p.number: client.submit(assign_shard, job, p.number, identities,
                                          key=f"assign-{job.name(p.number)}-{run}", pure=False) for p in todo}
        wait(list(shards.values()))
        for number, future in shards.items():
            if future.status == "error":
                self._shard_failed(job.name(number), future.exception())
        return {n: f for n, f in shards.items() if f.status != "error"}

    def _reduction(self, client: Any, job: ShardJob, plan: Plan, shards: dict[int, Any], run: str) -> Any:
        import dask.bag as db

        parts = [client.submit(shard_table, shards[p.number], key=f"table-{job.name(p.number)}-{run}")
                 if p.number in shards else
                 client.submit(load_table, job, p.number, key=f"table-{job.name(p.number)}-{run}")
                 for p in plan.partitions]
        tables = db.from_delayed(parts) if parts else db.from_sequence([], npartitions=1)
        merged = tables.reduction(EntityTable.combine, EntityTable.combine, split_every=SPLIT_EVERY)
        return client.compute(merged)

    def _write_summary(self, total: Any) -> None:
        if self.report.shard_failures:
            total.cancel()
            self.say(f"error: the summary was not written: {len(self.report.shard_failures)} shard(s) failed; "
                     "run the same command again to finish them")
            return
        table = total.result()
        try:
            write_summary(self.summary, table)
        except OSError as exc:
            self.report.summary_error = f"cannot write the summary {self.summary}: {exc.strerror or exc}"
            self.say(f"error: {self.report.summary_error}")
            return
        self.report.summary_written = True

    def _finished(self, result: ShardResult) -> None:
        report = self.report
        report.results.append(result)
        report.documents += result.documents
        report.entities += result.entities
        report.words += result.words
        report.unreadable += len(result.unreadable)
        report.failed += len(result.failed)
        for message in result.unreadable:
            self.say(f"error: {message}")
        for where, message in result.failed:
            self.say(f"error: {where}: {message}")
        if not self.quiet:
            for message in result.warnings:
                self.say(f"warning: {message}")
        if self.on_shard is not None and not result.earlier:
            self.on_shard(result)

    def _shard_failed(self, name: str, exc: BaseException | None) -> None:
        from distributed import KilledWorker

        if isinstance(exc, KilledWorker):
            reason = ("the workers running it died each time (killed, or out of memory: try a smaller "
                      "--partition-size or more memory per worker)")
        elif isinstance(exc, NormalizerError):
            reason = str(exc)
        else:
            reason = f"{type(exc).__name__}: {exc}"
        self.report.shard_failures.append((name, reason))
        self.say(f"error: {name} was not written: {reason}; run the same command again to retry it")


class _connect:
    """A client of the scheduler at ``address``, or of a new LocalCluster on 127.0.0.1 (closed after)."""

    def __init__(self, address: str | None, workers: int | None, *, say: Callable[[str], None], quiet: bool) -> None:
        self.address, self.workers, self.say, self.quiet = address, workers, say, quiet
        self.cluster: Any = None
        self.client: Any = None

    def __enter__(self) -> Any:
        from distributed import Client

        if self.address is None:
            try:
                self.cluster = local_cluster(self.workers)
            except Exception as exc:  # noqa: BLE001  (no port, no room for the processes: one message)
                raise ClusterError(f"cannot start a local Dask cluster: {type(exc).__name__}: {exc}") from None
            self.client = Client(self.cluster)
            where = f"a local cluster of {len(self.cluster.workers)} worker(s)"
        else:
            try:
                if self.address.endswith(".json"):  # a scheduler file (dask scheduler --scheduler-file, dask-mpi)
                    self.client = Client(scheduler_file=self.address, timeout=CONNECT_TIMEOUT)
                else:
                    self.client = Client(self.address, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError, ValueError) as exc:
                raise ClusterError(f"cannot connect to the Dask scheduler at {self.address}: {exc}") from None
            where = f"the scheduler at {self.address}"
            self._wait_for_a_worker()
        if not self.quiet:
            self.say(f"dask: running on {where}{_dashboard(self.client)}")
        return self.client

    def _wait_for_a_worker(self) -> None:
        try:
            self.client.wait_for_workers(1, timeout=FIRST_WORKER_WAIT_S)
        except TimeoutError:
            self.say(f"dask: waiting for a worker to join the scheduler at {self.address} (Ctrl-C to stop)")
            self.client.wait_for_workers(1)

    def __exit__(self, *exc_info: object) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def local_cluster(workers: int | None = None) -> Any:
    """A LocalCluster on 127.0.0.1: ``workers`` single-threaded worker processes (one per core by
    default), memory split evenly between them."""
    import dask
    from distributed import LocalCluster

    if workers is None:
        try:
            workers = len(os.sched_getaffinity(0))
        except AttributeError:
            workers = os.cpu_count() or 1
    with dask.config.set(WORKER_SETTINGS):
        return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                            dashboard_address="127.0.0.1:0", silence_logs=logging.CRITICAL)


def _dashboard(client: Any) -> str:
    import importlib.util

    if importlib.util.find_spec("bokeh") is None:
        return ""
    link = getattr(client, "dashboard_link", None)
    return f" (dashboard: {link})" if link else ""
