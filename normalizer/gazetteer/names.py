"""Every name an entry answers to, and the index of those names by matching key."""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from ..text.keys import fold, is_cyrillic, translit_key
from ..text.translit import language_of, romanizations
from .schema import PLACE_LABELS, Entry, Variant

# "Kharkiv Oblast" also answers to "Kharkiv region"; "Dnipro River" to "River Dnipro".
_REGION_WORDS = ("oblast", "region", "province")
_REGION_SUFFIX = re.compile(r"^(?P<base>.+?)\s+(?P<word>oblast|region|province)$", re.IGNORECASE)
_RIVER_SUFFIX = re.compile(r"^(?P<base>.+?)\s+river$", re.IGNORECASE)


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


@dataclass(frozen=True)
class Name:
    """One name of one entry, as stored in the index."""

    entry: Entry
    variant: Variant


class NameIndex:
    """Names by fold key and by transliteration key; the free-matchable subset with its prefixes."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.by_fold: dict[str, list[Name]] = defaultdict(list)
        self.by_translit: dict[str, list[Name]] = defaultdict(list)
        self.free: dict[str, list[Name]] = defaultdict(list)
        self.free_translit: dict[str, list[Name]] = defaultdict(list)
        self.prefixes: set[str] = set()
        self.max_words = 1
        for entry in entries:
            for variant in entry_names(entry):
                self._add(Name(entry, variant))
        self._fuzzy: dict[str, tuple[list[str], list[Name]]] = {}

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
