"""A name's candidate places as the world layer weighs them: the table, and the ranking by weight.

``CandidateTable`` is a name's candidates (remembered between documents by ``WorldPlaces``), each with
its prior, and what follows from them alone, made on first use: the variants ``WorldPlaces.resolve``
weighs (the namesakes inside a named container added, only the very name's places, a preferred place
added) and the ranking when the document says nothing. ``ranking`` weighs candidates: prior plus
evidence (plus the curated bonus of the preferred place), softmax shares, and the order the choice
and its alternatives are given in (``Ranking``).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .index import Place
from .points import Candidates
from .weights import PriorWeights


class CandidateTable(Candidates):
    """A name's candidates: ``found`` (a place and how it matched), each with its ``prior``; ``variants``
    and ``plain`` (the ranking without evidence) are filled by ``WorldPlaces.resolve`` on first use."""

    __slots__ = ("found", "priors", "variants", "plain")

    def __init__(self, found: tuple[tuple[Place, str], ...], priors: tuple[float, ...]) -> None:
        super().__init__([place for place, _ in found])
        self.found, self.priors = found, priors
        self.variants: dict[tuple, CandidateTable | None] = {}
        self.plain: Ranking | None = None


@dataclass
class Ranking:
    """Candidates weighed: ``ranked`` by weight, ``order`` the same with the preferred place first
    when the context does not favour the namesake (``compared``: the two evidences, if weighed)."""

    weights: list[float]
    shares: list[float]
    total: float
    ranked: list[int]
    order: list[int]
    compared: tuple[float, float] | None

    def certain(self, error: float, base: float) -> bool:
        """Whether weights and evidences each off by up to ``error`` would still give this choice,
        these alternatives in this order and these rounded scores."""
        weights, ranked = self.weights, self.ranked
        if any(weights[ranked[i]] - weights[ranked[i + 1]] <= 2 * error for i in range(min(4, len(ranked) - 1))):
            return False
        if self.compared is not None and abs(self.compared[0] - self.compared[1]) <= 2 * error:
            return False
        slack = 4 * error  # each share moves by a factor within exp(±2 error)
        for i in self.order[:4]:
            share = base * self.shares[i] / self.total
            if round(share * (1 - slack), 3) != round(share * (1 + slack), 3):
                return False
        return True


def ranking(found: Sequence[tuple[Place, str]], priors: Sequence[float], evidence: Sequence[float],
            prefer: str | None, weights: PriorWeights) -> Ranking:
    """The candidates ranked by prior plus evidence (plus ``weights.curated`` for the ``prefer``red place).
    A namesake replaces the preferred place only when the document's context favours it by more than
    ``weights.curated_margin`` (a hair of support from an unrelated name is no reason)."""
    curated = weights.curated
    scores = [priors[i] + evidence[i] + curated * (place.canonical_id == prefer) for i, (place, _) in enumerate(found)]
    top = max(scores)
    shares = [math.exp(w - top) for w in scores]
    ranked = sorted(range(len(found)), key=scores.__getitem__, reverse=True)
    order, compared = list(ranked), None
    best = order[0]
    if prefer and found[best][0].canonical_id != prefer:
        mine = next(i for i, (place, _) in enumerate(found) if place.canonical_id == prefer)
        compared = (evidence[best], evidence[mine] + weights.curated_margin)
        if compared[0] <= compared[1]:
            order.remove(mine)
            order.insert(0, mine)
    return Ranking(scores, shares, sum(shares), ranked, order, compared)
