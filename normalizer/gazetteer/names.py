"""Every name an entry answers to, and the index of those names by matching key."""
from __future__ import annotations

import math
import re
import sys
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache

from rapidfuzz import fuzz, process

from ..text.keys import fold, is_cyrillic, translit_key
from ..text.name_order import family_first
from ..text.translit import language_of, romanizations
from .schema import PLACE_LABELS, Entry, Variant

# "Lviv Oblast" also answers to "Lviv region"; "Dniester River" to "River Dniester".
_REGION_WORDS = ("oblast", "region", "province")
_REGION_SUFFIX = re.compile(r"^(?P<base>.+?)\s+(?P<word>oblast|region|province)$", re.IGNORECASE)
_RIVER_SUFFIX = re.compile(r"^(?P<base>.+?)\s+river$", re.IGNORECASE)
FUZZY_LIMIT = 8  # best keys looked at, before the first-letter and other filters (``Resolver._fuzzy``)
# rapidfuzz turns a score cutoff into a distance: a hit's own score as the cutoff may not let it pass. Keys
# scoring a little lower are harmless: they rank after every hit that matters (FuzzyBlocks.hits).
CUTOFF_SLACK = 1.0
FUZZY_MEMO = 50_000  # (key, label group, threshold) searches remembered per index


def entry_names(entry: Entry) -> list[Variant]:
    """Canonical name, listed variants, native names, their romanizations and suffix forms.

    Names excluded by the entry are left out; each fold key appears once (first wins).
    """
    names: list[Variant] = []
    if entry.name:
        names.append(Variant(entry.name, kind="canonical"))
    names.extend(entry.variants)
    has_ukrainian = any(language_of(n) == "uk" for n in entry.native)
    generated = []
    for native in entry.native:
        names.append(Variant(native, kind="native"))
        language = "ru" if has_ukrainian and language_of(native) == "either" else None
        generated.extend(
            Variant(text, kind=kind, generated=True)
            for text, kind in romanizations(native, language=language)
        )
    # The named schemes first, for every native name; the generic anyascii fallback last.
    names.extend(sorted(generated, key=lambda v: v.kind == "translit:anyascii"))
    names.extend(_suffix_forms(entry, names))
    names.extend(_initial_forms(entry, names))
    weak = {_weak_key(v.name) for v in entry.variants if v.weak}
    excluded = {fold(x) for x in entry.exclude}
    seen: set[str] = set()
    out = []
    for variant in names:
        key = fold(variant.name)
        if key and key not in seen and key not in excluded:
            seen.add(key)
            if not variant.weak and _weak_key(variant.name) in weak:
                variant = replace(variant, weak=True)
            out.append(variant)
    return out


def _weak_key(name: str) -> str:
    """Weakness spreads to every spelling of a weak name: Lyman weak makes Liman and Лиман weak."""
    return translit_key(name) or fold(name)


def _suffix_forms(entry: Entry, names: list[Variant]) -> list[Variant]:
    forms = []
    for variant in names:
        if is_cyrillic(variant.name):
            continue
        if entry.type == "region" and (m := _REGION_SUFFIX.match(variant.name)):
            forms.extend(
                Variant(f"{m['base']} {word}", kind=variant.kind, weak=variant.weak, generated=True)
                for word in _REGION_WORDS
            )
        elif entry.type == "river" and (m := _RIVER_SUFFIX.match(variant.name)):
            forms.append(Variant(f"River {m['base']}", kind=variant.kind, weak=variant.weak, generated=True))
    return forms


def _initial_forms(entry: Entry, names: list[Variant]) -> list[Variant]:
    """A person's given name as its initial ("Adaeze Okafor" -> "A. Okafor"), as news writes it:
    weak, so only a span NER tagged PERSON uses it, never running text."""
    if entry.type != "person":
        return []
    forms = []
    for variant in names:
        words = variant.name.split()
        if variant.weak or is_cyrillic(variant.name) or len(words) < 2 or family_first(words):
            continue  # "Wang Yi" is never "W. Yi"
        first = words[0]
        if len(first.rstrip(".")) > 1 and first[:1].isupper() and first.isalpha():
            forms.append(Variant(f"{first[0]}. {' '.join(words[1:])}", kind="abbreviation", weak=True, generated=True))
    return forms


