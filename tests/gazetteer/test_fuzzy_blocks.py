"""Fuzzy candidates blocked by first letter and length (NameIndex.fuzzy_hits, FuzzyBlocks) find exactly
what scoring every key found: the same hits, scores, indexes and order, and the same fuzzy resolutions."""
from __future__ import annotations

from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from normalizer.gazetteer.load import load_gazetteer
from normalizer.gazetteer.names import FUZZY_LIMIT, FuzzyBlocks, length_bounds
from normalizer.pipeline.resolve import FUZZY_MARGIN, FUZZY_WEIGHT, Resolver, _derived, _resolution

LABELS = ("PERSON", "ORG", "GPE", "LOC")  # the shipped gazetteer has names for these
THRESHOLDS = (0.0, 50.0, 75.0, 85.0, 88.5, 90.0, 92.0, 95.0, 100.0)


def unblocked_hits(key: str, keys: list[str], threshold: float) -> list[tuple[str, float, int]]:
    """The search before blocking: every key scored, the best 8, then the first letter."""
    hits = process.extract(key, keys, scorer=fuzz.ratio, limit=FUZZY_LIMIT, score_cutoff=threshold)
    return [(k, s, i) for k, s, i in hits if k[:1] == key[:1]]


def unblocked_fuzzy(resolver: Resolver, key: str, label: str):
    """``Resolver._fuzzy`` as it was before blocking (the baseline this module checks against)."""
    if sum(c.isalpha() for c in key) < resolver.fuzzy_min_length:
        return None
    keys, names = resolver.index.fuzzy_choices(label)
    hits = process.extract(key, keys, scorer=fuzz.ratio, limit=8, score_cutoff=resolver.fuzzy_threshold)
    hits = [(k, s, i) for k, s, i in hits
            if k[:1] == key[:1] and not names[i].variant.weak and names[i].variant.kind != "generic"
            and not (names[i].entry.type == "person" and " " not in key) and not _derived(key, k)]
    if not hits:
        return None
    _, best_score, best_i = hits[0]
    best = names[best_i]
    for _, score, i in hits[1:]:
        if names[i].entry.canonical_id != best.entry.canonical_id and best_score - score < FUZZY_MARGIN:
            return None
    return _resolution(best, "fuzzy", round(best_score / 100 * FUZZY_WEIGHT, 3), [])


@cache
def shipped_index():
    """The shipped gazetteer's index (not a fixture: Hypothesis would print all of it on a failure)."""
    return load_gazetteer([], shipped=True).index


def test_length_bounds_keep_every_length_that_can_pass():
    for threshold in (*THRESHOLDS, 33.3, 66.7, 99.9):
        for la in range(1, 41):
            lo, hi = length_bounds(la, threshold)
            for lb in range(1, 81):
                best = fuzz.ratio("a" * la, "a" * lb)  # the most any key of length lb can score
                if best >= threshold:
                    assert lo <= lb <= hi, (la, lb, threshold)


# Keys from a small alphabet, so that near misses, ties, duplicates and other first letters abound.
_KEY = st.text(alphabet="abkhs iy", min_size=1, max_size=14).map(lambda k: " ".join(k.split()) or "a")


@settings(max_examples=400, deadline=None)
@given(keys=st.lists(_KEY, min_size=1, max_size=60), key=_KEY, threshold=st.sampled_from(THRESHOLDS))
def test_blocked_search_equals_scoring_every_key(keys, key, threshold):
    assert list(FuzzyBlocks(keys).hits(key, threshold)) == unblocked_hits(key, keys, threshold)


def _mutated(data, key: str) -> str:
    """A gazetteer key with a few typos: letters changed, dropped or added (the first one too)."""
    chars = list(key)
    for _ in range(data.draw(st.integers(0, 3))):
        where = data.draw(st.integers(0, len(chars)))
        edit = data.draw(st.sampled_from(("change", "drop", "add")))
        letter = data.draw(st.sampled_from("aeiouknrsty"))
        if edit == "add" or not chars:
            chars.insert(where, letter)
        elif edit == "drop":
            del chars[min(where, len(chars) - 1)]
        else:
            chars[min(where, len(chars) - 1)] = letter
    return "".join(chars) or key


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_blocked_search_equals_scoring_every_gazetteer_key(data):
    index = shipped_index()
    label = data.draw(st.sampled_from(LABELS))
    keys, _ = index.fuzzy_choices(label)
    key = _mutated(data, data.draw(st.sampled_from(keys)))
    threshold = data.draw(st.sampled_from(THRESHOLDS))
    assert list(index.fuzzy_hits(key, label, threshold)) == unblocked_hits(key, keys, threshold)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_fuzzy_resolutions_unchanged(data):
    index = shipped_index()
    label = data.draw(st.sampled_from(LABELS))
    threshold = data.draw(st.sampled_from((80.0, 85.0, 90.0, 95.0)))
    resolver = Resolver(index, fuzzy_threshold=threshold)
    keys, _ = index.fuzzy_choices(label)
    key = _mutated(data, data.draw(st.sampled_from(keys)))
    assert resolver._fuzzy(key, label) == unblocked_fuzzy(resolver, key, label)


def test_fuzzy_still_finds_misspellings():
    index = shipped_index()
    resolver = Resolver(index)
    keys, _ = index.fuzzy_choices("GPE")
    found = 0
    for key in keys[:300]:
        typo = key[:-1] + ("x" if key[-1] != "x" else "y")
        assert resolver._fuzzy(typo, "GPE") == unblocked_fuzzy(resolver, typo, "GPE")
        found += resolver._fuzzy(typo, "GPE") is not None
    assert found  # the comparison is not between two Nones only


def test_a_label_without_names_has_no_hits():
    index = shipped_index()
    assert index.fuzzy_choices("NORP") == ([], [])
    assert index.fuzzy_hits("ukrainian", "NORP", 90.0) == ()
