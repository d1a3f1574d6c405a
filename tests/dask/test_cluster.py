"""annotate --dask on a real cluster: a LocalCluster of 2 worker processes, one thread each (127.0.0.1 only)."""
from __future__ import annotations

import gzip
import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("distributed")

from distributed import Client, LocalCluster, WorkerPlugin  # noqa: E402

from normalizer.cli.main import main  # noqa: E402
from normalizer.dask import ShardedRun, annotate_bag, read_bag  # noqa: E402
from normalizer.pipeline.load import PipelineConfig  # noqa: E402

from ..conftest import MINI  # noqa: E402
from .corpus import write_heavy, write_mixed  # noqa: E402
from .fragile import save_fragile_model  # noqa: E402

OPTIONS = ["--model", "blank:en", "--no-world", "-g", str(MINI), "--no-shipped"]
CONFIG = PipelineConfig(model="blank:en", gazetteers=(str(MINI),), shipped=False, world=False)
LATIN1 = "not UTF-8 text (byte 3); save it as UTF-8"


class ImportFragile(WorkerPlugin):
    """Every worker (also one restarted after a kill) knows the failing test component."""

    name = "import-fragile"

    def setup(self, worker):
        import tests.dask.fragile  # noqa: F401


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
                      dashboard_address=None, silence_logs=40) as local, Client(local) as client:
        client.register_plugin(ImportFragile())
        yield client, local.scheduler_address


def invoke(*args):
    result = CliRunner().invoke(main, ["annotate", *map(str, args)])
    if isinstance(result.exception, Exception) and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def serial(tmp_path: Path, inputs, *, fmt: str = "jsonl", extra=()) -> tuple[bytes, str]:
    out = tmp_path / f"serial.{fmt}"
    result = invoke(*inputs, "-o", out, "-f", fmt, "-q", *OPTIONS, *extra)
    assert result.exit_code in (0, 1), result.output
    return out.read_bytes(), result.stderr


def shards(folder: Path, suffix: str = ".jsonl") -> list[Path]:
    return sorted(folder.glob(f"part-*{suffix}"))


def test_shards_concatenated_are_the_serial_and_jobs_output(cluster, tmp_path):
    _, address = cluster
    corpus = write_mixed(tmp_path / "corpus")
    expected, serial_err = serial(tmp_path, [corpus], extra=["--summary", tmp_path / "serial.tsv"])
    jobs = tmp_path / "jobs.jsonl"
    assert invoke(corpus, "-o", jobs, "-j", "2", "-q", *OPTIONS).exit_code == 1
    out = tmp_path / "out"
    result = invoke(corpus, "--dask", address, "-o", out, "--partition-size", "4kB", "--summary",
                    tmp_path / "dask.tsv", *OPTIONS)
    assert result.exit_code == 1
    assert len(shards(out)) > 6  # news.jsonl is cut at line ends into several partitions
    assert b"".join(p.read_bytes() for p in shards(out)) == expected == jobs.read_bytes()
    assert (tmp_path / "dask.tsv").read_bytes() == (tmp_path / "serial.tsv").read_bytes()
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [line for line in serial_err.splitlines() if line.startswith("error:")] == [
        f"error: {corpus / 'letters' / 'c-latin1.txt'}:1: {LATIN1}",
        f"error: {corpus / 'news.jsonl'}:104: not valid JSON: Expecting property name enclosed in double quotes "
        "(column 2)",
    ]
    assert result.stderr.splitlines()[-1] == "Error: 2 input(s) could not be read (see above)"


