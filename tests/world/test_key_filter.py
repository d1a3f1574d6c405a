"""The key filter: no key the index holds is ever refused, and answers stay what the query gives."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from normalizer.world.index import _CANDIDATES_SQL, GeoNamesIndex
from normalizer.world.key_filter import KeyFilter, key_hashes

from .test_index import index  # noqa: F401  (the module's fixture index)


@given(st.lists(st.text(min_size=1, max_size=12), max_size=40))
def test_every_stored_key_is_in_the_filter(keys: list[str]) -> None:
    known = KeyFilter(key_hashes(keys))
    assert all(key in known for key in keys)
    assert len(known) <= len(set(keys))


def test_an_empty_filter_holds_nothing_and_a_missing_one_everything() -> None:
    assert "ashby" not in KeyFilter(key_hashes([]))
    assert "ashby" in KeyFilter(None) and len(KeyFilter(None)) == 0
    assert 42 not in KeyFilter(None)


def test_filter_holds_exactly_the_index_keys(index: GeoNamesIndex) -> None:  # noqa: F811
    keys = [key for (key,) in index._query("SELECT DISTINCT key FROM names")]
    known = index.known_keys()
    assert len(known) <= len(keys) and all(key in known for key in keys)
    assert "no such place anywhere" not in known


def test_candidates_equal_the_query_with_or_without_the_filter(index: GeoNamesIndex) -> None:  # noqa: F811
    from normalizer.text.keys import fold, translit_key

    for written in ["Izjum", "Izium", "Kharkov", "Nowhere Town", "Paris", "zz", "Kyiv"]:
        rows = index._query(_CANDIDATES_SQL, (fold(written), translit_key(written) or None, 25))
        assert [p.canonical_id for p, _ in index.candidates(written)] == [
            f"geonames:{row[0]}" if not row[8] else row[8] for row in rows]


def test_an_index_without_a_filter_answers_every_name(index: GeoNamesIndex, tmp_path) -> None:  # noqa: F811
    import shutil
    import sqlite3

    copy = tmp_path / "older.sqlite"
    shutil.copy(index.path, copy)
    with sqlite3.connect(copy) as conn:
        conn.execute("DROP TABLE key_filter")
    conn.close()
    with GeoNamesIndex.open(index_path=copy) as older:
        assert len(older.known_keys()) == 0
        assert [p.canonical_id for p, _ in older.candidates("Izjum")] == [
            p.canonical_id for p, _ in index.candidates("Izjum")]


def test_may_name_is_false_only_where_there_are_no_candidates(index: GeoNamesIndex) -> None:  # noqa: F811
    for written in ["Izjum", "Izium", "Kharkov", "Nowhere Town", "Paris", "zz", "Kyiv", "", "  ", "Quellbrunn Vale"]:
        assert index.may_name(written) or index.candidates(written, limit=500) == []
    assert index.may_name("Kharkov") and index.may_name("Izjum")  # by its fold key; by its skeleton
    assert not index.may_name("Quellbrunn Vale") and not index.may_name("") and not index.may_name("  ")
