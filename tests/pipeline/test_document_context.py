"""DocumentContext against the straightforward build it replaces: for any mentions, resolutions and
order of updates, a name's context is what walking all the other mentions gives at that moment."""
from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from normalizer.gazetteer.schema import PLACE_LABELS, Entry
from normalizer.pipeline.document_context import CONTEXT_MIN_SCORE, DocumentContext, label
from normalizer.pipeline.mention import Mention
from normalizer.pipeline.resolve import Context, Resolution, Resolver
from normalizer.text.keys import fold
from normalizer.world.distance import km, rough_km
from normalizer.world.index import Place
from normalizer.world.weights import place_weights

EVIDENCE = place_weights().evidence
NEAR_KM, SUPPORT_KM, SUPPORT_WEIGHT, SUPPORT_CAP = (EVIDENCE.nearness_km, EVIDENCE.support_km, EVIDENCE.support,
                                                    EVIDENCE.support_cap)

POINTS = [(50.0, 36.25), (49.99, 36.3), (48.85, 2.35), (32.46, -82.92), (32.47, -82.91), (-33.9, 151.2), (50, 36)]
WRITTEN = ["Paris", "PARIS", "Lyon", "Laurens County", "Kharkiv", "Acme", "Smith", "Latah County"]
MANY = tuple((40.0 + i / 7, -100.0 + i / 3) for i in range(40))  # more than Neighbours sums in a plain loop


class FakeWorld:
    """What DocumentContext asks of the world layer: places by id, county states, neighbour points."""

    PLACES = {
        "geonames:1": Place("geonames:1", "Kharkiv", "city", "UA", "07", 50.0, 36.25, 1_400_000),
        "geonames:2": Place("geonames:2", "Kharkiv Oblast", "admin1", "UA", "07", 49.99, 36.3, 2_600_000),
        "geonames:3": Place("geonames:3", "Laurens County", "admin2", "US", "GA", 32.46, -82.92, 47_000),
        "geonames:4": Place("geonames:4", "France", "country", "FR", None, 46.0, 2.0, 67_000_000),
    }
    STATES = {"latah county": {"ID"}, "laurens county": {"GA", "SC"}}
    NEIGHBOURS = {"Paris": (POINTS[2], POINTS[3]), "PARIS": (POINTS[3],), "Lyon": (), "Laurens County": MANY,
                  "Kharkiv": (POINTS[0], POINTS[1]), "Acme": (POINTS[5],), "Smith": (), "Latah County": MANY[:3]}

    def place(self, canonical_id: str) -> Place | None:
        return self.PLACES.get(canonical_id)

    def county_states(self, text: str) -> set[str]:
        return self.STATES.get(fold(text), set())

    def neighbour_points(self, text: str) -> tuple[tuple[float, float], ...]:
        return self.NEIGHBOURS.get(text, (POINTS[6],))


ENTRIES = [
    Entry("geonames:1", name="Kharkiv", type="city", country="UA", lat=50.0, lon=36.25),
    Entry("geonames:2", name="Kharkiv Oblast", type="region", country="UA", lat=49.99, lon=36.3),
    Entry("geonames:3", name="Laurens County", type="region", country="US", lat=32.46, lon=-82.92),
    Entry("geonames:4", name="France", type="country", country="FR", lat=46.0, lon=2.0),
    Entry("city:paris", name="Paris", type="city", country="FR", lat=48.85, lon=2.35),
    Entry("city:paris-us", name="Paris", type="city", country="US", lat=50, lon=36),  # int degrees: same point
    Entry("org:acme", name="Acme", type="organization", country="US"),
    Entry("person:smith", name="Smith", type="person"),
    Entry("area:nowhere", name="Nowhere", type="area"),
]

resolutions = st.one_of(st.none(), st.builds(
    lambda entry, score: Resolution(entry, entry.name, "geonames", "exact", score),
    st.sampled_from(ENTRIES), st.sampled_from([0.1, CONTEXT_MIN_SCORE, 0.9])))


@st.composite
def documents(draw):
    n = draw(st.integers(1, 12))
    written = draw(st.lists(st.sampled_from(WRITTEN), min_size=n, max_size=n))
    labels = draw(st.lists(st.sampled_from(["GPE", "LOC", "ORG", "PERSON", None]), min_size=n, max_size=n))
    mentions = [Mention(i, i + 1, lab) for i, lab in enumerate(labels)]
    first = draw(st.lists(resolutions, min_size=n, max_size=n))
    steps = draw(st.lists(st.one_of(st.tuples(st.just("update"), st.integers(0, n - 1), resolutions),
                                    st.tuples(st.just("context"), st.sampled_from(written))), max_size=25))
    inside = draw(st.lists(st.sampled_from(WRITTEN), max_size=4))
    nationalities = draw(st.lists(st.sampled_from(["UA", "FR", "US"]), max_size=3))
    return mentions, written, first, steps, inside, nationalities


def from_scratch(resolver, mentions, resolutions, keys, written, *, leave_out, inside, nationalities) -> Context:
    """The context as resolve_mentions built it before DocumentContext: every other mention walked."""
    context = Context()
    neighbours = set()
    for mention, found, key, text in zip(mentions, resolutions, keys, written):
        if key == leave_out:
            continue
        if resolver.world is not None and key not in neighbours and label(mention, found) in PLACE_LABELS:
            neighbours.add(key)
            context.places.add_neighbour(resolver.world.neighbour_points(text))
        if found and found.score >= CONTEXT_MIN_SCORE:
            resolver.remember(context, found.entry)
        elif found is None and resolver.world is not None:
            states = resolver.world.county_states(text)
            if states:
                context.places.add_region("US", states)
    for country in nationalities:
        context.places.countries[country] = context.places.countries.get(country, 0) + 1
    for name in inside:
        key = fold(name)
        if key != leave_out and key not in neighbours:
            neighbours.add(key)
            context.places.add_neighbour(resolver.world.neighbour_points(name))
    return context