def test_tsv_shards_each_have_the_header_and_the_serial_rows(cluster, tmp_path):
    _, address = cluster
    corpus = write_mixed(tmp_path / "corpus", records=60)
    expected, _ = serial(tmp_path, [corpus], fmt="tsv")
    out = tmp_path / "out"
    assert invoke(corpus, "--dask", address, "-o", out, "-f", "tsv", "--partition-size", "2kB", "-q",
                  "--summary", out / "entities.tsv", *OPTIONS).exit_code == 1  # a summary inside the new OUTDIR
    assert (out / "entities.tsv").read_text(encoding="utf-8").startswith("id\tname\ttype\tmentions\t")
    parts = [p.read_text(encoding="utf-8") for p in shards(out, ".tsv")]
    header = expected.decode().split("\n", 1)[0] + "\n"
    assert len(parts) > 2 and all(p.startswith(header) for p in parts)
    assert header + "".join(p.removeprefix(header) for p in parts) == expected.decode()


@pytest.mark.parametrize(("deleted", "new_ids", "annotated"), [
    ("shard", True, 0),  # its annotated records (the spool) are still there: only the ids and the shard again
    ("shard and spool", True, 1),
    ("shard", False, 1),
])
def test_a_rerun_after_deleting_one_shard_computes_only_that_shard(cluster, tmp_path, deleted, new_ids, annotated):
    _, address = cluster
    corpus = write_mixed(tmp_path / "corpus", records=80)
    out = tmp_path / "out"
    ids = [] if new_ids else ["--no-new-ids"]
    args = [corpus, "--dask", address, "-o", out, "--partition-size", "3kB", *ids, *OPTIONS]
    assert invoke(*args).exit_code == 1
    files = lambda: [*shards(out), *out.glob(".part-*.done"), *out.glob(".part-*.spool.jsonl")]  # noqa: E731
    before = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in files()}
    gone = shards(out)[2]
    gone.unlink()
    spool = out / f".{gone.name.removesuffix('.jsonl')}.spool.jsonl"
    assert spool.exists() == new_ids
    if deleted == "shard and spool":
        spool.unlink()
    result = invoke(*args, "--summary", tmp_path / "summary.jsonl")
    assert result.exit_code == 1
    after = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in files()}
    changed = sorted(name for name in after if after[name] != before.get(name))
    rewritten = [f".{gone.name}.done", gone.name]
    if annotated and new_ids:
        rewritten = sorted([*rewritten, spool.name, spool.name.replace(".jsonl", ".done")])
    assert changed == rewritten
    total = len(shards(out))
    again = ", and writing 1 again from their annotated records" if not annotated else ""
    assert (f"resuming: {total - annotated} of {total} shards were done; annotating the other {annotated}{again}"
            in result.stderr)
    assert f"done: 84 documents in {total} of {total} shards in {out} ({annotated} annotated by this run)" \
        in result.stderr
    expected, _ = serial(tmp_path, [corpus], extra=["--summary", tmp_path / "serial-summary.jsonl", *ids])
    assert b"".join(p.read_bytes() for p in shards(out)) == expected
    assert (tmp_path / "summary.jsonl").read_bytes() == (tmp_path / "serial-summary.jsonl").read_bytes()


def test_another_command_on_the_same_folder_is_refused(cluster, tmp_path):
    _, address = cluster
    corpus = write_mixed(tmp_path / "corpus", records=10)
    out = tmp_path / "out"
    invoke(corpus, "--dask", address, "-o", out, "-q", *OPTIONS)
    result = invoke(corpus, "--dask", address, "-o", out, "-q", "--why", *OPTIONS)
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {out}: holds the shards of another run (other inputs, inputs changed since, or "
                             "other options); run the same command as before, or choose a new folder\n")


def test_a_gazetteer_error_is_one_message_and_no_task_runs(cluster, tmp_path):
    client, address = cluster
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: place:nowhere\n  type: hamlet\n  name: Nowhere\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Kyiv.", encoding="utf-8")
    transitions = client.run_on_scheduler(lambda dask_scheduler: dask_scheduler.transition_counter)
    result = invoke(tmp_path / "a.txt", "--dask", address, "-o", tmp_path / "out", "--model", "blank:en",
                    "--no-world", "--no-shipped", "-g", bad)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {bad}:2: entry 'place:nowhere': unknown type 'hamlet' (use one of: country, region, district, "
        "city, town, village, republic, river, sea, lake, area, mountain, facility, person, organization)\n"
        "Error: 1 error(s) in the gazetteer\n")
    assert not (tmp_path / "out").exists()
    assert client.run_on_scheduler(lambda dask_scheduler: dask_scheduler.transition_counter) == transitions


