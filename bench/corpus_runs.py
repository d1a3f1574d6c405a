"""Corpus runs through the real command: ``--jobs 2`` against ``--jobs 1``, and peak memory against corpus size.

    python bench/corpus_runs.py [--docs N] [--model NAME] [--memory-records 20000 200000] [FILE.jsonl ...]

1. Speed-up: ``entity-normalizer annotate --jobs 1`` and ``--jobs 2`` on the same documents (the
   given JSONL files, else TR-News and LGL from ../shared/eval when present, else the bundled
   sample repeated), each run timed from start to exit, model loading and worker start-up
   included; both outputs must be byte-identical. Reports seconds, words/s and the ratio.
2. Memory: peak resident memory (``ru_maxrss`` of the process, by a fresh wrapper per run) of
   ``annotate --model blank:en`` over synthetic JSONL corpora of the given numbers of records
   (gazetteer-only matching, so that 200,000 records take minutes, not hours). Reports each
   peak and the ratio of the largest to the smallest: flat memory is a ratio near 1.

Prints one JSON line per part.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMAND = [sys.executable, "-m", "normalizer", "annotate", "-q"]
_PEAK = ("import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
         "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(code)")


def corpus_texts(files: list[Path], docs: int) -> list[str]:
    shared = ROOT.parent / "shared" / "eval" / "geo"
    files = files or [p for p in (shared / "tr-news.jsonl", shared / "lgl.jsonl") if p.is_file()]
    texts = [json.loads(line)["text"] for f in files
             for line in f.read_text(encoding="utf-8").split("\n") if line]
    texts = texts or [(ROOT / "data" / "sample.txt").read_text(encoding="utf-8")]
    while len(texts) < docs:
        texts += texts
    return texts[:docs]


def write_jsonl(path: Path, texts: list[str]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for number, text in enumerate(texts):
            handle.write(json.dumps({"id": f"doc-{number}", "text": text}, ensure_ascii=False) + "\n")


def timed_run(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(COMMAND + args, check=True)
    return time.perf_counter() - started


def speedup(texts: list[str], model: str | None, folder: Path) -> dict:
    source = folder / "speed.jsonl"
    write_jsonl(source, texts)
    words = sum(len(t.split()) for t in texts)
    model_args = ["--model", model] if model else []
    timed_run(model_args + [str(source), "-o", str(folder / "warm.jsonl")])  # builds the world layer cache once
    serial = timed_run(model_args + ["--jobs", "1", str(source), "-o", str(folder / "j1.jsonl")])
    parallel = timed_run(model_args + ["--jobs", "2", str(source), "-o", str(folder / "j2.jsonl")])
    same = (folder / "j1.jsonl").read_bytes() == (folder / "j2.jsonl").read_bytes()
    return {"bench": "jobs", "documents": len(texts), "words": words, "cores": os.cpu_count(),
            "jobs1_s": round(serial, 1), "jobs2_s": round(parallel, 1),
            "jobs1_words_per_s": round(words / serial), "jobs2_words_per_s": round(words / parallel),
            "speedup": round(serial / parallel, 3), "identical_output": same}


def synthetic(path: Path, records: int) -> None:
    """Records of 40-120 words with names the shipped gazetteer knows, in random order (seeded)."""
    rng = random.Random(records)
    places = ["Kharkiv", "Kharkov", "Izium", "Kupiansk", "Kyiv", "Kiev", "Odesa", "Lviv", "Dnipro", "Bakhmut"]
    verbs = ["reported", "repaired", "closed", "opened", "inspected"]
    with path.open("w", encoding="utf-8") as handle:
        for number in range(records):
            words = " ".join(f"Crews in {rng.choice(places)} {rng.choice(verbs)} {rng.randint(2, 40)} lines."
                             for _ in range(rng.randint(7, 20)))
            handle.write(json.dumps({"id": f"r{number}", "text": words}) + "\n")


def memory(sizes: list[int], folder: Path) -> dict:
    peaks = {}
    for size in sizes:
        source = folder / f"memory-{size}.jsonl"
        synthetic(source, size)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-c", _PEAK, *COMMAND, "--model", "blank:en", "--no-world",
                                 str(source), "-o", str(folder / f"memory-{size}.out.jsonl")],
                                check=True, capture_output=True, text=True)
        peaks[size] = {"peak_rss_mb": round(int(result.stdout.split()[-1]) / 1024, 1),
                       "input_mb": round(source.stat().st_size / 1e6, 1),
                       "seconds": round(time.perf_counter() - started, 1)}
        source.unlink()
        (folder / f"memory-{size}.out.jsonl").unlink()
    low, high = peaks[min(sizes)]["peak_rss_mb"], peaks[max(sizes)]["peak_rss_mb"]
    return {"bench": "memory", "records": peaks, "peak_ratio_largest_to_smallest": round(high / low, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--docs", type=int, default=1412, help="documents for the speed-up run (TR-News + LGL twice)")
    parser.add_argument("--model", default=None)
    parser.add_argument("--memory-records", type=int, nargs="*", default=[20_000, 200_000])
    parser.add_argument("--skip-speedup", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="corpus-runs-") as tmp:
        folder = Path(tmp)
        if not args.skip_speedup:
            print(json.dumps(speedup(corpus_texts(args.files, args.docs), args.model, folder)), flush=True)
        if args.memory_records:
            print(json.dumps(memory(args.memory_records, folder)), flush=True)


if __name__ == "__main__":
    main()
