"""Where ``annotate -o OUT`` writes, so that no run loses work and no reader sees half a file.

Records go to ``OUT.partial`` beside the target, flushed after every document, and a journal
(``.OUT.partial.progress``, hidden) says after each document how many input documents are
done, how many bytes of the partial file are theirs, and how many failed. At the end the
partial file is fsynced and renamed over ``OUT`` (``os.replace``), so ``OUT`` is either the
previous file or the complete new one.

After Ctrl-C, ``kill -9``, a full disk or a crash, the partial file and the journal stay.
``resume`` reads the journal, cuts the partial file back to the last finished document (a
record half-written when the process died goes), and says how many input documents to skip:
the run then continues where it stopped, and its output is byte for byte that of one
uninterrupted run. The journal's first line records what the run was (its inputs, their sizes
and times, the format and the pipeline options); a resume with anything else is refused.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from .atomic import fsync_directory
from .errors import OutputError

JOURNAL_VERSION = 1
PARTIAL_SUFFIX = ".partial"


@dataclass(frozen=True)
class Progress:
    """How far an earlier run got: input documents done, bytes of output that are theirs, failures."""

    documents: int = 0
    size: int = 0
    failed: int = 0


def partial_path(target: Path) -> Path:
    return target.with_name(target.name + PARTIAL_SUFFIX)


def journal_path(target: Path) -> Path:
    return target.parent / f".{target.name}{PARTIAL_SUFFIX}.progress"


def run_signature(inputs: Iterable[str], *, fmt: str, options: dict[str, Any], files: Iterable[Path] = ()) -> str:
    """What makes two runs the same run: inputs (with the sizes and times of named files), the
    format, the pipeline options, and the sizes and times of ``files`` (the gazetteer's)."""
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


class RunOutput:
    """The output file of one run: :meth:`start`, then :meth:`done` after each document, then
    :meth:`finish` (rename into place) or :meth:`keep` (leave everything for ``--resume``)."""

    def __init__(self, target: str | Path, *, signature: str, resume: bool = False) -> None:
        self.target = Path(target)
        self.partial = partial_path(self.target)
        self.journal = journal_path(self.target)
        self.signature = signature
        self.resume = resume
        self.stream: TextIO | None = None
        self._journal: TextIO | None = None
        self.resumed = False
        self.documents = self.failed = 0

    def start(self) -> Progress:
        """Open the partial file (checking the folder before any model loads) and, with ``resume``,
        return how far the earlier run got. Raises OutputError on anything that stops the run."""
        folder = self.target.parent
        if not folder.is_dir():
            raise OutputError("cannot write the output there: the folder does not exist", path=str(folder))
        if self.target.is_dir():
            raise OutputError("is a folder; give a file name for the output", path=str(self.target))
        unfinished = self.journal.exists() or self.partial.exists()
        progress = Progress()
        if unfinished and not self.resume:
            done = _read_journal(self.journal, self.signature, check=False)
            raise OutputError(
                f"holds an unfinished run ({done.documents} documents done); add --resume to continue it, "
                "or delete it to start over", path=str(self.partial))
        if unfinished:
            progress = _read_journal(self.journal, self.signature, check=True)
            self.resumed = True
        try:
            if self.resumed:
                _cut(self.partial, progress.size)
                self.stream = open(self.partial, "a", encoding="utf-8", newline="")  # noqa: SIM115
                self._journal = open(self.journal, "a", encoding="utf-8")  # noqa: SIM115
            else:
                self.stream = open(self.partial, "w", encoding="utf-8", newline="")  # noqa: SIM115
                self._journal = open(self.journal, "w", encoding="utf-8")  # noqa: SIM115
                self._journal.write(json.dumps({"version": JOURNAL_VERSION, "signature": self.signature,
                                                "target": str(self.target)}) + "\n")
                self._journal.flush()
        except OSError as exc:
            self.close()
            if not self.resumed:
                self.discard()
            raise OutputError(f"cannot write the output there: {exc.strerror or exc}", path=str(folder)) from exc
        self.documents, self.failed = progress.documents, progress.failed
        return progress

    def done(self, *, failed: bool = False) -> None:
        """One more input document is finished (its records, if any, are written to ``stream``)."""
        if self.stream is None or self._journal is None:
            raise RuntimeError("RunOutput.start() must come first")
        self.stream.flush()
        self.documents += 1
        self.failed += failed
        size = os.fstat(self.stream.fileno()).st_size
        self._journal.write(f"{self.documents} {size} {self.failed}\n")
        self._journal.flush()

    def finish(self) -> None:
        """Make the partial file the target (atomically) and forget the journal."""
        if self.stream is None:
            raise RuntimeError("RunOutput.start() must come first")
        self.stream.flush()
        os.fsync(self.stream.fileno())
        self.close()
        os.replace(self.partial, self.target)
        fsync_directory(self.target.parent)
        self.journal.unlink(missing_ok=True)

    def keep(self) -> None:
        """Stop, leaving the partial file and its journal for ``--resume``."""
        for stream in (self.stream, self._journal):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.flush()
        self.close()

    def discard(self) -> None:
        """Remove the partial file and journal of a run that never started (a configuration error)."""
        self.close()
        self.partial.unlink(missing_ok=True)
        self.journal.unlink(missing_ok=True)

    def close(self) -> None:
        for stream in (self.stream, self._journal):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        self.stream = self._journal = None


def _read_journal(journal: Path, signature: str, *, check: bool) -> Progress:
    try:
        lines = journal.read_text(encoding="utf-8").split("\n")
    except FileNotFoundError:
        if check:
            raise OutputError("cannot resume: the journal of the unfinished run is missing; delete the partial "
                              "file to start over", path=str(journal)) from None
        return Progress()
    except (OSError, UnicodeDecodeError) as exc:
        raise OutputError(f"cannot read the journal of the unfinished run: {exc}", path=str(journal)) from exc
    try:
        header = json.loads(lines[0])
    except ValueError:
        header = {}
    if check and (not isinstance(header, dict) or header.get("signature") != signature):
        raise OutputError(
            "cannot resume: the unfinished run was made with other inputs, inputs that changed since, or other "
            "options; run the same command as before with --resume, or delete the partial file to start over",
            path=str(journal))
    progress = Progress()
    for line in lines[1:-1]:  # the last item is after the final newline: empty, or a line cut short
        try:
            documents, size, failed = (int(x) for x in line.split())
        except ValueError:
            break
        progress = Progress(documents, size, failed)
    return progress


def _cut(partial: Path, size: int) -> None:
    """Drop what the partial file holds beyond its last finished document."""
    try:
        actual = partial.stat().st_size
    except FileNotFoundError:
        actual = -1
    if actual < size:
        raise OutputError("cannot resume: the partial output is shorter than its journal says; delete it and its "
                          "journal to start over", path=str(partial))
    if actual > size:
        os.truncate(partial, size)
