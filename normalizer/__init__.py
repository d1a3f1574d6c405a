"""entity-normalizer: people, organizations and places in English text, mapped to canonical ids."""
from __future__ import annotations

from .errors import GazetteerError, GazetteerErrors, InputError, ModelError, NormalizerError
from .gazetteer import Gazetteer, load_gazetteer
from .pipeline import annotate, annotate_many, doc_records, load, load_model

__version__ = "0.1.0"

__all__ = [
    "Gazetteer",
    "GazetteerError",
    "GazetteerErrors",
    "InputError",
    "ModelError",
    "NormalizerError",
    "annotate",
    "annotate_many",
    "doc_records",
    "load",
    "load_gazetteer",
    "load_model",
]
