"""A document's text made safe for the pipeline, with every offset kept true to the original.

Three things happen before spaCy sees a text, each pure and each undone on the way out:

``repair_surrogates``
    A lone UTF-16 surrogate (``"\\ud800"`` in a JSON string; no valid text holds one) cannot be
    written as UTF-8. Each is replaced by U+FFFD, one code point for one, so offsets into the
    repaired text are offsets into the input. The reader reports how many it replaced.
``visible``
    Format characters (Unicode category Cf: zero-width space and joiners, soft hyphen, bidi
    controls, the byte-order mark) are invisible and split names for the tokenizer
    ("Kha\\u200brkiv"). They are taken out of the text the pipeline reads; :class:`Prepared` maps
    each offset of that text back to the original, so a span's ``start``/``end`` index the
    original and ``text[start:end]`` may still hold the invisible character.
``piece_bounds``
    A text longer than the model's ``max_length`` is cut into pieces of at most
    ``PIECE_LENGTH`` characters, at a paragraph break if there is one in the last half of the
    piece, else at a line break, else after a sentence, else at a space, so that no name is cut.
"""
from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass

PIECE_LENGTH = 100_000  # spaCy's parser and NER need about 1 GB per 100,000 characters
REPLACEMENT = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")
_BREAKS = (re.compile(r"\n[ \t]*\n\s*"), re.compile(r"\n\s*"), re.compile(r"[.!?][\"'”’)\]]*\s+"), re.compile(r"\s+"))


def repair_surrogates(text: str) -> tuple[str, int]:
    """``text`` with each lone surrogate replaced by U+FFFD, and how many there were."""
    if text.isascii():
        return text, 0
    repaired, count = _SURROGATE.subn(REPLACEMENT, text)
    return repaired, count


def _format_characters_in(text: str) -> frozenset[str]:
    """The distinct Cf characters of ``text`` (all of them lie outside ASCII)."""
    if text.isascii():
        return frozenset()
    return frozenset(c for c in set(text) if c > "\x7f" and unicodedata.category(c) == "Cf")


def is_format_character(char: str) -> bool:
    """Zero-width spaces and joiners, soft hyphens, bidi controls: invisible, ignored when matching."""
    return unicodedata.category(char) == "Cf"


def without_format_characters(text: str) -> str:
    """``text`` without its Cf characters (for matching keys: "Kha\\u200brkiv" -> "Kharkiv")."""
    found = _format_characters_in(text)
    return text.translate(dict.fromkeys(map(ord, found))) if found else text


@dataclass(frozen=True)
class Prepared:
    """The text the pipeline reads, and how to find its offsets in the original.

    ``positions[i]`` is the original offset of ``text[i]``; ``None`` when nothing was removed.
    """

    original: str
    text: str
    positions: array | None = None

    def start(self, offset: int) -> int:
        """The original offset of the character at ``offset`` of the prepared text."""
        if self.positions is None:
            return offset
        return self.positions[offset] if offset < len(self.positions) else len(self.original)

    def end(self, offset: int) -> int:
        """The original offset just after the character before ``offset`` (a span's end)."""
        if self.positions is None:
            return offset
        return self.positions[offset - 1] + 1 if offset > 0 else 0


def visible(text: str) -> Prepared:
    """The text without format characters, with the map back to ``text``."""
    found = _format_characters_in(text)
    if not found:
        return Prepared(text, text)
    positions = array("q", (i for i, char in enumerate(text) if char not in found))
    return Prepared(text, "".join(text[i] for i in positions), positions)


def piece_bounds(text: str, *, max_length: int, piece_length: int = PIECE_LENGTH) -> list[tuple[int, int]]:
    """(start, end) of the pieces ``text`` is processed in: one piece when it fits in ``max_length``."""
    if len(text) <= max_length:
        return [(0, len(text))]
    size = max(1, min(piece_length, max_length))
    bounds: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > size:
        end = _cut(text, start + size // 2, start + size)
        bounds.append((start, end))
        start = end
    bounds.append((start, len(text)))
    return bounds


def _cut(text: str, low: int, high: int) -> int:
    """The best place in ``text[low:high]`` to end a piece (just after a break).

    Below a paragraph break, a break between two capitalized words is no place to cut: it may lie
    inside a name ("Volodymyr Zelensky", "St. Petersburg", a name wrapped onto the next line).
    """
    window = text[low:high]
    for level, pattern in enumerate(_BREAKS):
        for match in reversed(list(pattern.finditer(window))):
            end = low + match.end()
            if end < high and (level == 0 or not _inside_a_name(text, low + match.start(), end)):
                return end
    return high


def _inside_a_name(text: str, start: int, end: int) -> bool:
    """Do capitalized words stand on both sides of the break ``text[start:end]``?"""
    before = text.rfind(" ", 0, start) + 1
    previous = text[max(before, text.rfind("\n", 0, start) + 1): start + 1]
    return previous[:1].isupper() and text[end: end + 1].isupper()
