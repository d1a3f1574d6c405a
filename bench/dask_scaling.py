"""Serial against a local Dask cluster of 1 and 2 workers, in one run, on the same documents.

    python bench/dask_scaling.py [--docs 5000] [--model NAME] [--no-world] [--partition-size 256KiB]
                                 [--workers 1,2] [--pin] [FILE.jsonl ...]

The texts of ../shared/eval/geo/lgl.jsonl and tr-news.jsonl (field "text"; or the given JSONL files)
are replicated to ``--docs`` documents in one JSONL file. Then, in this order:

1. serial: the pipeline loaded here (timed: the start-up a worker pays, too), then every document
   read, annotated and written through the serial path's own functions (``read_documents``,
   ``annotate_documents``, ``Writer``) to a spool, then the corpus's new ids and the output and
   entity table rendered from it (``normalizer.corpus.spool``, as ``annotate`` does by default);
   words/s of that part;
2. for each ``n`` of ``--workers``: a ``LocalCluster`` of ``n`` single-threaded worker processes on
   127.0.0.1 (``--pin``: worker ``i`` pinned to core ``i``), then ``annotate --dask`` (the library's
   :class:`~normalizer.dask.ShardedRun`) into a new folder with ``--summary``; each worker's start-up
   (world index opened, pipeline loaded, peak memory) as the workers report it, and words/s of the
   compute part (first task to last result: the names reduction, the id assignment and the summary
   included; ``words_per_cpu_s`` counts the annotating tasks' CPU time only);
3. the shards concatenated must equal the serial output byte for byte, and the summary the serial
   table.

Prints one JSON line per part (``words_per_s``: wall clock; ``words_per_cpu_s``: words per second of
the annotating processes' CPU time, which other load on the machine hardly changes), then the
projected core-hours for 10 M articles of 600 words at the measured per-worker rate. The load
average before and after is printed too: wall-clock numbers mean something only on a quiet machine.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "eval" / "geo"
ARTICLES, WORDS_PER_ARTICLE = 10_000_000, 600


def corpus(files: list[Path], docs: int, out: Path) -> int:
    """Write ``docs`` documents (the texts replicated) to ``out``; returns their words."""
    files = files or [SHARED / "lgl.jsonl", SHARED / "tr-news.jsonl"]
    texts = [json.loads(line)["text"] for f in files for line in f.read_text(encoding="utf-8").split("\n") if line]
    words = 0
    with open(out, "w", encoding="utf-8") as handle:
        for n in range(docs):
            text = texts[n % len(texts)]
            words += len(text.split())
            handle.write(json.dumps({"id": f"doc-{n}", "text": text}, ensure_ascii=False) + "\n")
    return words


def serial(config, source: Path, folder: Path) -> tuple[dict, bytes, str]:
    """The serial path, new ids included: records spooled, then the corpus's ids, then the output."""
    from normalizer.corpus.batch import annotate_documents
    from normalizer.corpus.formats import Writer
    from normalizer.corpus.inputs import read_documents
    from normalizer.corpus.spool import render_spool, spool_identities
    from normalizer.corpus.summary import EntityTable, render_summary

    started = time.perf_counter()
    nlp = config.load()
    loaded, cpu = time.perf_counter(), time.process_time()
    spool, words = folder / "serial.spool.jsonl", 0
    with open(spool, "w", encoding="utf-8") as handle:
        writer = Writer(handle, "jsonl")
        for outcome in annotate_documents(nlp, read_documents([str(source)], on_error=print)):
            writer.write(outcome.document, outcome.spans)
            words += len(outcome.document.text.split())
    stream, table = io.StringIO(), EntityTable()
    render_spool(spool, stream, "jsonl", spool_identities(spool), table=table)
    seconds, cpu = time.perf_counter() - loaded, time.process_time() - cpu
    row = {"part": "serial", "start_up_s": round(loaded - started, 2), "seconds": round(seconds, 1), "words": words,
           "words_per_s": round(words / seconds), "words_per_cpu_s": round(words / cpu)}
    return row, stream.getvalue().encode("utf-8"), render_summary(table)


