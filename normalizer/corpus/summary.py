"""The corpus-wide entity table: every canonical id with its name, types, mention and document counts
and the variants seen with their counts.

One definition for the HTML report's table (:mod:`normalizer.corpus.report`) and for
``annotate --summary FILE`` (serial, ``--jobs`` and ``--dask`` alike). An :class:`EntityTable` is
built one document at a time and two tables merge (:meth:`EntityTable.merge`): merged in document
order, the tables of a corpus's parts give exactly the table of the whole corpus, so a cluster can
build one per partition and reduce them (:mod:`normalizer.dask`). Tables travel as JSON
(:meth:`EntityTable.to_json`).

``--summary FILE`` writes TSV (one row per entity; variants as ``words (count)`` joined by ``; ``),
JSONL when FILE ends in ``.jsonl``/``.json`` (exact: variants as a list), or the report's HTML table
when it ends in ``.html``. Resolved entities come first, most mentioned first; then the mentions
no gazetteer entry resolved, by their words.
"""
from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .inputs import Document

SUMMARY_COLUMNS = ("id", "name", "type", "mentions", "documents", "variants")
JSON_SUFFIXES = (".jsonl", ".json", ".ndjson")
HTML_SUFFIXES = (".html", ".htm")


@dataclass
class Entity:
    """One canonical id (or, unresolved, one spelling) with everything seen of it."""

    id: str | None
    name: str
    labels: Counter[str] = field(default_factory=Counter)
    variants: Counter[str] = field(default_factory=Counter)
    how: dict[str, str] = field(default_factory=dict)  # variant -> how it matched (the first time)
    documents: int = 0  # how many documents mention it
    coords: tuple[float, float] | None = None

    @property
    def mentions(self) -> int:
        return sum(self.variants.values())

    @property
    def label(self) -> str:
        return self.labels.most_common(1)[0][0] if self.labels else ""

    def merge(self, later: Entity) -> None:
        """Add what ``later`` (from documents after this one's) saw."""
        self.labels.update(later.labels)
        self.variants.update(later.variants)
        for words, how_ in later.how.items():
            self.how.setdefault(words, how_)
        self.documents += later.documents
        self.coords = self.coords or later.coords


class EntityTable:
    """Entities keyed by canonical id; unresolved mentions keyed by their words as written."""

    def __init__(self) -> None:
        self.entities: dict[str, Entity] = {}
        self.documents = 0

    def add(self, text: str, spans: list[dict[str, Any]]) -> None:
        """One document's spans; they must lie in ``text`` without overlapping (as :func:`placed` leaves them)."""
        self.documents += 1
        seen: set[str] = set()
        for span in spans:
            words = text[span["start"] : span["end"]]
            key = span["id"] or "\0" + words
            entity = self.entities.get(key)
            if entity is None:
                entity = self.entities[key] = Entity(span["id"], span.get("name") or words)
            entity.labels[span.get("label") or ""] += 1
            entity.variants[words] += 1
            entity.how.setdefault(words, how(span))
            if key not in seen:
                seen.add(key)
                entity.documents += 1
            if entity.coords is None and span.get("lat") is not None and span.get("lon") is not None:
                entity.coords = (float(span["lat"]), float(span["lon"]))

    def add_document(self, document: Document, spans: list[dict[str, Any]]) -> None:
        """One annotated document's span records, placed as the HTML report places them (one layer)."""
        from .formats import _outermost

        self.add(document.text, placed(document.text, _outermost(spans)))

    def merge(self, later: EntityTable) -> EntityTable:
        """Add the table of the documents that come after this one's; returns this table."""
        for key, entity in later.entities.items():
            mine = self.entities.get(key)
            if mine is None:
                self.entities[key] = Entity(entity.id, entity.name, Counter(entity.labels),
                                            Counter(entity.variants), dict(entity.how), entity.documents,
                                            entity.coords)
            else:
                mine.merge(entity)
        self.documents += later.documents
        return self

    @classmethod
    def combine(cls, tables: Iterable[EntityTable]) -> EntityTable:
        """The tables of consecutive parts of a corpus, in order, as one."""
        out = cls()
        for table in tables:
            out.merge(table)
        return out

    def resolved(self) -> list[Entity]:
        """Entities with a canonical id, most mentioned first (the report's order)."""
        return sorted((e for e in self.entities.values() if e.id), key=lambda e: (-e.mentions, e.name.casefold()))

    def unresolved(self) -> list[Entity]:
        return sorted((e for e in self.entities.values() if not e.id), key=lambda e: (-e.mentions, e.name.casefold()))

    def rows(self) -> list[dict[str, Any]]:
        """The table as plain rows (the JSONL summary), resolved entities first."""
        return [_row(e) for e in [*self.resolved(), *self.unresolved()]]

    def to_json(self) -> dict[str, Any]:
        """Everything the table holds, in order, as JSON values (:meth:`from_json` reads it back)."""
        return {"documents": self.documents, "entities": [
            [key, e.id, e.name, list(e.labels.items()), list(e.variants.items()), list(e.how.items()),
             e.documents, list(e.coords) if e.coords else None] for key, e in self.entities.items()]}

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> EntityTable:
        table = cls()
        table.documents = value["documents"]
        for key, id_, name, labels, variants, how_, documents, coords in value["entities"]:
            table.entities[key] = Entity(id_, name, Counter(dict(labels)), Counter(dict(variants)), dict(how_),
                                         documents, tuple(coords) if coords else None)
        return table


