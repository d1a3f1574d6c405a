"""The ``Span._`` attributes the normalizer sets, registered once, here only.

The canonical id itself goes in spaCy's own ``span.kb_id_`` so displaCy, DocBin and other
tools carry it; these extensions hold the rest.
"""
from __future__ import annotations

from spacy.tokens import Span

SPAN_EXTENSIONS: dict[str, object] = {
    "canonical_name": None,  # the entry's display name, e.g. "Kharkiv Oblast"
    "match_kind": None,  # exact | folded | translit | fuzzy | none
    "match_score": None,  # 0-1, how sure the match is
    "variant": None,  # the gazetteer name that matched, e.g. "Kharkov region"
    "variant_kind": None,  # former, russian, translit:uk-national, ...
    "entity_type": None,  # the entry's type: city, region, person, ...
    "lat": None,
    "lon": None,
    "ner_label": None,  # the label NER gave, if NER found the span
    "alternatives": None,  # [(canonical_id, score), ...] other candidates
    "convention": None,  # geoparse mode only: why an extra place span is there ("nested", "demonym")
    "why": None,  # the rules that made or changed the mention, in order: ("untagged", "comma"), ("widened",)
}


def register_extensions() -> None:
    """Register the Span extensions if they are not there yet (safe to call many times)."""
    for name, default in SPAN_EXTENSIONS.items():
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)