@dataclass(frozen=True)
class Name:
    """One name of one entry, as stored in the index."""

    entry: Entry
    variant: Variant


class NameIndex:
    """Names by fold key and by transliteration key; the free-matchable subset with its prefixes."""

    def __init__(self, entries: Iterable[Entry], *, names: Mapping[str, list[Variant]] | None = None) -> None:
        """``names``: ``entry_names`` of the entries by canonical id, when already computed."""
        self.by_fold: dict[str, list[Name]] = defaultdict(list)
        self.by_translit: dict[str, list[Name]] = defaultdict(list)
        self.free: dict[str, list[Name]] = defaultdict(list)
        self.free_translit: dict[str, list[Name]] = defaultdict(list)
        self.prefixes: set[str] = set()
        self.max_words = 1
        for entry in entries:
            for variant in names[entry.canonical_id] if names is not None else entry_names(entry):
                self._add(Name(entry, variant))
        self._fuzzy: dict[str, tuple[list[str], list[Name]]] = {}
        self._start_words: tuple[object, Callable[[int], bool]] | None = None  # (vocab, word id -> can_start)
        self._blocks: dict[str, FuzzyBlocks] = {}
        self.group_fuzzy_hits = lru_cache(maxsize=FUZZY_MEMO)(self._group_fuzzy_hits)  # see fuzzy_hits

    def _add(self, name: Name) -> None:
        key = fold(name.variant.name)
        self.by_fold[key].append(name)
        skeleton = translit_key(name.variant.name)
        if skeleton:
            self.by_translit[skeleton].append(name)
        if name.variant.weak or not any(c.isalpha() for c in key):
            return
        self.free[key].append(name)
        self._add_prefixes(key)
        if skeleton and name.variant.kind != "generic":
            self.free_translit[skeleton].append(name)
            self._add_prefixes(skeleton)

    def _add_prefixes(self, key: str) -> None:
        words = key.split(" ")
        self.max_words = max(self.max_words, len(words))
        for n in range(1, len(words) + 1):
            self.prefixes.add(" ".join(words[:n]))

    def can_start(self, word: str, *, is_alpha: bool, like_num: bool) -> bool:
        """Can a free name in running text start with this token (``scan_names``)? A word or a number,
        capitalized unless a number, whose fold key or skeleton begins a free name."""
        if not (is_alpha or like_num) or not (word[:1].isupper() or like_num):
            return False
        return fold(word) in self.prefixes or translit_key(word) in self.prefixes

    def start_words(self, vocab) -> Callable[[int], bool]:
        """``can_start`` of a word of this spaCy vocabulary, by word id: one function per vocabulary (the
        same one while the vocabulary is), which the caller may remember values of
        (``pipeline.name_scan.name_starts`` does)."""
        if self._start_words is None or self._start_words[0] is not vocab:
            def can_start_word(orth: int) -> bool:
                lexeme = vocab[orth]
                return self.can_start(lexeme.orth_, is_alpha=lexeme.is_alpha, like_num=lexeme.like_num)

            self._start_words = (vocab, can_start_word)
        return self._start_words[1]

    def fuzzy_choices(self, label: str) -> tuple[list[str], list[Name]]:
        """Fold keys (and their names) an NER span with this label may fuzzy-match, built once per label."""
        group = "PLACE" if label in PLACE_LABELS else label
        if group not in self._fuzzy:
            keys, names = [], []
            for key, found in self.by_fold.items():
                for name in found:
                    if name.entry.label and (
                        (group == "PLACE" and name.entry.label in PLACE_LABELS) or name.entry.label == group
                    ):
                        keys.append(key)
                        names.append(name)
            self._fuzzy[group] = (keys, names)
        return self._fuzzy[group]

    def fuzzy_hits(self, key: str, label: str, threshold: float) -> tuple[tuple[str, float, int], ...]:
        """What ``process.extract(key, keys, scorer=fuzz.ratio, limit=FUZZY_LIMIT, score_cutoff=threshold)``
        over ``fuzzy_choices(label)`` returns, then only the hits with the first letter of ``key``
        (in the same order, with the same indexes), scoring only keys that can pass (``FuzzyBlocks``).
        Remembered per (key, label group, threshold) by ``group_fuzzy_hits`` (an ``lru_cache``)."""
        return self.group_fuzzy_hits(key, "PLACE" if label in PLACE_LABELS else label, threshold)

    def _group_fuzzy_hits(self, key: str, group: str, threshold: float) -> tuple[tuple[str, float, int], ...]:
        if group not in self._blocks:
            self._blocks[group] = FuzzyBlocks(self.fuzzy_choices(group)[0])  # "PLACE" is its own group
        return self._blocks[group].hits(key, threshold)


