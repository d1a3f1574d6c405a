"""The weights the world layer ranks candidate places by, read from ``normalizer/data/place_weights.toml``.

The file says what each weight means; ``place_weights()`` reads it on first use (nothing is read at
import time) and keeps it. A section or weight missing, or one this code does not know, raises
``ConfigError`` naming the file.
"""
from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

from ..errors import ConfigError

WEIGHTS_FILE = "data/place_weights.toml"  # inside the package


@dataclass(frozen=True, slots=True)
class PriorWeights:
    """``[prior]`` of the weights file: what is known of a candidate without the document."""

    capital: float
    population_offset: float
    translit_penalty: float
    alternate_name_penalty: float
    curated: float
    curated_margin: float
    feature_bonus: Mapping[str, float]


@dataclass(frozen=True, slots=True)
class EvidenceWeights:
    """``[evidence]`` of the weights file: what the document says for a candidate."""

    container_country: float
    container_region: float
    country_mention: float
    country_cap: float
    region: float
    nearness: float
    nearness_km: float
    support: float
    support_km: float
    support_cap: float


@dataclass(frozen=True, slots=True)
class ScoreWeights:
    """``[score]`` of the weights file: from weights to the score a choice is given."""

    fold: float
    translit: float
    strict_min_population: int


@dataclass(frozen=True, slots=True)
class PlaceWeights:
    """The weights of ``normalizer/data/place_weights.toml`` (each explained there)."""

    prior: PriorWeights
    evidence: EvidenceWeights
    score: ScoreWeights

    def base_score(self, match: str) -> float:
        """The score of a winner that matched this way ("fold", "translit"), times its share."""
        return self.score.fold if match == "fold" else self.score.translit


@cache
def place_weights() -> PlaceWeights:
    """The world layer's weights, read from the package's ``WEIGHTS_FILE`` on first use, then kept."""
    return weights_from_toml(resources.files("normalizer").joinpath(WEIGHTS_FILE).read_text(encoding="utf-8"))


def weights_from_toml(text: str, *, source: str = WEIGHTS_FILE) -> PlaceWeights:
    """The weights of a text in the weights file's format; a section or weight missing, one this code
    does not know, or one that is not a number raises ``ConfigError`` naming ``source``."""
    try:
        data = tomllib.loads(text)
        prior = dict(data.pop("prior"))
        bonus = dict(prior.pop("feature_bonus"))
        sections = {"prior": prior, "prior.feature_bonus": bonus, "evidence": data.pop("evidence"),
                    "score": data.pop("score")}
    except KeyError as exc:
        raise ConfigError(f"{source}: no table {exc.args[0]!r}") from None
    except (tomllib.TOMLDecodeError, TypeError, ValueError) as exc:
        raise ConfigError(f"{source}: {exc}") from None
    if data:
        raise ConfigError(f"{source}: unknown section(s) {', '.join(sorted(data))}")
    for section, values in sections.items():
        for name, value in values.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ConfigError(f"{source}: [{section}] {name} is not a number: {value!r}")
    try:
        return PlaceWeights(PriorWeights(**prior, feature_bonus=MappingProxyType(bonus)),
                            EvidenceWeights(**sections["evidence"]), ScoreWeights(**sections["score"]))
    except TypeError as exc:  # a weight missing, or one the code does not know
        raise ConfigError(f"{source}: {exc}") from None
