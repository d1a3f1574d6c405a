"""The world layer's costs: first build of the GeoNames index (now and before), later load, and memory.

    python bench/world_layer.py [--rounds N] [--baseline REV | --no-baseline] [--docs N | --no-memory]

1. First build: a fresh process compiles the index into a new, empty cache directory; timed without
   the imports, with the process's peak resident set size (ru_maxrss) and that of the process the
   build forks for the cities' names (0 when there is none). With ``--rounds N`` the fastest of N.
   The same is measured for the previous build (``--baseline``, default HEAD): this checkout's
   ``normalizer`` package with the build's files (``BUILD_FILES``) as they are in that revision, so
   the difference is the build's own. Both indexes' tables are compared in a canonical order.
2. Later load: a fresh process opens the cached index (timed, without the import of the package).
3. Memory: resident set size (VmRSS) of one process after loading the bare spaCy pipeline, then
   after adding the normalizer with the world layer and annotating N documents; the difference is
   what the normalizer costs in memory.
Prints one JSON line; ``{"now": ..., "baseline": ...}`` pairs side by side.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD_FILES = ("normalizer/world/build.py", "normalizer/world/regions.py", "normalizer/world/dump.py",
               "normalizer/world/sources.py", "normalizer/world/writer.py", "normalizer/text/keys.py")

BUILD = """
import json, resource, sys, time
from normalizer.world.index import GeoNamesIndex
start, cpu = time.perf_counter(), time.process_time()
GeoNamesIndex.open(cache_dir=sys.argv[1]).close()
wall, cpu = time.perf_counter() - start, time.process_time() - cpu
me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"s": wall, "cpu_s": cpu + children.ru_utime + children.ru_stime,
                  "peak_mb": me.ru_maxrss / 1024, "helper_peak_mb": children.ru_maxrss / 1024}))
"""

OPEN_AGAIN = """
import time, sys
from normalizer.world.index import GeoNamesIndex
start = time.perf_counter()
index = GeoNamesIndex.open(cache_dir=sys.argv[1])
index.candidates("Springfield")
print(time.perf_counter() - start)
"""

CONTENT = """
import hashlib, sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
digest = hashlib.sha256()
for sql in ("SELECT * FROM places ORDER BY geonameid", "SELECT key, kind, geonameid FROM names ORDER BY 1, 2, 3"):
    for row in conn.execute(sql):
        digest.update(repr(row).encode())
print(digest.hexdigest())
"""


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run(code: str, tree: Path, *args: str) -> str:
    """The last line a fresh process prints, running ``code`` with the ``normalizer`` package of ``tree``."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=tree, env=env, capture_output=True, text=True,
                          check=True)
    return done.stdout.strip().splitlines()[-1]


def measure(tree: Path, rounds: int, cache: Path) -> dict:
    """The fastest of ``rounds`` cold builds with ``tree``'s code, the cached open, the content's hash;
    the first build stays in ``cache``."""
    builds = []
    for number in range(rounds):
        with tempfile.TemporaryDirectory() as scratch:
            into = cache if number == 0 else Path(scratch)
            builds.append(json.loads(run(BUILD, tree, str(into))))
    opened = float(run(OPEN_AGAIN, tree, str(cache)))
    (index,) = cache.glob("geonames-*.sqlite")
    content = run(CONTENT, tree, str(index))
    size_mb = index.stat().st_size / 1e6
    best = min(builds, key=lambda b: b["s"])
    return {"build_s": round(best["s"], 1), "build_cpu_s": round(best["cpu_s"], 1),
            "build_peak_mb": round(best["peak_mb"]), "names_process_peak_mb": round(best["helper_peak_mb"]),
            "later_load_s": round(opened, 3), "index_mb": round(size_mb), "content": content[:16]}


def baseline_tree(revision: str, into: Path) -> Path:
    """This checkout's package with ``BUILD_FILES`` as of ``revision``."""
    shutil.copytree(ROOT / "normalizer", into / "normalizer", ignore=shutil.ignore_patterns("__pycache__"))
    for name in BUILD_FILES:
        old = subprocess.run(["git", "show", f"{revision}:{name}"], cwd=ROOT, capture_output=True, check=True)
        (into / name).write_bytes(old.stdout)
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=1, help="cold builds per version (the fastest counts)")
    parser.add_argument("--baseline", default="HEAD", help="git revision of the previous build (default HEAD)")
    parser.add_argument("--no-baseline", action="store_true", help="measure only the current build")
    parser.add_argument("--no-memory", action="store_true", help="skip the spaCy memory measurement")
    parser.add_argument("--memory-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_only:
        memory(args.docs)
        return

    with tempfile.TemporaryDirectory() as work:
        versions = {"now": measure(ROOT, args.rounds, Path(work) / "now")}
        if not args.no_baseline:
            tree = baseline_tree(args.baseline, Path(work) / "baseline-code")
            versions["baseline"] = measure(tree, args.rounds, Path(work) / "baseline")
        report: dict = {key: {name: found[key] for name, found in versions.items()} for key in versions["now"]}
        if "baseline" in versions:
            report["same_content"] = report.pop("content")["now"] == versions["baseline"]["content"]
            report["baseline_revision"] = args.baseline
        if not args.no_memory:  # with the index just built: the user's cache is left alone
            env = {**os.environ, "ENTITY_NORMALIZER_CACHE": str(Path(work) / "now")}
            measured = subprocess.run([sys.executable, __file__, "--memory-only", "--docs", str(args.docs)],
                                      capture_output=True, text=True, check=True, env=env)
            report.update(json.loads(measured.stdout.strip().splitlines()[-1]))
    print(json.dumps(report))


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
