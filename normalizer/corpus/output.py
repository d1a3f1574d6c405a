"""Where ``annotate -o OUT`` writes, so that no run loses work and no reader sees half a file.

Records go to ``OUT.partial`` beside the target, flushed after every document, and a journal
(``.OUT.partial.progress``, hidden) says after each document how many input documents are
done, how many bytes of the partial file are theirs, how many failed, and a digest of every
document read so far (its name and text). At the end the partial file is fsynced and moved over
``OUT`` (:func:`normalizer.atomic.replace`: permissions kept, a symbolic link kept and the file it
points to replaced), so ``OUT`` is either the previous file or the complete new one.

After Ctrl-C, ``kill -9``, a full disk or a crash, the partial file and the journal stay.
``resume`` reads the journal, cuts the partial file back to the last finished document (a
record half-written when the process died goes), and says how many input documents to skip;
while skipping them the run checks that they are the documents the earlier run read (the same
names and texts: a file added to an input folder, or edited, is noticed), then continues, and
its output is byte for byte that of one uninterrupted run. The journal's first line records what
the run was (inputs, their sizes and times, format, pipeline options); a resume with anything else
is refused. While a run writes, it holds an exclusive lock on the journal: a second run on the
same ``OUT`` is refused instead of mixing its records in.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from ..atomic import atomic_open, replace, temporary_beside
from ..errors import OutputError
from .inputs import Document

JOURNAL_VERSION = 2
PARTIAL_SUFFIX = ".partial"
START_DIGEST = "0" * 16


@dataclass(frozen=True)
class Progress:
    """How far an earlier run got: input documents done, bytes of output that are theirs, failures,
    and the digest of the documents read."""

    documents: int = 0
    size: int = 0
    failed: int = 0
    digest: str = START_DIGEST


def partial_path(target: Path) -> Path:
    return target.with_name(target.name + PARTIAL_SUFFIX)


def journal_path(target: Path) -> Path:
    return target.parent / f".{target.name}{PARTIAL_SUFFIX}.progress"


def document_digest(previous: str, document: Document) -> str:
    """The digest of the documents read so far, after ``document`` (its name and its text)."""
    digest = hashlib.blake2b(previous.encode(), digest_size=8)
    digest.update(document.where.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(document.text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def run_signature(inputs: Iterable[str], *, fmt: str, options: dict[str, Any], files: Iterable[Path] = ()) -> str:
    """What makes two runs the same run: inputs (with the sizes and times of named files), the
    format, the pipeline options, and the sizes and times of ``files`` (the gazetteer's). What is
    inside an input folder is checked document by document (:func:`document_digest`)."""
    def stamp(path: Path) -> list[Any]:
        try:
            info = path.stat()
        except OSError:
            return [str(path), None]
        return [str(path.resolve()), None if path.is_dir() else [info.st_size, info.st_mtime_ns]]

    described = {
        "version": JOURNAL_VERSION,
        "inputs": [stamp(Path(name)) if name != "-" else "-" for name in inputs],
        "format": fmt,
        "options": options,
        "files": [stamp(Path(f)) for f in files],
    }
    return hashlib.sha256(json.dumps(described, sort_keys=True, default=str).encode()).hexdigest()


def check_output_file(target: Path) -> None:
    """Refuse, before any work, an output whose folder is missing or that is a folder or read-only."""
    folder = target.parent
    if not folder.is_dir():
        raise OutputError("cannot write the output there: the folder does not exist", path=str(folder))
    if target.is_dir():
        raise OutputError("is a folder; give a file name for the output", path=str(target))
    if target.exists() and not os.access(target, os.W_OK):
        raise OutputError("is read-only; make it writable or choose another output file", path=str(target))
    try:
        temporary_beside(target).unlink()
    except OSError as exc:
        raise OutputError(f"cannot write the output there: {exc.strerror or exc}", path=str(folder)) from exc


def is_special_file(target: Path) -> bool:
    """A device, FIFO or socket (``/dev/null``, ``/dev/stdout``): written directly, never replaced."""
    try:
        return not target.is_file() and target.exists()
    except OSError:
        return False


class RunOutput:
    """The output file of one run: :meth:`start`, then :meth:`done` after each document, then
    :meth:`finish` (move into place) or :meth:`keep` (leave everything for ``--resume``)."""

    def __init__(self, target: str | Path, *, signature: str, resume: bool = False) -> None:
        self.target = Path(os.path.realpath(target))  # through a symbolic link: the link stays
        self.partial = partial_path(self.target)
        self.journal = journal_path(self.target)
        self.signature = signature
        self.resume = resume
        self.stream: TextIO | None = None
        self._journal: TextIO | None = None
        self.resumed = False
        self.earlier = Progress()
        self.documents = self.failed = 0
        self.digest = START_DIGEST

    @property
    def names(self) -> str:
        return f"{self.partial} (and its journal {self.journal})"

    def start(self) -> Progress:
        """Open the partial file and the journal, locked (checking the folder before any model loads);
        with ``resume``, return how far the earlier run got. Raises OutputError on anything that stops the run."""
        check_output_file(self.target)
        folder = self.target.parent
        try:
            if self.journal.exists():
                self._journal = open(self.journal, "a", encoding="utf-8")  # noqa: SIM115  (held until close)
                self._lock()
                if self.partial.exists():
                    self._continue()
                else:  # the partial file was deleted to start over, or the run stopped while moving it into place
                    self.journal.unlink(missing_ok=True)
                    self.close()
                    self._begin()
            elif self.partial.exists():
                raise OutputError(f"an unfinished run's output without its journal {self.journal}; delete "
                                  f"{self.partial} to start over", path=str(self.partial))
            else:
                self._begin()
        except OSError as exc:
            self.close()
            raise OutputError(f"cannot write the output there: {exc.strerror or exc}", path=str(folder)) from exc
        except OutputError:
            self.close()
            raise
        self.documents, self.failed, self.digest = self.earlier.documents, self.earlier.failed, self.earlier.digest
        return self.earlier

    def _begin(self) -> None:
        try:
            self._journal = open(self.journal, "x", encoding="utf-8")  # noqa: SIM115  (held until close)
        except FileExistsError:
            raise OutputError("another annotate has just started writing it; wait for it to finish",
                              path=str(self.target)) from None
        self._lock()
        self._journal.write(json.dumps({"version": JOURNAL_VERSION, "signature": self.signature,
                                        "target": str(self.target)}) + "\n")
        self._journal.flush()
        self.stream = open(self.partial, "w", encoding="utf-8", newline="")  # noqa: SIM115

    def _continue(self) -> None:
        """The journal is open and locked and the partial file exists: resume, or refuse."""
        done = _read_journal(self.journal)
        if not self.resume:
            raise OutputError(f"holds an unfinished run ({done.progress.documents} documents done); add --resume to "
                              f"continue it, or delete {self.partial} to start over", path=str(self.partial))
        if done.signature != self.signature:
            raise OutputError(
                "cannot resume: the unfinished run was made with other inputs, inputs that changed since, or "
                f"other options; run the same command as before with --resume, or delete {self.partial} to "
                "start over", path=str(self.journal))
        _cut(self.partial, done.progress.size, names=self.names)
        self.stream = open(self.partial, "a", encoding="utf-8", newline="")  # noqa: SIM115
        self.earlier, self.resumed = done.progress, True

    def _lock(self) -> None:
        try:
            fcntl.flock(self._journal.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError("another annotate is writing it now; wait for it to finish, or stop it first",
                              path=str(self.target)) from None

    def skip_done(self, documents: Iterable[Document]) -> Iterator[Document]:
        """The documents after those the earlier run finished, having checked that those are the same."""
        iterator = iter(documents)
        digest, count = START_DIGEST, 0
        while count < self.earlier.documents:
            document = next(iterator, None)
            if document is None:
                break
            digest, count = document_digest(digest, document), count + 1
        if count < self.earlier.documents or digest != self.earlier.digest:
            raise OutputError(
                f"cannot resume: the first {self.earlier.documents} documents are not those the unfinished run "
                "read (a file was added, removed, renamed or edited in an input folder); delete "
                f"{self.partial} to start over", path=str(self.partial))
        yield from iterator

    def done(self, document: Document, *, failed: bool = False) -> None:
        """``document`` is finished (its records, if any, are written to ``stream``)."""
        if self.stream is None or self._journal is None:
            raise RuntimeError("RunOutput.start() must come first")
        self.stream.flush()
        self.documents += 1
        self.failed += failed
        self.digest = document_digest(self.digest, document)
        size = os.fstat(self.stream.fileno()).st_size
        self._journal.write(f"{self.documents} {size} {self.failed} {self.digest}\n")
        self._journal.flush()

    def finish(self, render: Callable[[TextIO], object] | None = None) -> None:
        """Make the partial file the target (atomically) and forget the journal. With ``render``, the
        partial file is a spool (:mod:`normalizer.corpus.spool`): ``render(out)`` writes the target's
        content from it through a temporary file; if it raises, the partial file and journal stay."""
        if self.stream is None:
            raise RuntimeError("RunOutput.start() must come first")
        self.stream.flush()
        self.stream.close()
        self.stream = None
        if render is None:
            replace(self.partial, self.target)
        else:
            with atomic_open(self.target, "w", newline="") as out:
                render(out)
            self.partial.unlink(missing_ok=True)
        self.journal.unlink(missing_ok=True)
        self.close()

    def keep(self) -> None:
        """Stop, leaving the partial file and its journal for ``--resume``."""
        for stream in (self.stream, self._journal):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.flush()
        self.close()

    def discard(self) -> None:
        """Remove the partial file and journal of a run that wrote nothing of its own (never started,
        or stopped before its first document)."""
        if self.resumed or self._journal is None:
            self.close()
            return
        self.partial.unlink(missing_ok=True)
        self.journal.unlink(missing_ok=True)
        self.close()

    def close(self) -> None:
        for stream in (self.stream, self._journal):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        self.stream = self._journal = None


@dataclass(frozen=True)
class _Journal:
    signature: str | None
    progress: Progress


def _read_journal(journal: Path) -> _Journal:
    try:
        lines = journal.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise OutputError(f"cannot read the journal of the unfinished run: {exc}", path=str(journal)) from exc
    try:
        header = json.loads(lines[0])
    except ValueError:
        header = None
    signature = header.get("signature") if isinstance(header, dict) else None
    progress = Progress()
    for line in lines[1:-1]:  # the last item is after the final newline: empty, or a line cut short
        fields = line.split()
        try:
            documents, size, failed = (int(x) for x in fields[:3])
            digest = fields[3]
        except (ValueError, IndexError):
            break
        progress = Progress(documents, size, failed, digest)
    return _Journal(signature, progress)


def _cut(partial: Path, size: int, *, names: str) -> None:
    """Drop what the partial file holds beyond its last finished document."""
    try:
        actual = partial.stat().st_size
    except FileNotFoundError:
        actual = -1
    if actual < size:
        raise OutputError(f"cannot resume: the partial output is shorter than its journal says; delete {names} "
                          "to start over", path=str(partial))
    if actual > size:
        os.truncate(partial, size)
