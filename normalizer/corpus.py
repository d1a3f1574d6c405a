"""``annotate`` over a corpus: inputs -> documents -> outcomes -> output, and what to tell the user.

The order of work is what keeps a run from losing anything:

1. usage is checked (``--resume`` needs ``-o``; ``-o`` may not be an input);
2. the output is opened (``OUT.partial`` and its journal, see :mod:`normalizer.output`), so a
   missing or unwritable folder is refused before the model loads;
3. the pipeline loads; a configuration error (gazetteer, model) exits 2 and leaves no output;
4. documents stream through :func:`normalizer.batch.annotate_documents` (or its worker-process
   form): every document yields its records, or one message naming it on stderr;
5. the partial file is renamed over ``OUT``. After Ctrl-C (or SIGTERM) the finished records stay
   in ``OUT.partial`` for ``--resume`` (exit 130); after a write failure (a full disk) too (exit 1).
"""
from __future__ import annotations

import io
import signal
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import IO, Any

import click

from .cli_common import (
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    ConfigFailure,
    failure,
    load_pipeline,
    problems_message,
    progress_bar,
)
from .errors import InputError, OutputError
from .gazetteer import yaml_files
from .inputs import STDIN, Document, count_documents, read_documents
from .output import Progress, RunOutput, journal_path, partial_path, run_signature

STREAMING_FORMATS = ("jsonl", "tsv", "text")  # written document by document, so a run can resume


