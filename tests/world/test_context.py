"""Nearness and support over numpy arrays: the nearest point exactly the straightforward float, nearness and
support of many candidates within their stated errors of the straightforward sums (and exactly them on demand)."""
from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from normalizer.gazetteer.schema import Entry
from normalizer.world.context import PlaceContext
from normalizer.world.distance import PointArrays, km, rough_km
from normalizer.world.index import Place
from normalizer.world.points import NEARNESS_ERROR, SMALL, Candidates, Neighbours, PointSet
from normalizer.world.ranking import Ranking
from normalizer.world.weights import place_weights

EVIDENCE = place_weights().evidence
NEAR_KM, SUPPORT_KM, SUPPORT_WEIGHT, SUPPORT_CAP = (EVIDENCE.nearness_km, EVIDENCE.support_km, EVIDENCE.support,
                                                    EVIDENCE.support_cap)
NEAR_WEIGHT = EVIDENCE.nearness

lats = st.floats(-90, 90, allow_nan=False)
lons = st.floats(-180, 180, allow_nan=False)
points = st.tuples(lats, lons)


@st.composite
def clustered(draw, min_size=1, max_size=80):
    """Points anywhere, or bunched around one (as a document's places are), across the antimeridian too."""
    centre = draw(st.sampled_from([(0.0, 179.99), (36.3, -88.3), (89.9, 0.0), (50.0, 36.25)]))
    near = st.tuples(st.floats(-0.5, 0.5), st.floats(-0.5, 0.5)).map(
        lambda d: (max(-90.0, min(90.0, centre[0] + d[0])), (centre[1] + d[1] + 180.0) % 360.0 - 180.0))
    return draw(st.lists(st.one_of(points, near), min_size=min_size, max_size=max_size))


def place_at(point) -> Place:
    return Place("probe", "x", "city", "US", None, point[0], point[1], 0)


@settings(max_examples=200, deadline=None)
@given(clustered(), points)
def test_vectorized_rough_distances_stay_within_their_bound(many, point):
    arrays = PointArrays(np.array([p[0] for p in many]), np.array([p[1] for p in many]))
    rough = arrays.rough_km_to(*point)
    for p, d in zip(many, rough.tolist()):
        exact = rough_km(point[0], point[1], p)
        assert abs(d - exact) <= 1e-10 + 1e-14 * exact


@settings(max_examples=300, deadline=None)
@given(clustered(max_size=120), st.one_of(points, st.just((0.0, -179.995))))
def test_the_nearest_point_is_found_exactly(many, point):
    assert PointSet(many).nearest_km(point) == min(km(point, p) for p in many)


@settings(max_examples=300, deadline=None)
@given(clustered(max_size=60), st.lists(st.one_of(points, clustered(max_size=1).map(lambda p: p[0])), min_size=1,
                                        max_size=12))
def test_vectorized_nearness_within_its_error_and_exact_on_demand(many, candidates):
    geometry = Candidates([place_at(c) for c in candidates]).geometry
    want = [NEAR_WEIGHT * math.exp(-min(km(c, p) for p in many) / NEAR_KM) for c in candidates]
    assert PointSet(many).nearness_many(geometry, exact=True) == want
    for got, exact in zip(PointSet(many).nearness_many(geometry), want):
        assert abs(got - exact) <= NEAR_WEIGHT * NEARNESS_ERROR


def test_vectorized_nearness_near_a_point_and_its_antipode():
    many = [(50.0, 36.25), (50.0 + 1e-9, 36.25), (-50.0, -143.75), (10.0, 10.0), (10.0, 10.0 + 1e-12),
            (0.0, 179.9999), (0.0, -179.9999), (89.9999, 0.0), (-89.9999, 180.0), (1.0, 1.0)]
    candidates = [(50.0, 36.25), (50.0, 36.2500001), (-50.0, -143.75), (10.0, 10.0), (0.0, 180.0), (90.0, 0.0),
                  (-90.0, 0.0), (50.0, 36.25 + 1e-13)]
    geometry = Candidates([place_at(c) for c in candidates]).geometry
    for got, exact in zip(PointSet(many).nearness_many(geometry), PointSet(many).nearness_many(geometry, exact=True)):
        assert abs(got - exact) <= NEAR_WEIGHT * NEARNESS_ERROR


@settings(max_examples=150, deadline=None)
@given(st.lists(clustered(max_size=10), min_size=1, max_size=30), points, st.integers(0, 40))
def test_support_within_its_error_and_exact_on_demand(groups, point, left_out):
    groups = [tuple(g) for g in groups]
    keys = [f"name{i}" for i in range(len(groups))]
    neighbours = Neighbours(groups, keys).leaving_out(f"name{left_out}")
    kept = [g for i, g in enumerate(groups) if i != left_out]
    straightforward = min(SUPPORT_CAP, SUPPORT_WEIGHT * sum(
        math.exp(-min(rough_km(point[0], point[1], p) for p in g) / SUPPORT_KM) for g in kept))
    assert neighbours.kept() == kept and neighbours.count == len(kept)
    assert neighbours.exact_support(*point) == straightforward
    assert abs(neighbours.support(*point) - straightforward) <= neighbours.error
    assert (neighbours.error > 0) == (sum(map(len, groups)) > SMALL and bool(kept))


def test_a_place_context_forgets_what_a_new_point_or_neighbour_changes():
    context = PlaceContext()
    probe = place_at((50.0, 36.2))
    context.add(Entry("x:far", type="city", lat=48.85, lon=2.35))
    far = context.nearness(probe)
    context.add(Entry("x:near", type="city", lat=50.0, lon=36.25))
    assert context.nearness(probe) > far
    assert context.nearness(probe) == 2.0 * math.exp(-km((50.0, 36.2), (50.0, 36.25)) / NEAR_KM)
    context.add_neighbour(((48.85, 2.35),))
    alone = context.support(probe)
    context.add_neighbour(((50.0, 36.25), (10.0, 10.0)))
    assert context.support(probe) > alone
    assert context.points == [(48.85, 2.35), (50.0, 36.25)] and len(context.neighbours) == 2


def test_a_ranking_is_certain_only_away_from_ties_and_rounding_edges():
    def ranking(weights, shares, compared=None):
        order = sorted(range(len(weights)), key=lambda i: weights[i], reverse=True)
        return Ranking(weights, shares, sum(shares), order, order, compared)

    clear = ranking([5.0, 3.0, 1.0], [1.0, 0.2, 0.05])
    assert clear.certain(1e-9, 0.9)
    assert not ranking([5.0, 5.0 - 1e-10, 1.0], [1.0, 1.0, 0.05]).certain(1e-9, 0.9)  # the order may flip
    assert not ranking([5.0, 3.0, 1.0], [1.0, 0.2, 0.05], compared=(2.0, 2.0 + 1e-10)).certain(1e-9, 0.9)
    assert ranking([5.0, 3.0], [1.0, 0.2]).certain(1e-9, 1.0)
    assert not ranking([5.0, 3.0], [1.0, 0.0125 / 0.9875]).certain(1e-6, 1.0)  # scores 0.9875 and 0.0125: edges
