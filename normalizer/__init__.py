"""entity-normalizer: people, organizations and places in English text, mapped to canonical ids.

The public names are imported on first use (PEP 562), so ``import normalizer`` and the commands
that need no spaCy (``entity-normalizer --help``, ``gazetteer check``) do not pay for importing it:
``normalizer.load`` imports spaCy, ``normalizer.load_gazetteer`` only the gazetteer.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import AnnotationError, GazetteerError, GazetteerErrors, InputError, ModelError, NormalizerError

__version__ = "0.1.0"

# name -> the module (relative to this package) that defines it, imported when the name is first used
_LAZY = {
    "annotate": ".corpus.batch",
    "annotate_documents": ".corpus.batch",
    "annotate_many": ".corpus.batch",
    "Gazetteer": ".gazetteer.load",
    "load_gazetteer": ".gazetteer.load",
    "PipelineConfig": ".pipeline.load",
    "load": ".pipeline.load",
    "load_model": ".pipeline.load",
    "doc_records": ".pipeline.records",
}

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

if TYPE_CHECKING:
    from .corpus.batch import annotate, annotate_documents, annotate_many
    from .gazetteer.load import Gazetteer, load_gazetteer
    from .pipeline.load import PipelineConfig, load, load_model
    from .pipeline.records import doc_records


def __getattr__(name: str) -> Any:
    """A public name imported from its module on first use, then kept as a plain attribute."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
