"""The word lists the rules read, kept as data: one file per list in ``normalizer/data/words/``.

A list file opens with comment lines that say what the list is for and give its ``# source:`` and
``# licence:``; then one entry per line. ``#`` starts a comment (a whole line, or the rest of a line
after a space), blank lines are skipped. Two kinds of list:

* ``words(name)``: one word per line (no space inside an entry) -> a frozenset;
* ``table(name)``: ``key = value`` per line (either side may hold spaces) -> a read-only mapping.

A list is read on first use and then kept (nothing is read at import time). A line the format does
not allow, or an entry written twice, raises ``WordListError`` naming the file and the line.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType

from ..errors import NormalizerError

WORDS_DIR = "data/words"  # inside the package
SEPARATOR = " = "  # between a table's key and value


class WordListError(NormalizerError):
    """A word list file of the package that cannot be read, located by file and line."""

    def __init__(self, message: str, *, path: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


def list_path(name: str) -> str:
    """The package-relative path of list ``name`` ("local_nouns" -> "data/words/local_nouns.txt")."""
    return f"{WORDS_DIR}/{name}.txt"


def list_names() -> list[str]:
    """The names of every list the package ships, sorted."""
    folder = resources.files("normalizer").joinpath(WORDS_DIR)
    return sorted(p.name.removesuffix(".txt") for p in folder.iterdir() if p.name.endswith(".txt"))


@cache
def words(name: str) -> frozenset[str]:
    """The entries of the one-word-per-line list ``name``."""
    found: dict[str, int] = {}
    for line, entry in _entries(name):
        if any(c.isspace() for c in entry):
            raise WordListError(f"one word per line, not {entry!r}", path=list_path(name), line=line)
        _once(found, entry, line, name)
    return frozenset(found)


@cache
def table(name: str) -> Mapping[str, str]:
    """The ``key = value`` lines of list ``name``, as a read-only mapping in file order."""
    found: dict[str, str] = {}
    lines: dict[str, int] = {}
    for line, entry in _entries(name):
        key, separator, value = (part.strip() for part in entry.partition(SEPARATOR))
        if not separator or not key or not value or SEPARATOR in value:
            raise WordListError(f"expected 'key = value', not {entry!r}", path=list_path(name), line=line)
        _once(lines, key, line, name)
        found[key] = value
    return MappingProxyType(found)


def _once(seen: dict, key: str, line: int, name: str) -> None:
    if key in seen:
        raise WordListError(f"{key!r} is listed twice (first on line {seen[key]})", path=list_path(name), line=line)
    seen[key] = line


def _entries(name: str) -> Iterator[tuple[int, str]]:
    """(line number, entry) for each line of list ``name`` that is not blank or a comment."""
    path = list_path(name)
    try:
        text = resources.files("normalizer").joinpath(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise WordListError("no such word list", path=path) from None
    except UnicodeDecodeError as error:
        raise WordListError(f"not UTF-8 ({error.reason})", path=path) from None
    for number, raw in enumerate(text.splitlines(), 1):
        entry = raw.partition(" #")[0].strip() if not raw.lstrip().startswith("#") else ""
        if entry:
            yield number, entry