def dask_run(config, source: Path, workers: int, *, partition_bytes: int, pin: bool,
             folder: Path) -> tuple[dict, bytes, str]:
    from distributed import Client

    from normalizer.dask import ShardedRun, local_cluster

    started = time.perf_counter()
    with local_cluster(workers) as cluster, Client(cluster) as client:
        if pin:
            for core, address in enumerate(sorted(client.nthreads())):
                client.run(_pin, core % os.cpu_count(), workers=[address])
        cluster_s = time.perf_counter() - started
        out = folder / f"out-{workers}"
        run = ShardedRun((str(source),), out, "jsonl", config, address=cluster.scheduler_address,
                         partition_bytes=partition_bytes, summary=folder / f"summary-{workers}.tsv",
                         say=lambda message: print(message, file=sys.stderr), quiet=True)
        report = run.execute()
    shards = sorted(out.glob("part-*.jsonl"))
    row = {
        "part": f"dask-{workers}", "workers": workers, "shards": len(shards), "cluster_start_s": round(cluster_s, 2),
        "ready_s": round(report.ready_s, 2), "seconds": round(report.compute_s, 1), "words": report.words,
        "words_per_s": round(report.words / report.compute_s),
        "words_per_cpu_s": round(report.words / sum(r.cpu_s for r in report.results)),
        "start_ups": [{"index_s": round(s.index_s, 2), "pipeline_s": round(s.pipeline_s, 2),
                       "peak_mb": round(s.peak_mb)} for s in report.start_ups],
        "failures": len(report.shard_failures) + report.failed,
    }
    summary = (folder / f"summary-{workers}.tsv").read_text(encoding="utf-8")
    return row, b"".join(p.read_bytes() for p in shards), summary


def _pin(core: int) -> None:
    """Pin every thread of this (worker) process to one core."""
    for task in os.listdir("/proc/self/task"):
        os.sched_setaffinity(int(task), {core})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--model", default=None)
    parser.add_argument("--no-world", action="store_true")
    parser.add_argument("--partition-size", default="256KiB")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--pin", action="store_true", help="pin worker i to core i")
    args = parser.parse_args()

    from dask.utils import parse_bytes

    from normalizer.pipeline.load import PipelineConfig

    config = PipelineConfig(model=args.model, world=not args.no_world)
    config.check()  # builds the world index once, before anything is timed
    print(json.dumps({"part": "machine", "cores": os.cpu_count(), "load_before": os.getloadavg()}), flush=True)
    with tempfile.TemporaryDirectory(prefix="dask-bench-") as tmp:
        folder = Path(tmp)
        source = folder / "corpus.jsonl"
        words = corpus(args.files, args.docs, source)
        print(json.dumps({"part": "corpus", "documents": args.docs, "words": words,
                          "megabytes": round(source.stat().st_size / 1e6, 1)}), flush=True)
        base, expected, table = serial(config, source, folder)
        print(json.dumps(base), flush=True)
        rows = []
        for n in (int(x) for x in args.workers.split(",")):
            row, output, summary = dask_run(config, source, n, partition_bytes=parse_bytes(args.partition_size),
                                            pin=args.pin, folder=folder)
            row["same_output"], row["same_summary"] = output == expected, summary == table
            row["speed_up"] = round(row["words_per_s"] / base["words_per_s"], 2)
            rows.append(row)
            print(json.dumps(row), flush=True)
    per_worker = min(r["words_per_s"] / r["workers"] for r in rows)  # the slowest per-worker rate: conservative
    hours = ARTICLES * WORDS_PER_ARTICLE / per_worker / 3600
    print(json.dumps({
        "part": "projection", "articles": ARTICLES, "words_per_article": WORDS_PER_ARTICLE,
        "words_per_s_per_worker": round(per_worker), "core_hours": round(hours),
        "serial_core_hours": round(ARTICLES * WORDS_PER_ARTICLE / base["words_per_s"] / 3600),
        "load_after": os.getloadavg(),
    }), flush=True)


if __name__ == "__main__":
    main()
