"""A mention: a token range of a document, the label NER gave it, and how it resolved."""
from __future__ import annotations

from dataclasses import dataclass

from .resolve import Resolution

FOLLOWING_CHARS = 40  # text after a mention read for "City, State" patterns


@dataclass
class Mention:
    """A token range with the label NER gave (None if only the gazetteer found it)."""

    start: int
    end: int
    ner_label: str | None
    from_gazetteer: bool = False
    resolution: Resolution | None = None
    place_cue: str | None = None  # why a PERSON/ORG span or a missed name was taken as a place

    @property
    def label(self) -> str | None:
        """The entry's label when resolved, else NER's."""
        if self.resolution and self.resolution.entry.label:
            return self.resolution.entry.label
        return self.ner_label

    def __len__(self) -> int:
        return self.end - self.start

    def overlaps(self, other: Mention) -> bool:
        return self.start < other.end and other.start < self.end

    def same(self, other: Mention) -> bool:
        return self.start == other.start and self.end == other.end

    def contains(self, other: Mention) -> bool:
        return self.start <= other.start and other.end <= self.end and not self.same(other)