def test_a_failing_document_is_named_and_the_others_are_written(cluster, tmp_path):
    _, address = cluster
    model = save_fragile_model(tmp_path / "fragile-model")
    source = write_heavy(tmp_path / "in", records=40, marker_at=21)
    options = ["--model", model, "--no-world", "-g", MINI, "--no-shipped"]
    out = tmp_path / "out"
    result = invoke(source, "--dask", address, "-o", out, "--partition-size", "8kB", "-q", *options)
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {source}:22: could not be annotated: ValueError: this component refuses the marker (the other "
        "documents are not affected; please report this with the document)\n"
        "Error: 1 document(s) could not be annotated (see above)\n")
    records = [json.loads(line) for p in shards(out) for line in p.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == [f"h{n}" for n in range(40) if n != 21]


def test_a_killed_workers_shard_is_computed_again(cluster, tmp_path):
    client, address = cluster
    source = write_heavy(tmp_path / "in", records=1200)
    messages: list[str] = []
    run = ShardedRun((str(source),), tmp_path / "out", "jsonl", CONFIG, address=address,
                     partition_bytes=300_000, say=messages.append, quiet=True)
    thread = threading.Thread(target=run.execute)
    thread.start()
    killed = _kill_a_worker_in_a_shard(client)
    thread.join(timeout=120)
    assert not thread.is_alive()
    assert run.report.shard_failures == [] and run.report.documents == 1200
    pid, shard = killed
    assert all(not r.worker.endswith(f":{pid}") for r in run.report.results)
    assert shard in {r.name for r in run.report.results}
    expected, _ = serial(tmp_path, [source])
    assert b"".join(p.read_bytes() for p in shards(tmp_path / "out")) == expected


def _kill_a_worker_in_a_shard(client: Client) -> tuple[int, str]:
    """SIGKILL the worker process running a shard task, as soon as one runs; its pid and the shard."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for worker, keys in client.processing().items():
            running = [k for k in keys if str(k).startswith("part-")]
            if running:
                time.sleep(0.3)  # well inside the shard: it takes a second or more
                [pid] = client.run(os.getpid, workers=[worker]).values()
                os.kill(pid, signal.SIGKILL)
                return pid, str(running[0]).rsplit("-", 1)[0]
        time.sleep(0.02)
    raise AssertionError("no shard task started")


def test_annotate_bag_gives_the_serial_records_and_names_failures(cluster, tmp_path):
    corpus = write_mixed(tmp_path / "corpus", records=30)
    expected, _ = serial(tmp_path, [corpus])
    records = annotate_bag(read_bag([str(corpus)], partition_bytes=2_000), model="blank:en", gazetteers=[MINI],
                           shipped=False, world=False).compute()
    assert [r for r in records if "spans" in r] == [json.loads(line) for line in expected.splitlines()]
    assert [(r["where"], r["error"]) for r in records if "spans" not in r] == [
        (str(corpus / "letters" / "c-latin1.txt") + ":1", f"{corpus / 'letters' / 'c-latin1.txt'}:1: {LATIN1}")]


def test_compressed_inputs_and_globs(cluster, tmp_path):
    _, address = cluster
    corpus = write_mixed(tmp_path / "plain", records=30)
    packed = tmp_path / "packed"
    packed.mkdir()
    for name in ("news.jsonl", "z-last.txt"):
        (packed / f"{name}.gz").write_bytes(gzip.compress((corpus / name).read_bytes()))
    out = tmp_path / "out"
    result = invoke(str(packed / "*.gz"), "--dask", address, "-o", out, "-q", *OPTIONS)
    assert result.exit_code == 0
    plain = [json.loads(line) for line in serial(tmp_path, [corpus / "news.jsonl", corpus / "z-last.txt"])[0]
             .splitlines()]
    packed_records = [json.loads(line) for p in shards(out) for line in p.read_text(encoding="utf-8").splitlines()]
    renamed = {str(corpus / n): str(packed / f"{n}.gz") for n in ("news.jsonl", "z-last.txt")}
    for record in plain:
        record["path"] = renamed[record["path"]]
        if record["id"] in renamed:
            record["id"] = renamed[record["id"]]
        elif not record["id"].startswith("story-"):
            record["id"] = record["id"].replace(str(corpus / "news.jsonl"), renamed[str(corpus / "news.jsonl")])
    assert packed_records == plain


def test_a_local_cluster_without_an_address(tmp_path):
    corpus = write_mixed(tmp_path / "corpus", records=20)
    expected, _ = serial(tmp_path, [corpus])
    out = tmp_path / "out"
    result = invoke(corpus, "--dask", "-o", out, "--jobs", "2", *OPTIONS)
    assert result.exit_code == 1
    assert "dask: running on a local cluster of 2 worker(s)\n" in result.stderr
    assert b"".join(p.read_bytes() for p in shards(out)) == expected


def test_provisional_ids_are_the_serial_ones_in_any_order(cluster, tmp_path):
    """The corpus's ids need every partition: the names are reduced on the cluster, the shards written after."""
    from ..corpus.named_corpus import DOCUMENTS, ids_by_mention, save_ruler_model, write_corpus

    _, address = cluster
    model = save_ruler_model(tmp_path / "model")
    ruler = ["--model", str(model), "--no-world", "-g", str(MINI), "--no-shipped", "-q"]
    corpus = write_corpus(tmp_path / "in.jsonl")
    assert invoke(corpus, "-o", tmp_path / "serial.jsonl", *ruler).exit_code == 0
    out = tmp_path / "out"
    result = invoke(corpus, "--dask", address, "-o", out, "--partition-size", "200B", *ruler)
    assert result.exit_code == 0, result.stderr
    assert len(shards(out)) > 3
    assert b"".join(p.read_bytes() for p in shards(out)) == (tmp_path / "serial.jsonl").read_bytes()
    backward = write_corpus(tmp_path / "backward.jsonl", list(reversed(range(len(DOCUMENTS)))))
    out2 = tmp_path / "out2"
    assert invoke(backward, "--dask", address, "-o", out2, "--partition-size", "200B", *ruler).exit_code == 0
    read = lambda folder: [json.loads(line) for p in shards(folder) for line in p.read_text().splitlines()]  # noqa: E731
    found = ids_by_mention(read(out))
    assert found == ids_by_mention(read(out2))
    assert found[("b", "Okafor")] == {"new:person:adaeze-okafor"}


def test_annotate_bag_gives_the_corpus_ids(cluster, tmp_path):
    import dask.bag as db

    from ..corpus.named_corpus import DOCUMENTS, ids_by_mention, save_ruler_model

    client, _ = cluster
    model = save_ruler_model(tmp_path / "model")
    items = [{"id": i, "text": t} for i, t in DOCUMENTS]
    options = {"model": str(model), "gazetteers": [str(MINI)], "shipped": False, "world": False}
    found = ids_by_mention(annotate_bag(db.from_sequence(items, npartitions=3), **options).compute())
    backward = annotate_bag(db.from_sequence(items[::-1], npartitions=4), **options).compute()
    assert found == ids_by_mention(backward)
    assert found[("b", "Okafor")] == found[("c", "A. Okafor")] == {"new:person:adaeze-okafor"}
    plain = annotate_bag(db.from_sequence(items, npartitions=3), new_ids=False, **options).compute()
    assert {s["id"] for r in plain for s in r["spans"]} == {None}