class FuzzyBlocks:
    """Keys grouped by first character and sorted by length, so a search scores only the keys whose
    length lets them reach the threshold, and keys of another first letter only when they matter.

    ``fuzz.ratio`` is the normalized Indel similarity, 100 * 2 * matches / (len_a + len_b) with
    matches <= min(len_a, len_b); a ratio >= T therefore needs
    len_b in [len_a * T / (200 - T), len_a * (200 - T) / T]. A hit of another first letter is
    dropped after the limit, but it can push a same-letter hit out of the best ``FUZZY_LIMIT``:
    those are scored only when same-letter hits exist, and only down to the score of the last
    same-letter hit that could still be kept.
    """

    def __init__(self, keys: list[str]) -> None:
        self.all = _LengthSorted(range(len(keys)), keys)
        by_first: dict[str, list[int]] = defaultdict(list)
        for i, key in enumerate(keys):
            by_first[key[:1]].append(i)
        self.by_first = {first: _LengthSorted(indexes, keys) for first, indexes in by_first.items()}

    def hits(self, key: str, threshold: float) -> tuple[tuple[str, float, int], ...]:
        same = self.by_first.get(key[:1])
        if same is None:
            return ()
        lo, hi = length_bounds(len(key), threshold)
        found = same.extract(key, lo, hi, threshold)
        if not found:
            return ()
        # Only keys scoring at least as high as the FUZZY_LIMIT-th same-letter hit can push one out.
        lowest = found[min(len(found), FUZZY_LIMIT) - 1][1] - CUTOFF_SLACK
        best = self.all.extract(key, lo, hi, max(threshold, lowest))[:FUZZY_LIMIT]
        return tuple(hit for hit in best if hit[0][:1] == key[:1])


class _LengthSorted:
    """Some keys sorted by (length, index): a length range is one slice."""

    def __init__(self, indexes: Iterable[int], keys: list[str]) -> None:
        order = sorted(indexes, key=lambda i: (len(keys[i]), i))
        self.lengths = [len(keys[i]) for i in order]
        self.keys = [keys[i] for i in order]
        self.indexes = order

    def extract(self, key: str, lo: int, hi: int, cutoff: float) -> list[tuple[str, float, int]]:
        """Hits of length lo..hi scoring >= cutoff, best first, ties by index (as ``process.extract``)."""
        a, b = bisect_left(self.lengths, lo), bisect_right(self.lengths, hi)
        if a >= b:
            return []
        found = process.extract(key, self.keys[a:b], scorer=fuzz.ratio, limit=None, score_cutoff=cutoff)
        hits = [(k, score, self.indexes[a + j]) for k, score, j in found]
        hits.sort(key=lambda hit: (-hit[1], hit[2]))
        return hits


def length_bounds(length: int, threshold: float) -> tuple[int, int]:
    """The lengths a key may have to reach ``fuzz.ratio`` >= ``threshold`` against one of ``length``
    (a little wider than exact, so rounding never leaves a key out)."""
    if threshold <= 0:
        return 0, sys.maxsize
    if threshold >= 200:
        return 1, 0
    slack = 1e-9 * (length + 1)
    lo = math.ceil(length * threshold / (200 - threshold) - slack)
    hi = math.floor(length * (200 - threshold) / threshold + slack)
    return lo, hi

