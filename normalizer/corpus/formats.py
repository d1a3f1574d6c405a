"""Output formats of ``annotate``: JSONL (default), TSV, readable inline text, and an HTML report."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from .inputs import Document

TSV_COLUMNS = ("doc_id", "start", "end", "text", "label", "id", "name", "match", "score",
               "variant_kind", "lat", "lon")


def record_document(record: dict[str, Any]) -> tuple[Document, list[dict[str, Any]]]:
    """The document and spans of a JSONL record (:func:`document_record` the other way round)."""
    fields = {k: v for k, v in record.items() if k not in ("id", "path", "text", "spans")}
    return Document(id=record["id"], text=record["text"], path=record.get("path"), fields=fields), record["spans"]


def document_record(doc: Document, spans: list[dict[str, Any]]) -> dict[str, Any]:
    """The JSONL record: the input's own fields, id, path, the original text and the spans."""
    record: dict[str, Any] = dict(doc.fields)
    record["id"] = doc.id
    if doc.path:
        record["path"] = doc.path
    record["text"] = doc.text
    record["spans"] = spans
    return record


class Writer:
    """Writes documents in one format to a stream; ``close`` writes what a format needs at the end."""

    def __init__(self, stream: TextIO, fmt: str, *, header: bool = True) -> None:
        """``header=False`` continues an earlier run's output (no second TSV header)."""
        self.stream, self.format = stream, fmt
        self.documents: list[tuple[Document, list[dict[str, Any]]]] = []  # kept for the HTML page
        if fmt == "tsv" and header:
            stream.write(_tsv_rows([TSV_COLUMNS]))

    def write(self, doc: Document, spans: list[dict[str, Any]]) -> None:
        """Write one document; raises ValueError (before writing anything) for a value JSON cannot hold."""
        if self.format == "html":
            self.documents.append((doc, _outermost(spans)))
            return
        self.stream.write(self.render(doc, spans))

    def write_record(self, record: dict[str, Any]) -> None:
        """Write one document given as its JSONL record (a JSONL record is written as it is)."""
        if self.format == "jsonl":
            self.stream.write(json.dumps(record, ensure_ascii=False, allow_nan=False) + "\n")
        else:
            self.write(*record_document(record))

    def render(self, doc: Document, spans: list[dict[str, Any]]) -> str:
        """One document's output in a streaming format (jsonl, tsv, text), written in one piece."""
        if self.format == "jsonl":
            return json.dumps(document_record(doc, spans), ensure_ascii=False, allow_nan=False) + "\n"
        if self.format == "tsv":
            rows = ({"doc_id": doc.id, **span} for span in spans)
            return _tsv_rows([row.get(c) for c in TSV_COLUMNS] for row in rows)
        return f"# {doc.id}\n{inline(doc.text, spans)}\n\n"

    def close(self) -> None:
        """Write what the format needs after the last document (the HTML page); the stream stays open."""
        if self.format == "html":
            from .report import render_report

            self.stream.write(render_report(self.documents))
            self.documents = []
        self.stream.flush()


def _tsv_rows(rows: Iterable[Sequence[Any]]) -> str:
    """Rows of cells as TSV, in one piece: csv's ``excel-tab`` dialect, so a cell holding a tab, a line
    break or a double quote is quoted (its quotes doubled) and ``csv.reader(f, dialect="excel-tab")``
    gives it back exactly; ``None`` is an empty cell. Each row ends with ``\\n``, not excel's ``\\r\\n``:
    the rows are written with ``\\r\\n`` and re-ended, since Python 3.11's csv quotes a cell holding
    ``\\r`` only when ``\\r`` is part of the line terminator."""
    out = io.StringIO()
    writer = csv.writer(out, dialect="excel-tab")
    lines = []
    for row in rows:
        writer.writerow(row)
        lines.append(out.getvalue().removesuffix("\r\n"))
        out.seek(0)
        out.truncate()
    return "".join(line + "\n" for line in lines)


def inline(text: str, spans: list[dict[str, Any]]) -> str:
    """The text with each entity marked in place: [Kharkov region|GPE|place:kharkiv-oblast|Kharkiv Oblast].

    A span inside another (the geoparsing conventions' nested places) is marked inside it:
    [University of [Tulsa|GPE|geonames:4553433|Tulsa]|ORG|?]. A span that crosses an
    earlier one's edge is left out.
    """
    ordered = sorted(spans, key=lambda s: (s["start"], -s["end"]))
    return _marked(text, ordered, 0, len(text))


def _marked(text: str, spans: list[dict[str, Any]], lo: int, hi: int) -> str:
    out, last = [], lo
    i = 0
    while i < len(spans):
        span = spans[i]
        inner = []
        i += 1
        while i < len(spans) and spans[i]["start"] < span["end"]:
            if spans[i]["end"] <= span["end"]:
                inner.append(spans[i])
            i += 1
        if span["start"] < last or span["end"] > hi:
            continue
        out.append(text[last : span["start"]])
        resolved = f"|{span['id']}|{span['name']}" if span.get("id") else "|?"
        words = _marked(text, inner, span["start"], span["end"]) if inner else span["text"]
        out.append(f"[{words}|{span['label']}{resolved}]")
        last = span["end"]
    out.append(text[last:hi])
    return "".join(out)


def _outermost(spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Without the geoparsing conventions' spans that lie inside another (the HTML page marks one layer)."""
    if not any("convention" in s for s in spans):
        return spans
    return [s for s in spans if "convention" not in s
            or not any(o is not s and o["start"] < s["end"] and s["start"] < o["end"] for o in spans)]
