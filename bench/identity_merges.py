"""How the corpus's provisional ids join names: candidate false merges, for a reviewer to read.

    python bench/identity_merges.py OUT.jsonl [OUT2.jsonl ...] [--examples 20]

OUT is ``annotate``'s JSONL output (new ids on, the default). For every provisional id
(``new:…``) and every curated id reached by a short form (``match: "short-form"``), the distinct
spellings its mentions have (up to ``fold``). Reported: how many ids there are, how many join two
or more spellings, and of those how many join two or more *different full names* of people (two
words or more, not initials only), the place where a false merge shows; with examples. A join of
"Okafor" to "Adaeze Okafor" is not counted: that is what the ids are for.

On corpora whose gold has no people (LGL, TR-News), no script can tell a right join from a wrong
one: read the examples.
"""
from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from normalizer.corpus.name_forms import is_full_person, tidy
from normalizer.text.keys import fold


def joins(paths: list[Path]) -> dict[str, dict[str, set[str]]]:
    """id -> fold key -> the spellings written."""
    out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                for span in json.loads(line).get("spans", []):
                    if span.get("match") in ("new", "short-form"):
                        form = tidy(span["text"])
                        out[span["id"]][fold(form)].add(form)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outputs", nargs="+", type=Path)
    parser.add_argument("--examples", type=int, default=20)
    args = parser.parse_args()
    found = joins(args.outputs)
    several = {i: forms for i, forms in found.items() if len(forms) > 1}
    people = {i: forms for i, forms in several.items() if i.startswith(("new:person:", "person:"))
              and sum(is_full_person(min(f)) for f in forms.values()) > 1}
    short = sum(1 for i in found if not i.startswith("new:"))
    print(json.dumps({"ids": len(found), "joining_several_spellings": len(several), "curated_by_short_form": short,
                      "people_with_several_full_names": len(people)}))
    for name, ids in (("several full names", people), ("several spellings", several)):
        print(f"\n# {name}")
        for i, forms in sorted(ids.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:args.examples]:
            print(f"{i}\t" + " | ".join(sorted(min(f) for f in forms.values())))


if __name__ == "__main__":
    main()
