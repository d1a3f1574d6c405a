"""The world layer's costs: first build of the GeoNames index, later load, and memory.

    python bench/world_layer.py [--docs N]

1. First build: compiles the index into a new, empty cache directory (timed).
2. Later load: a fresh process opens the cached index (timed, without the import of the package).
3. Memory: resident set size (VmRSS) of one process after loading the bare spaCy pipeline, then
   after adding the normalizer with the world layer and annotating N documents; the difference is
   what the normalizer costs in memory.
Prints one JSON line.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

OPEN_AGAIN = """
import time, sys
from normalizer.world.index import GeoNamesIndex
start = time.perf_counter()
index = GeoNamesIndex.open(cache_dir=sys.argv[1])
index.candidates("Springfield")
print(time.perf_counter() - start)
"""


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100)
    parser.add_argument("--memory-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_only:
        memory(args.docs)
        return

    from normalizer.world.index import GeoNamesIndex

    with tempfile.TemporaryDirectory() as cache:
        start = time.perf_counter()
        GeoNamesIndex.open(cache_dir=cache).close()
        first_build = time.perf_counter() - start
        opened = subprocess.run([sys.executable, "-c", OPEN_AGAIN, cache], capture_output=True, text=True, check=True)
        later_load = float(opened.stdout.strip().splitlines()[-1])

    measured = subprocess.run([sys.executable, __file__, "--memory-only", "--docs", str(args.docs)],
                            capture_output=True, text=True, check=True)
    print(json.dumps({
        "first_build_s": round(first_build, 1),
        "later_load_s": round(later_load, 3),
        **json.loads(measured.stdout.strip().splitlines()[-1]),
    }))


def memory(docs: int) -> None:
    """In a process of its own: RSS with bare spaCy, then with the normalizer and world layer added."""
    from normalizer import load_model
    from normalizer.pipeline.component import EntityNormalizer  # noqa: F401  (registers the factory)

    texts = [(ROOT / "data" / "sample.txt").read_text(encoding="utf-8")] * docs
    nlp = load_model()
    list(nlp.pipe(texts))
    before = rss_mb()
    nlp.add_pipe("entity_normalizer").prepare()
    list(nlp.pipe(texts))
    after = rss_mb()
    print(json.dumps({"rss_bare_spacy_mb": round(before), "rss_with_normalizer_and_world_mb": round(after),
                      "rss_added_mb": round(after - before)}))


if __name__ == "__main__":
    main()
