"""``gazetteer stats`` (what the gazetteer holds, per file) and ``gazetteer unused`` (listed
variants a corpus never uses)."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc

from ..gazetteer.load import Gazetteer
from ..gazetteer.names import entry_names
from ..gazetteer.schema import Entry, is_judgement_item, parse_entry, parse_judgement
from ..gazetteer.yamlio import LineList, load_yaml
from ..text.keys import fold


@dataclass
class FileStats:
    """What one gazetteer file contributes."""

    path: str
    new: int = 0
    overrides: int = 0
    types: Counter[str] = field(default_factory=Counter)
    variants: Counter[str] = field(default_factory=Counter)
    weak: int = 0
    native: int = 0
    judgements: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "new_entries": self.new, "overrides": self.overrides,
                "types": dict(self.types), "variants_by_kind": dict(self.variants), "weak": self.weak,
                "native": self.native, "judgements": self.judgements}


def gazetteer_stats(gazetteer: Gazetteer) -> dict[str, Any]:
    """Entries by type, variants by kind, names the tool matches, and the same per file."""
    files, seen = [], set()
    for source in gazetteer.sources:
        stats = FileStats(source.name)
        data = load_yaml(source.text, path=source.name)
        for item, line in zip(data or [], data.lines if isinstance(data, LineList) else []):
            if is_judgement_item(item):
                stats.judgements += len(parse_judgement(item, path=source.name))
                continue
            entry = parse_entry(item, path=source.name, line=line)
            _count(stats, entry, override=entry.canonical_id in seen)
            seen.add(entry.canonical_id)
        files.append(stats)
    types = Counter(e.type for e in gazetteer.entries.values())
    variants = Counter(v.kind for e in gazetteer.entries.values() for v in e.variants)
    names = Counter(_name_group(v) for e in gazetteer.entries.values() for v in entry_names(e))
    return {"entries": len(gazetteer), "types": dict(types.most_common()),
            "variants_by_kind": dict(variants.most_common()),
            "weak": sum(v.weak for e in gazetteer.entries.values() for v in e.variants),
            "names": dict(names.most_common()), "files": [f.as_dict() for f in files],
            "judgements": sum(len(e.rejected) for e in gazetteer.entries.values()) + len(gazetteer.not_entities)}


def _count(stats: FileStats, entry: Entry, *, override: bool) -> None:
    if override:
        stats.overrides += 1
    else:
        stats.new += 1
        stats.types[entry.type or "?"] += 1
    stats.variants.update(v.kind for v in entry.variants)
    stats.weak += sum(v.weak for v in entry.variants)
    stats.native += len(entry.native)
    stats.judgements += len(entry.rejected)


def _name_group(variant) -> str:
    if variant.generated:
        return "generated"
    return variant.kind if variant.kind in ("canonical", "native") else "listed"


def format_stats(stats: dict[str, Any]) -> str:
    def counts(counter: dict[str, int]) -> str:
        return ", ".join(f"{k} {n}" for k, n in counter.items()) or "none"

    files = len(stats["files"])
    lines = [f"{stats['entries']} entries in {files} file{'' if files == 1 else 's'}",
             f"entries by type: {counts(stats['types'])}",
             f"listed variants by kind: {counts(stats['variants_by_kind'])} ({stats['weak']} weak)",
             f"names the tool matches: {sum(stats['names'].values())} ({counts(stats['names'])})",
             f"'not' judgements: {stats['judgements']}", "", "per file:"]
    for f in stats["files"]:
        parts = [f"{f['new_entries']} entries ({counts(f['types'])})"]
        if f["overrides"]:
            parts.append(f"{f['overrides']} changes to earlier entries")
        parts.append(f"{sum(f['variants_by_kind'].values())} variants ({counts(f['variants_by_kind'])}; "
                     f"{f['weak']} weak)")
        parts.append(f"{f['native']} native names")
        if f["judgements"]:
            parts.append(f"{f['judgements']} 'not' judgements")
        lines.append(f"  {f['path']}: " + "; ".join(parts))
    return "\n".join(lines)


class UsageCounter:
    """Which names of which entries a corpus used, filled document by document."""

    def __init__(self) -> None:
        self.used: dict[str, set[str]] = defaultdict(set)
        self.mentions: Counter[str] = Counter()

    def add(self, doc: Doc) -> None:
        for ent in doc.ents:
            if ent.kb_id_ and ent._.match_kind not in (None, "none"):
                self.mentions[ent.kb_id_] += 1
                self.used[ent.kb_id_].add(fold(ent.text))
                if ent._.variant:
                    self.used[ent.kb_id_].add(fold(ent._.variant))

    def unused(self, gazetteer: Gazetteer, *, everything: bool = False) -> list[dict[str, Any]]:
        """Per entry, its listed variants no mention used (entries never mentioned only if ``everything``)."""
        out = []
        for entry in gazetteer.entries.values():
            mentioned = self.mentions[entry.canonical_id]
            if not mentioned and not everything:
                continue
            names = [v.name for v in entry.variants if fold(v.name) not in self.used[entry.canonical_id]]
            names = list(dict.fromkeys(names))
            if names:
                out.append({"id": entry.canonical_id, "name": entry.name, "location": entry.location,
                            "mentions": mentioned, "unused": names})
        return out

    def never_mentioned(self, gazetteer: Gazetteer) -> int:
        return sum(1 for i in gazetteer.entries if not self.mentions[i])


def format_unused(rows: list[dict[str, Any]], *, never: int, everything: bool) -> str:
    lines = []
    for row in rows:
        seen = f"mentioned {row['mentions']} times" if row["mentions"] else "never mentioned"
        lines.append(f"{row['location']}  {row['id']} {row['name']} ({seen})")
        lines.append(f"    unused: {', '.join(row['unused'])}")
    total = sum(len(r["unused"]) for r in rows)
    lines.append(f"{total} listed variants of {len(rows)} entries never seen in the corpus")
    if never and not everything:
        lines.append(f"{never} entries were never mentioned at all (--all lists their variants too)")
    return "\n".join(lines)