class AnnotateRun:
    """One ``annotate`` command: :meth:`execute` does the work and returns the exit code."""

    def __init__(
        self, inputs: tuple[str, ...], *, output: str | None, fmt: str, resume: bool, config: Any, jobs: int,
        batch_size: int, quiet: bool, stdin: IO | None = None,
    ) -> None:
        self.inputs, self.fmt, self.resume, self.config = inputs, fmt, resume, config
        self.output = Path(output) if output else None
        self.jobs, self.batch_size, self.quiet, self.stdin = jobs, batch_size, quiet, stdin
        self.unreadable = 0
        self.failed = 0
        self.done = 0
        self.entities = 0
        self.started = time.monotonic()
        self.bar: Any = None

    # -- messages ---------------------------------------------------------------------------
    def say(self, message: str) -> None:
        """A line on stderr (above the progress bar, when one is shown)."""
        if self.bar is not None and not self.bar.disable:
            self.bar.write(message, file=click.get_text_stream("stderr"))
        else:
            click.echo(message, err=True)

    def _unreadable(self, exc: InputError) -> None:
        self.unreadable += 1
        self.say(f"error: {exc}")

    def _warning(self, exc: InputError) -> None:
        self.say(f"warning: {exc}")

    # -- the run ------------------------------------------------------------------------------
    def execute(self) -> int:
        previous = signal.signal(signal.SIGTERM, _interrupt)
        try:
            return self._execute()
        except KeyboardInterrupt:  # before the documents started (model loading, counting)
            self.say(f"interrupted after {self.done} documents; nothing was written")
            return EXIT_INTERRUPTED
        finally:
            signal.signal(signal.SIGTERM, previous)

    def _execute(self) -> int:
        self._check_usage()
        run, earlier = self._open_output()
        try:  # with worker processes, each loads its own pipeline: here the configuration is only checked
            nlp = load_pipeline(self.config, quiet=self.quiet, check_only=self.jobs > 1)
        except BaseException:
            if run is not None and not run.resumed:
                run.discard()
            raise
        skip = self._own_files()
        total = count_documents(self.inputs, skip=skip)
        if earlier.documents and not self.quiet:
            self.say(f"resuming: {earlier.documents} of {total} documents were done; annotating the rest")
        self.done, self.failed = earlier.documents, earlier.failed
        documents = read_documents(self.inputs, on_error=self._unreadable, on_warning=self._warning, skip=skip,
                                   stdin=self.stdin)
        if earlier.documents:
            documents = islice(documents, earlier.documents, None)
        return self._stream(nlp, documents, run, total=total, resumed=bool(earlier.documents))

    def _check_usage(self) -> None:
        if self.resume and self.output is None:
            raise ConfigFailure("--resume needs -o/--output: it continues the run that writes that file")
        if self.resume and self.fmt not in STREAMING_FORMATS:
            raise ConfigFailure(f"--resume works with -f {', '.join(STREAMING_FORMATS)}; an html page is "
                                "written in one piece at the end")
        if self.resume and STDIN in self.inputs:
            raise ConfigFailure("--resume cannot continue reading standard input; give the input as a file")
        if self.output is None:
            return
        target = self.output.resolve()
        for name in self.inputs:
            if name != STDIN and Path(name).exists() and Path(name).resolve() == target:
                raise ConfigFailure(f"-o {self.output} is also an input: writing it would destroy the input; "
                                    "choose another output file")

    def _open_output(self) -> tuple[RunOutput | None, Progress]:
        """The run's output, opened now (before the model loads), and how far an earlier run got."""
        if self.output is None:
            return None, Progress()
        if self.fmt not in STREAMING_FORMATS:
            _check_writable(self.output)
            return None, Progress()
        options = {**self.config.__dict__, "format": self.fmt}
        gazetteer_files = [f for g in self.config.gazetteers if Path(g).exists() for f in yaml_files(Path(g))]
        signature = run_signature(self.inputs, fmt=self.fmt, options=options, files=gazetteer_files)
        run = RunOutput(self.output, signature=signature, resume=self.resume)
        try:
            earlier = run.start()
        except OutputError as exc:
            raise failure(exc, exit_code=EXIT_CONFIG) from exc
        if self.resume and not run.resumed and not self.quiet:
            self.say(f"note: no unfinished run for {self.output}; starting from the beginning")
        return run, earlier

    def _own_files(self) -> list[Path]:
        """The run's own output files, left out when an input folder holds them."""
        if self.output is None:
            return []
        return [self.output, partial_path(self.output), journal_path(self.output)]

    def _outcomes(self, nlp: Any, documents: Iterator[Document]) -> Iterator:
        from .batch import annotate_documents, annotate_parallel

        if self.jobs > 1:
            return annotate_parallel(documents, config=self.config, jobs=self.jobs, batch_size=self.batch_size)
        return annotate_documents(nlp, documents, batch_size=self.batch_size)

    def _stream(self, nlp: Any, documents: Iterator[Document], run: RunOutput | None, *, total: int,
                resumed: bool) -> int:
        from .formats import Writer

        page = io.StringIO() if self.fmt == "html" and self.output is not None else None
        stream = run.stream if run is not None else page if page is not None else click.get_text_stream("stdout")
        writer = Writer(stream, self.fmt, header=not resumed)
        bar = self.bar = progress_bar(total, initial=self.done, quiet=self.quiet)
        try:
            for outcome in self._outcomes(nlp, documents):
                failed = not outcome.ok
                if failed:
                    self.say(f"error: {outcome.document.where}: {outcome.error}")
                else:
                    try:
                        writer.write(outcome.document, outcome.spans)
                        self.entities += len(outcome.spans)
                    except ValueError as exc:  # a value JSON cannot hold
                        failed = True
                        self.say(f"error: {outcome.document.where}: could not be written: {exc}")
                self.failed += failed
                self.done += 1
                if run is not None:
                    run.done(failed=failed)
                else:
                    stream.flush()
                bar.update(1)
            writer.close()
            if page is not None:
                from .atomic import write_text

                write_text(self.output, page.getvalue())
        except KeyboardInterrupt:
            self._close_bar()
            return self._interrupted(run, total)
        except OSError as exc:
            self._close_bar()
            return self._write_failed(run, exc)
        self._close_bar()
        if run is not None:
            run.finish()
        return self._summary()

    def _close_bar(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def _interrupted(self, run: RunOutput | None, total: int) -> int:
        if run is None:
            self.say(f"interrupted after {self.done} of {total} documents")
        else:
            run.keep()
            self.say(f"interrupted after {self.done} of {total} documents; kept the finished records in "
                     f"{run.partial}: run the same command with --resume to finish")
        return EXIT_INTERRUPTED

    def _write_failed(self, run: RunOutput | None, exc: OSError) -> int:
        reason = exc.strerror or str(exc)
        if run is None:
            self.say(f"error: cannot write the output: {reason}")
            return EXIT_FAILED
        run.keep()
        untouched = f"{run.target} is untouched" if run.target.exists() else f"{run.target} was not written"
        self.say(f"error: cannot write {run.partial}: {reason}; {untouched}, and the records of the {run.documents} "
                 f"finished documents stay in {run.partial}: make room, then run the same command with --resume")
        return EXIT_FAILED

    def _summary(self) -> int:
        if not self.quiet:
            seconds = time.monotonic() - self.started
            self.say(f"done: {self.done} documents, {self.entities} entities in {seconds:.1f}s")
        message = problems_message(unreadable=self.unreadable, failed=self.failed)
        if message:
            self.say(f"Error: {message}")
            return EXIT_FAILED
        return 0


def _interrupt(signum: int, frame: Any) -> None:
    """SIGTERM (a scheduler stopping the job) stops the run like Ctrl-C: finished records are kept."""
    raise KeyboardInterrupt


def _check_writable(target: Path) -> None:
    """Refuse, before any model loads, an output whose folder is missing or not writable."""
    from .atomic import temporary_beside

    folder = target.parent
    if not folder.is_dir():
        raise ConfigFailure(f"{folder}: cannot write the output there: the folder does not exist")
    try:
        temporary_beside(target).unlink()
    except OSError as exc:
        raise ConfigFailure(f"{folder}: cannot write the output there: {exc.strerror or exc}") from exc
