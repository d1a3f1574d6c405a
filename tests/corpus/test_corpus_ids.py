"""``annotate`` gives every unknown entity one provisional id across the run: the same ids serially,
with ``--jobs 2``, in any order of the documents, after ``--resume``, on standard output and in
every format; ``--no-new-ids`` keeps ``id: null``."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from normalizer.cli.main import main

from ..conftest import MINI
from .named_corpus import DOCUMENTS, SAME_ENTITY, ids_by_mention, save_ruler_model, write_corpus


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    return save_ruler_model(tmp_path_factory.mktemp("ruler") / "model")


def options(model: Path) -> list[str]:
    return ["--model", str(model), "--no-world", "-g", str(MINI), "--no-shipped", "-q"]


def annotate(*args) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["annotate", *map(str, args)])
    if isinstance(result.exception, Exception) and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def records(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line]


def test_one_id_per_entity_across_documents_and_no_false_merge(model, tmp_path):
    code, out, _ = annotate(write_corpus(tmp_path / "in.jsonl"), *options(model))
    assert code == 0
    found = ids_by_mention(records(out))
    entity_ids = []
    for mentions in SAME_ENTITY:
        ids = set().union(*(found[m] for m in mentions))
        assert len(ids) == 1 and None not in ids, mentions
        entity_ids.append(ids.pop())
    assert len(set(entity_ids)) == len(SAME_ENTITY)  # no two entities share an id
    assert all(i.startswith(("new:person:", "new:org:")) for i in entity_ids)
    spans = [s for r in records(out) for s in r["spans"]]
    assert {s["match"] for s in spans} == {"new"}
    assert found[("b", "Okafor")] == {"new:person:adaeze-okafor"}
    assert found[("h", "Northern Grain Cooperative")] == found[("g", "NGC")] == {"new:org:northern-grain-cooperative"}
    named = {s["id"]: s["name"] for s in spans}
    assert named["new:person:adaeze-okafor"] == "Adaeze Okafor"


def test_the_same_ids_in_any_order_of_documents(model, tmp_path):
    forward = ids_by_mention(records(annotate(write_corpus(tmp_path / "a.jsonl"), *options(model))[1]))
    order = list(reversed(range(len(DOCUMENTS))))
    backward = ids_by_mention(records(annotate(write_corpus(tmp_path / "b.jsonl", order), *options(model))[1]))
    shuffled = [3, 7, 0, 5, 1, 6, 2, 4]
    third = ids_by_mention(records(annotate(write_corpus(tmp_path / "c.jsonl", shuffled), *options(model))[1]))
    assert forward == backward == third


def test_jobs_give_the_serial_bytes(model, tmp_path):
    corpus = write_corpus(tmp_path / "in.jsonl")
    assert annotate(corpus, "-o", tmp_path / "serial.jsonl", *options(model))[0] == 0
    assert annotate(corpus, "-o", tmp_path / "jobs.jsonl", "--jobs", "2", *options(model))[0] == 0
    assert (tmp_path / "serial.jsonl").read_bytes() == (tmp_path / "jobs.jsonl").read_bytes()
    assert not list(tmp_path.glob("*.partial")) and not list(tmp_path.glob(".*progress"))


@pytest.mark.parametrize("fmt", ["tsv", "text", "html"])
def test_every_format_shows_the_corpus_ids(model, tmp_path, fmt):
    corpus = write_corpus(tmp_path / "in.jsonl")
    code, out, _ = annotate(corpus, "-f", fmt, *options(model))
    assert code == 0
    assert "new:person:adaeze-okafor" in out and "new:org:northern-grain-cooperative" in out
    assert annotate(corpus, "-f", fmt, "-o", tmp_path / f"out.{fmt}", *options(model))[0] == 0
    assert (tmp_path / f"out.{fmt}").read_text(encoding="utf-8") == out


def test_summary_counts_the_corpus_ids(model, tmp_path):
    corpus = write_corpus(tmp_path / "in.jsonl")
    code, _, _ = annotate(corpus, "-o", tmp_path / "out.jsonl", "--summary", tmp_path / "s.jsonl", *options(model))
    assert code == 0
    rows = {r["id"]: r for r in records((tmp_path / "s.jsonl").read_text(encoding="utf-8"))}
    okafor = rows["new:person:adaeze-okafor"]
    assert okafor["mentions"] == 3 and okafor["documents"] == 3
    assert {v["text"] for v in okafor["variants"]} == {"Adaeze Okafor", "Okafor", "A. Okafor"}


def test_no_new_ids_keeps_null(model, tmp_path):
    code, out, _ = annotate(write_corpus(tmp_path / "in.jsonl"), "--no-new-ids", *options(model))
    assert code == 0
    assert {s["id"] for r in records(out) for s in r["spans"]} == {None}


def test_a_resumed_run_gives_the_ids_of_one_clean_run(model, tmp_path, monkeypatch):
    """The records of the interrupted run wait in OUT.partial (the spool): the ids need all documents."""
    from normalizer.corpus import batch

    corpus = write_corpus(tmp_path / "in.jsonl")
    clean = tmp_path / "clean.tsv"
    assert annotate(corpus, "-f", "tsv", "-o", clean, *options(model))[0] == 0
    real = batch.annotate_documents

    def stopped_after_four(*args, **kwargs):
        for n, outcome in enumerate(real(*args, **kwargs)):
            if n == 4:
                raise KeyboardInterrupt
            yield outcome

    monkeypatch.setattr(batch, "annotate_documents", stopped_after_four)
    out = tmp_path / "out.tsv"
    code, _, err = annotate(corpus, "-f", "tsv", "-o", out, *options(model)[:-1])
    assert code == 130 and "interrupted after 4 of 8 documents" in err
    partial = out.with_name(out.name + ".partial")
    assert len(partial.read_text(encoding="utf-8").splitlines()) == 4 and not out.exists()
    monkeypatch.setattr(batch, "annotate_documents", real)
    code, _, err = annotate(corpus, "-f", "tsv", "-o", out, "--resume", "--summary", tmp_path / "s.tsv",
                            *options(model)[:-1])
    assert code == 0 and err.startswith("resuming: 4 of 8 documents were done")
    assert out.read_bytes() == clean.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clean.tsv", "in.jsonl", "out.tsv", "s.tsv"]
    okafor = next(row for row in (tmp_path / "s.tsv").read_text(encoding="utf-8").splitlines()
                  if row.startswith("new:person:adaeze-okafor\t"))
    assert okafor.split("\t")[3:5] == ["3", "3"]  # the summary counts the earlier run's documents too


def test_standard_output_leaves_no_spool_behind(model, tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    code, out, _ = annotate(write_corpus(tmp_path / "in.jsonl"), *options(model))
    assert code == 0 and "new:person:adaeze-okafor" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]
