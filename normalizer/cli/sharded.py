"""``annotate INPUTS --dask [SCHEDULER_ADDRESS] -o OUTDIR/``: usage checks, messages and exit codes
around :class:`normalizer.dask.ShardedRun` (the work is all there).

Exit codes as for ``annotate``: 0 done; 1 some inputs, documents or shards failed (the finished
shards stay: the same command again computes only the others); 2 a usage or configuration error
(found before any shard runs: gazetteer, model, scheduler address, a folder that holds another run);
130 interrupted (the finished shards stay).
"""
from __future__ import annotations

import importlib.util
import re
import signal
import time
from pathlib import Path
from typing import Any

import click

from ..errors import NormalizerError
from .common import (
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    ConfigFailure,
    check_output,
    failure,
    problems_message,
    progress_bar,
    refuse_overwriting_inputs,
    sigterm_as_interrupt,
)

LOCAL = "local"  # --dask without an address
SHARD_FORMATS = ("jsonl", "tsv", "text")
_ADDRESS = re.compile(r"[a-z][a-z0-9+.-]*://\S+|[\w.-]+:\d+|\[[0-9a-fA-F:]+\]:\d+")


def scheduler(address: str) -> str | None:
    """The scheduler address of ``--dask ADDRESS`` (None: a local cluster); exit 2 for what is not one."""
    if address == LOCAL:
        return None
    if _ADDRESS.fullmatch(address) or (address.endswith(".json") and Path(address).is_file()):
        return address
    raise ConfigFailure(f"--dask {address}: not a scheduler address (tcp://HOST:PORT, or a scheduler file .json); "
                        "to start a local cluster put --dask after the inputs, or write --dask=local")


def check_usage(inputs: tuple[str, ...], *, output: str | None, fmt: str, jobs_given: bool, address: str | None,
                summary: str | None) -> None:
    missing = [name for name in ("dask", "distributed") if importlib.util.find_spec(name) is None]
    if missing:
        raise ConfigFailure("--dask needs the dask extra: pip install 'entity-normalizer[dask]'")
    if output is None:
        raise ConfigFailure("--dask needs -o OUTDIR/: the workers write one shard per partition there")
    if fmt not in SHARD_FORMATS:
        raise ConfigFailure(f"--dask writes {', '.join(SHARD_FORMATS)} shards; an html page is one file "
                            "(--summary FILE.html gives the entity table)")
    if "-" in inputs:
        raise ConfigFailure("--dask cannot read standard input: the workers read the inputs; give them as files")
    if jobs_given and address is not None:
        raise ConfigFailure("--jobs sizes the local cluster; with a scheduler address, its workers run the job")
    refuse_overwriting_inputs(output, inputs)
    if summary is not None:
        refuse_overwriting_inputs(summary, inputs)
        if Path(summary).resolve().parent != Path(output).resolve():  # OUTDIR itself is made when the run starts
            check_output(summary)


def partition_bytes(size: str) -> int:
    from dask.utils import parse_bytes

    try:
        value = parse_bytes(size)
    except (ValueError, TypeError):
        raise ConfigFailure(f"--partition-size {size}: not a size (1MiB, 500kB, 64MB)") from None
    if value < 1:
        raise ConfigFailure(f"--partition-size {size}: must be at least one byte")
    return value


def run_dask(inputs: tuple[str, ...], *, address: str, output: str | None, fmt: str, config: Any, jobs: int | None,
             partition_size: str, batch_size: int, why: bool, summary: str | None, quiet: bool,
             new_ids: bool = True) -> int:
    """The whole ``annotate --dask`` command; returns the exit code."""
    where = scheduler(address)
    check_usage(inputs, output=output, fmt=fmt, jobs_given=jobs is not None, address=where, summary=summary)
    size = partition_bytes(partition_size)
    from ..dask import ShardedRun

    view = _View(quiet)
    run = ShardedRun(inputs, Path(output), fmt, config, address=where, workers=jobs, partition_bytes=size,
                     batch_size=batch_size, why=why, summary=Path(summary) if summary else None, new_ids=new_ids,
                     say=view.say,
                     on_shard=view.shard_done, on_start=view.start, quiet=quiet)
    previous = signal.signal(signal.SIGTERM, sigterm_as_interrupt)
    try:
        report = run.execute()
    except KeyboardInterrupt:
        view.close()
        view.say(f"interrupted: {run.finished_shards()} of {run.report.shards} shards are finished in {output}; run "
                 "the same command again to annotate the others")
        return EXIT_INTERRUPTED
    except NormalizerError as exc:  # found before any shard ran: configuration, scheduler, output folder
        view.close()
        raise failure(exc, exit_code=EXIT_CONFIG) from exc
    finally:
        view.close()
        signal.signal(signal.SIGTERM, previous)
    return view.finish(report, output=output)


class _View:
    """Messages and the progress bar (of shards) on stderr."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.bar: Any = None
        self.started = time.monotonic()

    def say(self, message: str) -> None:
        if self.bar is not None and not self.bar.disable:
            self.bar.write(message, file=click.get_text_stream("stderr"))
        else:
            click.echo(message, err=True)

    def start(self, shards: int, earlier: int) -> None:
        self.bar = progress_bar(shards, initial=earlier, quiet=self.quiet, unit="shard")

    def shard_done(self, result: Any) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def finish(self, report: Any, *, output: str) -> int:
        if not self.quiet:
            now = report.finished - report.earlier
            self.say(f"done: {report.documents} documents in {report.finished} of {report.shards} shards in {output} "
                     f"({now} annotated by this run), {report.entities} entities in "
                     f"{time.monotonic() - self.started:.1f}s")
        if not report.documents and not report.unreadable and not report.shard_failures:
            self.say("warning: no documents in the inputs (an empty folder or file?)")
        problems = [p for p in (problems_message(unreadable=report.unreadable, failed=report.failed),) if p]
        if report.shard_failures:
            problems.insert(0, f"{len(report.shard_failures)} shard(s) were not finished: run the same command again "
                               "to retry them")
        if report.summary_error:
            problems.append("the summary was not written")
        if problems:
            self.say(f"Error: {'; '.join(problems)}")
            return EXIT_FAILED
        return 0
