"""A processed Doc's entities as plain records: offsets into its text, the words, the id and how it matched."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from spacy.tokens import Doc, Span

from .conventions import SPAN_GROUP


def span_record(span: Span, *, why: bool = False) -> dict[str, Any]:
    """One entity as a plain dict: offsets into the original text, the text as written, the id;
    with ``why``, the rules that made or changed it (``Span._.why``), when there are any."""
    ext = span._
    record: dict[str, Any] = {
        "start": span.start_char,
        "end": span.end_char,
        "text": span.text,
        "label": span.label_,
        "id": span.kb_id_ or None,
        "name": ext.canonical_name,
        "match": ext.match_kind or "none",
        "score": ext.match_score if ext.match_score is not None else 0.0,
    }
    if ext.variant_kind:
        record["variant_kind"] = ext.variant_kind
    if ext.lat is not None:
        record["lat"], record["lon"] = ext.lat, ext.lon
    if ext.alternatives:
        record["alternatives"] = [{"id": i, "score": s} for i, s in ext.alternatives]
    if ext.convention:
        record["convention"] = ext.convention
    if why and ext.why:
        record["why"] = list(ext.why)
    return record


def doc_records(doc: Doc, *, labels: Iterable[str] | None = None, why: bool = False) -> list[dict[str, Any]]:
    """The normalizer's entities of a processed Doc as plain records, in text order.

    With the geoparsing conventions, the extra places of ``doc.spans["geoparse"]`` come too (each
    after the entity it lies in), marked by ``"convention"``.
    """
    wanted = set(labels) if labels else None
    spans = [ent for ent in doc.ents if ent._.match_kind is not None]
    if SPAN_GROUP in doc.spans:
        # spaCy keys Span._ values by character offsets: a NORP entity with a demonym's offsets
        # shows that demonym's values, and the demonym's own record stands for it.
        spans = [ent for ent in spans if ent._.convention is None]
        spans = sorted([*spans, *doc.spans[SPAN_GROUP]], key=lambda s: s.start)
    return [span_record(span, why=why) for span in spans if wanted is None or span.label_ in wanted]
