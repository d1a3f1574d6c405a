"""Partitions, byte ranges and the entity table, without a cluster: what the shards are made of."""
from __future__ import annotations

import json
import random

import pytest

pytest.importorskip("dask")

from normalizer.corpus.batch import annotate_documents  # noqa: E402
from normalizer.corpus.inputs import read_documents  # noqa: E402
from normalizer.corpus.summary import EntityTable, render_summary  # noqa: E402
from normalizer.dask.plan import plan_inputs  # noqa: E402
from normalizer.dask.read import count_lines, line_starts, read_partition  # noqa: E402
from normalizer.errors import InputError  # noqa: E402

from .corpus import text, write_mixed  # noqa: E402


def _read_all(plan):
    documents, errors = [], []
    starts = {}
    for partition in plan.partitions:
        for piece in partition.ranges:
            if piece.name not in starts:
                starts[piece.name] = line_starts(*(count_lines(p) for p in plan.ranges_of(piece.name)))
        first = next((starts[r.name] for r in partition.ranges), None)
        documents += read_partition(partition, first, on_error=errors.append, on_warning=errors.append)
    return documents, errors


def test_small_files_share_partitions_and_a_large_jsonl_is_cut_at_line_ends(tmp_path):
    corpus = write_mixed(tmp_path / "corpus")
    plan = plan_inputs([str(corpus)], partition_bytes=4_000)
    kinds = [[(p.name.rsplit("/", 1)[-1], p.block if not p.whole else None) for p in part.pieces]
             for part in plan.partitions]
    assert kinds[0] == [("a-note.txt", None), ("b-empty.txt", None), ("c-latin1.txt", None),
                        ("d-line-separators.txt", None)]
    ranges = [k for k in kinds if k[0][1] is not None]
    assert [k[0][1] for k in ranges] == list(range(len(ranges))) and len(ranges) > 5
    assert kinds[-1] == [("z-last.txt", None)]
    assert [p.number for p in plan.partitions] == list(range(len(plan.partitions)))


@pytest.mark.parametrize("size", [1, 97, 4_000, 10**9])
def test_the_ranges_read_the_documents_the_serial_reader_reads(tmp_path, size):
    corpus = write_mixed(tmp_path / "corpus", records=60)
    news = corpus / "news.jsonl"
    news.write_bytes(b"\xef\xbb\xbf" + news.read_bytes().replace(b"\n", b"\n\n", 3))  # a BOM, blank lines
    serial_errors: list[InputError] = []
    expected = list(read_documents([str(corpus)], on_error=serial_errors.append))
    documents, errors = _read_all(plan_inputs([str(corpus)], partition_bytes=size))
    assert [(d.id, d.path, d.line, d.text, d.fields) for d in documents] == \
        [(d.id, d.path, d.line, d.text, d.fields) for d in expected]
    assert [str(e) for e in errors] == [str(e) for e in serial_errors]


def test_a_binary_jsonl_file_is_refused_once(tmp_path):
    (tmp_path / "blob.jsonl").write_bytes(b'{"text": "x"}\n' + b"\x00" * 5000 + b"\n" * 400)
    documents, errors = _read_all(plan_inputs([str(tmp_path)], partition_bytes=100))
    assert documents == [] and [str(e) for e in errors] == [f"{tmp_path / 'blob.jsonl'}: binary file, not text"]


def test_inputs_that_cannot_be_listed_are_reported_and_the_others_planned(tmp_path):
    (tmp_path / "a.txt").write_text("Kyiv.", encoding="utf-8")
    plan = plan_inputs([str(tmp_path / "missing.txt"), str(tmp_path / "a.txt"), str(tmp_path / "*.none"), "-"])
    assert [str(e) for e in plan.problems] == [
        f"{tmp_path / 'missing.txt'}: cannot read: No such file or directory",
        f"{tmp_path / '*.none'}: no file matches this pattern",
        "<stdin>: --dask reads its inputs on the workers and cannot read standard input; give the input as a file",
    ]
    assert [[p.name for p in part.pieces] for part in plan.partitions] == [[str(tmp_path / "a.txt")]]


def test_tables_of_consecutive_parts_merge_into_the_table_of_the_whole(blank_nlp, tmp_path):
    corpus = write_mixed(tmp_path / "corpus", records=80)
    documents = list(read_documents([str(corpus)], on_error=lambda _e: None))
    outcomes = [o for o in annotate_documents(blank_nlp, documents) if o.ok]
    whole = EntityTable()
    for outcome in outcomes:
        whole.add_document(outcome.document, outcome.spans)
    rng = random.Random(7)
    for _ in range(5):
        cuts = sorted(rng.sample(range(1, len(outcomes)), 6))
        parts = []
        for lo, hi in zip([0, *cuts], [*cuts, len(outcomes)]):
            part = EntityTable()
            for outcome in outcomes[lo:hi]:
                part.add_document(outcome.document, outcome.spans)
            parts.append(EntityTable.from_json(json.loads(json.dumps(part.to_json()))))  # as a shard record
        merged = EntityTable.combine(parts)
        assert merged.to_json() == whole.to_json()
        assert render_summary(merged) == render_summary(whole)
    rows = whole.rows()
    assert rows[0]["mentions"] >= rows[-1]["mentions"] and whole.documents == len(outcomes)


def test_summary_formats(blank_nlp):
    from normalizer.corpus.inputs import Document

    table = EntityTable()
    for n, words in enumerate(["Kharkov and Kyiv.", "Kyiv again, and Kharkiv.", text(3)]):
        document = Document(id=f"d{n}", text=words)
        [outcome] = annotate_documents(blank_nlp, [document])
        table.add_document(document, outcome.spans)
    tsv = render_summary(table).splitlines()
    assert tsv[0] == "id\tname\ttype\tmentions\tdocuments\tvariants"
    assert "geonames:706483\tKharkiv\tGPE\t3\t3\tKharkov (2); Kharkiv (1)" in tsv  # text(3) says Kharkov, too
    kyiv = next(r for r in map(json.loads, render_summary(table, fmt="jsonl").splitlines()) if r["name"] == "Kyiv")
    assert (kyiv["id"], kyiv["type"], kyiv["documents"]) == ("geonames:703448", ["GPE"], 3)
    page = render_summary(table, fmt="html")
    assert page.startswith("<!DOCTYPE html>") and '<tr data-id="geonames:706483">' in page


def test_workers_of_one_machine_open_the_world_index_one_at_a_time(tmp_path, monkeypatch):
    """The first worker builds the index under a lock in the cache folder; the others wait, then open it."""
    import threading
    import time

    from normalizer.dask import worker
    from normalizer.pipeline.load import PipelineConfig
    from normalizer.world import index

    inside, most = [0], [0]

    def slow_open(*, index_path=None):
        inside[0] += 1
        most[0] = max(most[0], inside[0])
        time.sleep(0.2)
        inside[0] -= 1

    monkeypatch.setenv(index.CACHE_ENV_VAR, str(tmp_path / "cache"))
    monkeypatch.setattr(index, "default_index", slow_open)
    config = PipelineConfig(model="blank:en", world=True)
    threads = [threading.Thread(target=worker.open_world_index, args=(config,)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most[0] == 1
    assert (tmp_path / "cache" / ".world-index.lock").exists()