def straightforward_nearness(points, place: Place) -> float:
    return 2.0 * math.exp(-min(km((place.lat, place.lon), p) for p in points) / NEAR_KM)


def straightforward_support(neighbours, place: Place) -> float:
    support = sum(math.exp(-min(rough_km(place.lat, place.lon, p) for p in points) / SUPPORT_KM)
                  for points in neighbours)
    return min(SUPPORT_CAP, SUPPORT_WEIGHT * support)


PROBES = [Place(f"probe:{i}", "x", "city", "US", None, lat, lon, 0)
          for i, (lat, lon) in enumerate([*POINTS, MANY[5], (0.0, 179.9)])]


def assert_same(view: Context, expected: Context) -> None:
    assert set(view.ids) == set(expected.ids)
    assert set(view.countries) == set(expected.countries)
    assert all(i in view.ids for i in expected.ids) and all(c in view.countries for c in expected.countries)
    assert not any(e.canonical_id in view.ids for e in ENTRIES if e.canonical_id not in expected.ids)
    places, want = view.places, expected.places
    assert places.countries == want.countries
    assert all(places.countries.get(c, 0) == want.countries.get(c, 0) for c in ["UA", "FR", "US", "XX"])
    assert set(places.regions) == set(want.regions)
    assert all(r in places.regions for r in want.regions) and ("US", "XX") not in places.regions
    assert sorted(places.point_set().points) == sorted((float(a), float(b)) for a, b in want.points)
    assert places.neighbour_set().kept() == want.neighbours
    assert places.has_points == bool(want.points) and places.has_neighbours == bool(want.neighbours)
    for probe in PROBES:
        if want.points:
            assert places.nearness(probe) == straightforward_nearness(want.points, probe)
        if want.neighbours:
            exact = straightforward_support(want.neighbours, probe)
            assert places.exact_support(probe) == exact
            assert abs(places.support(probe) - exact) <= places.neighbour_set().error


@settings(max_examples=300, deadline=None)
@given(documents(), st.booleans())
def test_a_names_context_is_the_others_as_they_stand(document, with_world):
    mentions, written, first, steps, inside, nationalities = document
    resolver = Resolver(None, world=FakeWorld() if with_world else None)
    inside = inside if with_world else []
    keys = [fold(w) for w in written]
    current = list(first)
    tally = DocumentContext(resolver, mentions, keys, written, inside=inside, nationalities=nationalities)
    tally.tally(current)
    one_by_one = DocumentContext(resolver, mentions, keys, written, inside=inside, nationalities=nationalities)
    for i, found in enumerate(current):
        one_by_one.update(i, found)
    for key in set(keys):  # the first resolutions told at once or one at a time: the same contexts
        expected = from_scratch(resolver, mentions, current, keys, written, leave_out=key, inside=inside,
                                nationalities=nationalities)
        assert_same(one_by_one.leaving_out(key), expected)
        assert_same(tally.leaving_out(key), expected)
    taken = []
    for step in steps:
        if step[0] == "update":
            _, i, found = step
            current[i] = found
            tally.update(i, found)
        else:
            key = fold(step[1])
            expected = from_scratch(resolver, mentions, current, keys, written, leave_out=key, inside=inside,
                                    nationalities=nationalities)
            view = tally.leaving_out(key)
            assert_same(view, expected)
            taken.append((view, expected))
    for view, expected in taken:  # fixed when taken: later updates did not change them
        assert_same(view, expected)


STORY = ("Dublin, Ga. - Laurens County officials met in Dublin on Monday. The Dublin mayor said Laurens County and "
         "Johnson County would share the cost with Springfield, Jackson and Macon. In Springfield, Illinois, "
         "officials disagreed. Kharkiv and Izium were shelled, Ukrainian officials said; Kharkov Oblast is calm. "
         "The Moray Council met in Greenville. Washington County deputies said Greenville police helped.")


class FromScratch(DocumentContext):
    """DocumentContext whose contexts are built the straightforward way (the resolutions it was told)."""

    built: list[str] = []

    def __init__(self, resolver, mentions, keys, written, *, inside=(), nationalities=()):
        super().__init__(resolver, mentions, keys, written, inside=inside, nationalities=nationalities)
        self.resolver, self.given, self.current = resolver, (list(inside), list(nationalities)), [None] * len(mentions)

    def tally(self, resolutions):
        super().tally(resolutions)
        self.current = list(resolutions)

    def update(self, i, found):
        super().update(i, found)
        self.current[i] = found

    def leaving_out(self, key):
        FromScratch.built.append(key)
        inside, nationalities = self.given
        return from_scratch(self.resolver, self.mentions, self.current, self.keys, self.written, leave_out=key,
                            inside=inside, nationalities=nationalities)


def test_the_pipeline_resolves_as_with_contexts_built_from_scratch(sm_nlp, monkeypatch):
    from normalizer.pipeline import mentions as stage
    from normalizer.pipeline.records import doc_records

    text = " ".join([STORY] * 3)
    fast = doc_records(sm_nlp(text))
    monkeypatch.setattr(stage, "DocumentContext", FromScratch)
    assert doc_records(sm_nlp(text)) == fast
    assert FromScratch.built
    assert any(r["id"] for r in fast)

