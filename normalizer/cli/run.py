"""``annotate`` over a corpus: inputs -> documents -> outcomes -> output, and what to tell the user.

The order of work is what keeps a run from losing anything:

1. usage is checked (``--resume`` needs ``-o``; ``-o`` may not be an input);
2. the output is opened (``OUT.partial`` and its journal, locked, see :mod:`normalizer.corpus.output`),
   so a missing or unwritable folder, or a second run on the same ``OUT``, is refused before the
   model loads; a device such as ``/dev/null`` is written directly;
3. the pipeline loads (with ``--jobs``, only checked here: each worker loads its own); a
   configuration error (gazetteer, model) exits 2 and leaves no output;
4. documents stream through :func:`normalizer.corpus.batch.annotate_documents` (or its worker-process
   form): every document yields its records, or one message naming it on stderr;
5. the partial file is moved over ``OUT``. After Ctrl-C (or SIGTERM) the finished records stay
   in ``OUT.partial`` for ``--resume`` (exit 130); after a write failure (a full disk) too (exit 1).
   A run stopped before its first document leaves nothing behind.
"""
from __future__ import annotations

import io
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import click

from ..corpus.inputs import Document, count_documents, read_documents
from ..corpus.output import RunOutput, check_output_file, is_special_file, journal_path, partial_path, run_signature
from ..errors import InputError, NormalizerError, OutputError
from ..gazetteer.load import yaml_files
from .common import (
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    ConfigFailure,
    check_output,
    failure,
    load_pipeline,
    problems_message,
    progress_bar,
    refuse_overwriting_inputs,
    sigterm_as_interrupt,
)

STREAMING_FORMATS = ("jsonl", "tsv", "text")  # written document by document, so a run can resume


def _temporary_spool() -> str:
    import os
    import tempfile

    fd, name = tempfile.mkstemp(prefix="entity-normalizer-", suffix=".spool.jsonl")
    os.close(fd)
    return name


