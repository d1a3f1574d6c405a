"""Which documents go into which partition: planned on the client, from the inputs alone.

The plan depends only on the inputs (their names, sizes and times) and the partition size, never on
the cluster, so a rerun on another cluster finds the same partitions and the same shard names:

* local paths are listed as the serial ``annotate`` lists them (a folder walked in name order,
  hidden names left out, :func:`normalizer.corpus.inputs.files_below`), and documents are named by
  the path as written; globs (``'corpus/*.jsonl'``) and URLs (``s3://bucket/news/``, anything
  fsspec reads) are expanded with fsspec, sorted, and named by their full URL;
* consecutive small files share a partition until it holds about ``partition_bytes``;
* an uncompressed JSONL file larger than that is cut into byte ranges that end at line ends (each
  range's first line number is counted on the workers, so records keep their ``path:line`` names);
  a compressed file (``.gz``, ``.bz2``, ``.xz``, ...) cannot be cut and is one partition or part
  of one (its size counted ``COMPRESSION_RATIO`` times).

Inputs that cannot be listed are reported as :class:`~normalizer.errors.InputError`, as in the
serial path; the others are still planned.
"""
from __future__ import annotations

import glob
import math
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..corpus.inputs import JSONL_SUFFIXES, STDIN, files_below
from ..errors import InputError

DEFAULT_PARTITION_BYTES = 1 << 20  # about 170,000 words: half a minute per partition on one core
COMPRESSION_RATIO = 4  # a compressed file counts this many times its size when partitions are filled
GLOB_CHARACTERS = frozenset("*?[")


@dataclass(frozen=True)
class Piece:
    """One file of a partition, or one byte range of a large JSONL file."""

    name: str  # how its documents are named: the path as written, or the URL
    kind: str  # "jsonl" | "text"
    compression: str | None = None
    local: bool = True
    start: int = 0
    length: int | None = None  # None: the whole file
    block: int = 0  # which byte range of the file (0 for a whole file)

    @property
    def whole(self) -> bool:
        return self.length is None


@dataclass(frozen=True)
class Partition:
    """What one task annotates and one shard holds."""

    number: int
    pieces: tuple[Piece, ...]

    @property
    def ranges(self) -> tuple[Piece, ...]:
        """The byte-range pieces (a partition holds one, or only whole files)."""
        return tuple(p for p in self.pieces if not p.whole)


@dataclass(frozen=True)
class File:
    name: str
    size: int
    mtime: float | str | None
    local: bool


@dataclass
class Plan:
    partitions: list[Partition] = field(default_factory=list)
    files: list[File] = field(default_factory=list)
    problems: list[InputError] = field(default_factory=list)

    def ranges_of(self, name: str) -> list[Piece]:
        """Every byte range of one file, in order."""
        return [p for part in self.partitions for p in part.ranges if p.name == name]


def plan_inputs(
    inputs: Iterable[str], *, partition_bytes: int = DEFAULT_PARTITION_BYTES, skip: Iterable[str | Path] = (),
) -> Plan:
    """The partitions of ``inputs`` (files, folders, globs, URLs), leaving out the files under ``skip``."""
    plan = Plan()
    skipped = [Path(p).resolve() for p in skip]
    for name in inputs:
        plan.files.extend(list_input(name, on_error=plan.problems.append, skip=skipped))
    _fill(plan, partition_bytes)
    return plan


def list_input(name: str, *, on_error: Callable[[InputError], None], skip: list[Path] = ()) -> Iterator[File]:
    """The files one input names, in the order their documents come."""
    if name == STDIN:
        on_error(InputError("--dask reads its inputs on the workers and cannot read standard input; "
                            "give the input as a file", path="<stdin>"))
    elif is_url(name):
        yield from _remote(name, on_error)
    elif GLOB_CHARACTERS & set(name) and not os.path.lexists(name):
        matches = sorted(glob.glob(name))
        if not matches:
            on_error(InputError("no file matches this pattern", path=name))
        for match in matches:
            yield from _local(match, on_error, skip)
    else:
        yield from _local(name, on_error, skip)


def is_url(name: str) -> bool:
    return "://" in name and not name.startswith("file://")


def _local(name: str, on_error: Callable[[InputError], None], skip: list[Path]) -> Iterator[File]:
    path = Path(name)
    if path.is_dir():
        files: Iterable[Path] = files_below(path, on_error=on_error)
    else:
        files = [path]
    for file in files:
        if skip and any(file.resolve().is_relative_to(s) for s in skip):
            continue
        try:
            info = file.stat()
        except OSError as exc:
            on_error(InputError(f"cannot read: {exc.strerror or exc}", path=str(file)))
            continue
        if not stat.S_ISREG(info.st_mode):
            on_error(InputError("not a regular file: with --dask the workers read the inputs, so a pipe or "
                                "device cannot be one", path=str(file)))
            continue
        yield File(str(file), info.st_size, info.st_mtime_ns, local=True)


def _remote(url: str, on_error: Callable[[InputError], None]) -> Iterator[File]:
    from fsspec.core import url_to_fs

    try:
        fs, path = url_to_fs(url)
        if GLOB_CHARACTERS & set(path):
            paths = sorted(fs.glob(path))
            if not paths:
                on_error(InputError("no file matches this pattern", path=url))
        elif fs.isdir(path):
            paths = sorted(p for p in fs.find(path) if not _hidden(p.removeprefix(path.rstrip("/"))))
        else:
            paths = [path]
        for p in paths:
            info = fs.info(p)
            if info.get("type") == "directory":
                continue
            mtime = info.get("mtime") or info.get("LastModified") or info.get("ETag") or info.get("etag")
            yield File(fs.unstrip_protocol(p), int(info.get("size") or 0), str(mtime) if mtime else None,
                       local=False)
    except (OSError, ValueError, ImportError) as exc:  # missing, refused, or no fsspec driver for the protocol
        on_error(InputError(f"cannot read: {exc}", path=url))


def _hidden(relative: str) -> bool:
    return any(part.startswith(".") for part in relative.split("/") if part)


def kind_of(name: str) -> tuple[str, str | None]:
    """``("jsonl" | "text", compression)`` by the file name (``news.jsonl.gz`` -> ``("jsonl", "gzip")``)."""
    from fsspec.utils import infer_compression

    compression = infer_compression(name)
    base = name.rsplit(".", 1)[0] if compression else name
    suffix = os.path.splitext(base.rsplit("/", 1)[-1])[1].lower()
    return ("jsonl" if suffix in JSONL_SUFFIXES else "text"), compression


def _fill(plan: Plan, partition_bytes: int) -> None:
    group: list[Piece] = []
    filled = 0

    def flush() -> None:
        nonlocal group, filled
        if group:
            plan.partitions.append(Partition(len(plan.partitions), tuple(group)))
        group, filled = [], 0

    for file in plan.files:
        kind, compression = kind_of(file.name)
        if kind == "jsonl" and compression is None and file.size > partition_bytes:
            flush()
            for block in range(math.ceil(file.size / partition_bytes)):
                piece = Piece(file.name, kind, None, file.local, start=block * partition_bytes,
                              length=partition_bytes, block=block)
                plan.partitions.append(Partition(len(plan.partitions), (piece,)))
            continue
        group.append(Piece(file.name, kind, compression, file.local))
        filled += file.size * (COMPRESSION_RATIO if compression else 1)
        if filled >= partition_bytes:
            flush()
    flush()
