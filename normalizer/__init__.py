"""entity-normalizer: people, organizations and places in English text, mapped to canonical ids."""
from __future__ import annotations

from .corpus.batch import annotate, annotate_documents, annotate_many
from .errors import AnnotationError, GazetteerError, GazetteerErrors, InputError, ModelError, NormalizerError
from .gazetteer.load import Gazetteer, load_gazetteer
from .pipeline.load import PipelineConfig, load, load_model
from .pipeline.records import doc_records

__version__ = "0.1.0"

__all__ = [
    "AnnotationError",
    "PipelineConfig",
    "annotate_documents",
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