class AnnotateRun:
    """One ``annotate`` command: :meth:`execute` does the work and returns the exit code."""

    def __init__(
        self, inputs: tuple[str, ...], *, output: str | None, fmt: str, resume: bool, config: Any, jobs: int,
        batch_size: int, quiet: bool, stdin: IO | None = None, why: bool = False, summary: str | None = None,
        new_ids: bool = True,
    ) -> None:
        self.inputs, self.fmt, self.resume, self.config = inputs, fmt, resume, config
        self.output = Path(output) if output else None
        self.jobs, self.batch_size, self.quiet, self.stdin, self.why = jobs, batch_size, quiet, stdin, why
        self.summary = Path(summary) if summary else None
        self.new_ids = new_ids  # corpus-wide provisional ids: records wait in a spool (normalizer.corpus.spool)
        self.table: Any = None  # the --summary table (normalizer.corpus.summary.EntityTable)
        self.run: RunOutput | None = None
        self.direct: IO | None = None  # a device or FIFO given as -o, written like stdout
        self.unreadable = self.failed = self.done = self.entities = self.earlier = 0
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
        previous = signal.signal(signal.SIGTERM, sigterm_as_interrupt)
        try:
            return self._execute()
        except KeyboardInterrupt:  # before the documents started (opening, model loading, counting)
            self._stop_before_documents()
            self.say("interrupted before the first document; nothing was written")
            return EXIT_INTERRUPTED
        except click.ClickException:  # a usage or configuration error (the model, the gazetteer)
            self._stop_before_documents()
            raise
        except NormalizerError as exc:  # a configuration error the workers or the resume check found
            self._stop_before_documents()
            raise failure(exc, exit_code=EXIT_CONFIG) from exc
        finally:
            self._close_bar()
            if self.direct is not None:
                self.direct.close()
            signal.signal(signal.SIGTERM, previous)

    def _execute(self) -> int:
        self._check_usage()
        self._open_output()
        # with worker processes, each loads its own pipeline: here the configuration is only checked
        nlp = load_pipeline(self.config, quiet=self.quiet, check_only=self.jobs > 1)
        skip = self._own_files()
        total = count_documents(self.inputs, skip=skip)
        if self.earlier and not self.quiet:
            self.say(f"resuming: {self.earlier} of {total} documents were done; annotating the rest")
        documents = read_documents(self.inputs, on_error=self._unreadable, on_warning=self._warning, skip=skip,
                                   stdin=self.stdin)
        if self.run is not None and self.run.resumed:
            documents = self.run.skip_done(documents)
        return self._stream(nlp, documents, total=total)

    def _check_usage(self) -> None:
        if self.resume and self.output is None:
            raise ConfigFailure("--resume needs -o/--output: it continues the run that writes that file")
        if self.resume and self.fmt not in STREAMING_FORMATS:
            raise ConfigFailure(f"--resume works with -f {', '.join(STREAMING_FORMATS)}; an html page is "
                                "written in one piece at the end")
        if self.resume and "-" in self.inputs:
            raise ConfigFailure("--resume cannot continue reading standard input; give the input as a file")
        if self.output is not None:
            refuse_overwriting_inputs(self.output, self.inputs)
        if self.summary is not None:
            self._check_summary()

    def _check_summary(self) -> None:
        if self.resume and not self.new_ids:
            raise ConfigFailure("--summary cannot be combined with --resume --no-new-ids: the table would miss the "
                                "documents of the earlier run; run again without --resume (or without "
                                "--no-new-ids, or use --dask, whose shards keep their tables)")
        refuse_overwriting_inputs(self.summary, self.inputs)
        if self.output is not None and Path(self.summary).resolve() == self.output.resolve():
            raise ConfigFailure(f"--summary {self.summary} is also the output (-o); give it a file of its own")
        check_output(self.summary)
        from ..corpus.summary import EntityTable

        self.table = EntityTable()

    def _open_output(self) -> None:
        """Open the output now (before the model loads); with --resume, learn how far the earlier run got."""
        if self.output is None:
            return
        try:
            if is_special_file(self.output):
                if self.resume:
                    raise ConfigFailure(f"--resume needs a regular file as output; {self.output} is a device or "
                                        "a pipe")
                self.direct = open(self.output, "w", encoding="utf-8")  # noqa: SIM115  (closed in execute)
                return
            check_output_file(self.output)
            if self.fmt not in STREAMING_FORMATS:
                return
            options = {**self.config.__dict__, "format": self.fmt, "why": self.why, "new_ids": self.new_ids}
            gazetteer_files = [f for g in self.config.gazetteers if Path(g).exists() for f in yaml_files(Path(g))]
            signature = run_signature(self.inputs, fmt=self.fmt, options=options, files=gazetteer_files)
            self.run = RunOutput(self.output, signature=signature, resume=self.resume)
            self.earlier = self.run.start().documents
        except OSError as exc:
            raise ConfigFailure(f"{self.output}: cannot write the output: {exc.strerror or exc}") from exc
        except OutputError as exc:
            raise failure(exc, exit_code=EXIT_CONFIG) from exc
        if self.resume and not self.run.resumed and not self.quiet:
            self.say(f"note: no unfinished run for {self.output}; starting from the beginning")

    def _stop_before_documents(self) -> None:
        """A run that stops before finishing a document of its own leaves nothing behind (a resumed
        run keeps its earlier records)."""
        if self.run is not None:
            if self.done == self.earlier:
                self.run.discard()
            else:
                self.run.keep()

    def _own_files(self) -> list[Path]:
        """The run's own output files, left out when an input folder holds them."""
        if self.output is None:
            return []
        return [self.output, partial_path(self.output), journal_path(self.output)]

    def _outcomes(self, nlp: Any, documents: Iterator[Document]) -> Iterator:
        from ..corpus.batch import annotate_documents, annotate_parallel

        if self.jobs > 1:
            return annotate_parallel(documents, config=self.config, jobs=self.jobs, batch_size=self.batch_size,
                                     why=self.why)
        return annotate_documents(nlp, documents, batch_size=self.batch_size, why=self.why)

    def _stream(self, nlp: Any, documents: Iterator[Document], *, total: int) -> int:
        from ..corpus.formats import Writer

        run = self.run
        page = io.StringIO() if self.fmt == "html" and self.output is not None and self.direct is None else None
        target = self.direct or page or click.get_text_stream("stdout")
        spool = None
        if self.new_ids:  # the records wait for the corpus's ids: in OUT.partial, or in a temporary file
            spool = run.partial if run is not None else Path(_temporary_spool())
            stream = run.stream if run is not None else open(spool, "w", encoding="utf-8")  # noqa: SIM115
            writer = Writer(stream, "jsonl")
        else:
            stream = run.stream if run is not None else target
            writer = Writer(stream, self.fmt, header=not self.earlier)
        self.done = self.earlier
        self.failed = run.failed if run is not None else 0
        self.bar = progress_bar(total, initial=self.done, quiet=self.quiet)
        try:
            self._annotate(nlp, documents, writer, table=None if spool else self.table)
            writer.close()
            if spool is not None:
                self._render(spool, run, target)
            elif run is not None:
                run.finish()
            if page is not None:
                from ..atomic import write_text

                write_text(self.output, page.getvalue())
        except KeyboardInterrupt:
            return self._interrupted(total)
        except OSError as exc:
            return self._write_failed(exc)
        finally:
            if spool is not None and run is None:
                stream.close()
                spool.unlink(missing_ok=True)
        self._close_bar()
        written = self.table is None or self._write_table()
        code = self._summary(total)
        return code if code or written else EXIT_FAILED

    def _annotate(self, nlp: Any, documents: Iterator[Document], writer: Any, *, table: Any) -> None:
        """Annotate and write every document, telling the journal (or flushing) after each."""
        run = self.run
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
                else:
                    if table is not None:
                        table.add_document(outcome.document, outcome.spans)
            self.failed += failed
            self.done += 1
            if run is not None:
                run.done(outcome.document, failed=failed)
            else:
                writer.stream.flush()
            self.bar.update(1)

    def _render(self, spool: Path, run: RunOutput | None, target: IO) -> None:
        """The corpus's ids from the spool, then the output in its format (see normalizer.corpus.spool)."""
        from ..corpus.spool import render_spool, spool_identities

        self._close_bar()
        identities = spool_identities(spool)
        if run is None:
            render_spool(spool, target, self.fmt, identities, table=self.table)
            target.flush()
        else:
            run.finish(render=lambda out: render_spool(spool, out, self.fmt, identities, table=self.table))

    def _write_table(self) -> bool:
        """Write the --summary table (atomically); False, with a message, when it cannot be written."""
        from ..corpus.summary import write_summary

        try:
            write_summary(self.summary, self.table)
        except OSError as exc:
            self.say(f"error: cannot write the summary {self.summary}: {exc.strerror or exc}")
            return False
        return True

    def _close_bar(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def _interrupted(self, total: int) -> int:
        self._close_bar()
        run = self.run
        if run is not None and self.done == self.earlier:
            self._stop_before_documents()
            kept = "nothing was written" if not self.earlier else f"the earlier records stay in {run.partial}"
            self.say(f"interrupted before a document was finished; {kept}")
        elif run is None:
            self.say(f"interrupted after {self.done} of {total} documents")
        else:
            run.keep()
            self.say(f"interrupted after {self.done} of {total} documents; kept the finished records in "
                     f"{run.partial}: run the same command with --resume to finish")
        return EXIT_INTERRUPTED

    def _write_failed(self, exc: OSError) -> int:
        self._close_bar()
        reason = exc.strerror or str(exc)
        run = self.run
        if run is None:
            self.say(f"error: cannot write the output: {reason}")
            return EXIT_FAILED
        run.keep()
        untouched = f"{run.target} is untouched" if run.target.exists() else f"{run.target} was not written"
        self.say(f"error: cannot write {run.partial}: {reason}; {untouched}, and the records of the {run.documents} "
                 f"finished documents stay in {run.partial}: make room, then run the same command with --resume")
        return EXIT_FAILED

    def _summary(self, total: int) -> int:
        if not self.quiet:
            seconds = time.monotonic() - self.started
            if self.earlier:
                self.say(f"done: {self.done} documents; this run annotated {self.done - self.earlier} of them, "
                         f"{self.entities} entities in {seconds:.1f}s")
            else:
                self.say(f"done: {self.done} documents, {self.entities} entities in {seconds:.1f}s")
        if not self.done and not self.unreadable:
            self.say(f"warning: no documents in {' '.join(self.inputs)} (an empty folder or file?)")
        message = problems_message(unreadable=self.unreadable, failed=self.failed)
        if message:
            self.say(f"Error: {message}")
            return EXIT_FAILED
        return 0
