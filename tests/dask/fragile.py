"""A pipeline that fails on one word, saved to a folder the workers load it from (invented texts only).

Worker processes import this module (through a worker plugin in the tests) so that spaCy knows the
component when it loads the saved pipeline."""
from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language

MARKER = "EXPLODE"


@Language.component("test_dask_fails_on_marker")
def fails_on_marker(doc):
    if MARKER in doc.text:
        raise ValueError("this component refuses the marker")
    return doc


def save_fragile_model(folder: Path) -> Path:
    """spaCy's blank English pipeline with the failing component, saved to ``folder``."""
    nlp = spacy.blank("en")
    nlp.add_pipe("test_dask_fails_on_marker")
    nlp.to_disk(folder)
    return folder