def _row(entity: Entity) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": entity.id, "name": entity.name, "type": [label for label, _ in entity.labels.most_common()],
        "mentions": entity.mentions, "documents": entity.documents,
        "variants": [{"text": words, "count": n, "match": entity.how[words]} for words, n in variants(entity)],
    }
    if entity.coords:
        row["lat"], row["lon"] = entity.coords
    return row


def variants(entity: Entity) -> list[tuple[str, int]]:
    """The variants seen, most frequent first (then by their words)."""
    return sorted(entity.variants.items(), key=lambda item: (-item[1], item[0]))


def placed(text: str, spans: list[dict[str, Any]], *, warn: logging.Logger | None = None) -> list[dict[str, Any]]:
    """The spans in text order, without any that overlaps an earlier one or lies outside the text
    (each left out is logged to ``warn``, when given)."""
    out, last = [], 0
    for span in sorted(spans, key=lambda s: (s["start"], -s["end"])):
        if not (last <= span["start"] < span["end"] <= len(text)):
            if warn is not None:
                warn.warning("span %s-%s (%r) overlaps another or lies outside the text; not shown",
                            span["start"], span["end"], span.get("text"))
            continue
        out.append(span)
        last = span["end"]
    return out


def how(span: dict[str, Any]) -> str:
    """How a span matched, in words: ``fuzzy match, score 0.92, romanization name``, or ``unresolved``."""
    if not span.get("id"):
        return "unresolved"
    text = f"{span.get('match') or 'match'} match, score {float(span.get('score') or 0):.2f}"
    return text + (f", {span['variant_kind']} name" if span.get("variant_kind") else "")


def render_summary(table: EntityTable, *, fmt: str = "tsv") -> str:
    """The table as ``tsv``, ``jsonl`` or ``html`` (the report's table on a page of its own)."""
    if fmt == "jsonl":
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in table.rows())
    if fmt == "html":
        from .report import render_table_page

        return render_table_page(table)
    from .formats import _tsv_rows

    cells = [[row["id"], row["name"], ", ".join(row["type"]), row["mentions"], row["documents"],
              "; ".join(f"{v['text']} ({v['count']})" for v in row["variants"])] for row in table.rows()]
    return _tsv_rows([SUMMARY_COLUMNS, *cells])


def summary_format(path: str | Path) -> str:
    """The format ``--summary`` writes to ``path``, by its suffix."""
    suffix = Path(path).suffix.lower()
    return "jsonl" if suffix in JSON_SUFFIXES else "html" if suffix in HTML_SUFFIXES else "tsv"


def write_summary(path: str | Path, table: EntityTable) -> None:
    """Write the table to ``path`` atomically, in the format its suffix names (raises OSError)."""
    from ..atomic import write_text

    write_text(path, render_summary(table, fmt=summary_format(path)))
