"""Output formats of ``annotate``: JSONL (default), TSV, readable inline text, and an HTML report."""
from __future__ import annotations

import json
from typing import Any, TextIO

from .inputs import Document

TSV_COLUMNS = ("doc_id", "start", "end", "text", "label", "id", "name", "match", "score",
               "variant_kind", "lat", "lon")


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

    def __init__(self, stream: TextIO, fmt: str) -> None:
        self.stream, self.format = stream, fmt
        self.documents: list[tuple[Document, list[dict[str, Any]]]] = []  # kept for the HTML page
        if fmt == "tsv":
            stream.write("\t".join(TSV_COLUMNS) + "\n")

    def write(self, doc: Document, spans: list[dict[str, Any]]) -> None:
        if self.format == "html":
            self.documents.append((doc, spans))
        elif self.format == "jsonl":
            self.stream.write(json.dumps(document_record(doc, spans), ensure_ascii=False) + "\n")
        elif self.format == "tsv":
            for span in spans:
                row = {"doc_id": doc.id, **span}
                self.stream.write("\t".join(_cell(row.get(c)) for c in TSV_COLUMNS) + "\n")
        else:
            self.stream.write(f"# {doc.id}\n{inline(doc.text, spans)}\n\n")

    def close(self) -> None:
        """Write what the format needs after the last document (the HTML page); the stream stays open."""
        if self.format == "html":
            from .report import render_report

            self.stream.write(render_report(self.documents))
            self.documents = []
        self.stream.flush()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return " ".join(str(value).split())


def inline(text: str, spans: list[dict[str, Any]]) -> str:
    """The text with each entity marked in place: [Kharkov region|GPE|place:kharkiv-oblast|Kharkiv Oblast]."""
    out, last = [], 0
    for span in sorted(spans, key=lambda s: s["start"]):
        out.append(text[last : span["start"]])
        resolved = f"|{span['id']}|{span['name']}" if span.get("id") else "|?"
        out.append(f"[{span['text']}|{span['label']}{resolved}]")
        last = span["end"]
    out.append(text[last:])
    return "".join(out)
