"""annotate --dask and --summary: usage and configuration errors, exit codes and messages exactly (no cluster)."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

pytest.importorskip("distributed")

from normalizer.cli.main import main  # noqa: E402

from ..conftest import MINI  # noqa: E402

OPTIONS = ["--model", "blank:en", "--no-world", "-g", str(MINI), "--no-shipped"]


def invoke(*args):
    return CliRunner().invoke(main, ["annotate", *map(str, args)])


@pytest.fixture
def text(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Trains left Kyiv.", encoding="utf-8")
    return path


@pytest.mark.parametrize(("args", "message"), [
    (["--dask"], "--dask needs -o OUTDIR/: the workers write one shard per partition there"),
    (["--dask", "-o", "OUT", "-f", "html"],
     "--dask writes jsonl, tsv, text shards; an html page is one file (--summary FILE.html gives the entity table)"),
    (["-", "--dask", "-o", "OUT"],
     "--dask cannot read standard input: the workers read the inputs; give them as files"),
    (["--dask", "tcp://127.0.0.1:9", "-o", "OUT", "--jobs", "2"],
     "--jobs sizes the local cluster; with a scheduler address, its workers run the job"),
    (["--dask", "corpus/", "-o", "OUT"],
     "--dask corpus/: not a scheduler address (tcp://HOST:PORT, or a scheduler file .json); to start a local "
     "cluster put --dask after the inputs, or write --dask=local"),
    (["--dask", "-o", "OUT", "--partition-size", "lots"], "--partition-size lots: not a size (1MiB, 500kB, 64MB)"),
    (["--partition-size", "4MiB"], "--partition-size works with --dask"),
    (["-o", "OUT.jsonl", "--resume", "--no-new-ids", "--summary", "S.tsv"],
     "--summary cannot be combined with --resume --no-new-ids: the table would miss the documents of the earlier "
     "run; run again without --resume (or without --no-new-ids, or use --dask, whose shards keep their tables)"),
])
def test_usage_errors_exit_2_with_one_message(text, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = invoke(text, *args, *OPTIONS)
    assert (result.exit_code, result.stderr) == (2, f"Error: {message}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_an_output_that_is_a_file_or_a_foreign_folder_is_refused(text, tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("", encoding="utf-8")
    result = invoke(text, "--dask", "-o", out, *OPTIONS)
    assert (result.exit_code, result.stderr) == (
        2, f"Error: {out}: is a file; with --dask, -o names a folder for the shards\n")
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "cat.jpg").write_bytes(b"\xff")
    result = invoke(text, "--dask", "-o", folder, *OPTIONS)
    assert (result.exit_code, result.stderr) == (
        2, f"Error: {folder}: is not empty and holds no earlier annotate --dask run; choose a new or empty folder "
           "for the shards\n")


def test_a_scheduler_that_cannot_be_reached_exits_2(text, tmp_path, monkeypatch):
    monkeypatch.setattr("normalizer.dask.run.CONNECT_TIMEOUT", "1s")
    result = invoke(text, "--dask", "tcp://127.0.0.1:9", "-o", tmp_path / "out", *OPTIONS)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: cannot connect to the Dask scheduler at tcp://127.0.0.1:9: ")
    assert result.stderr.count("\n") == 1


def test_interrupted_exits_130_and_says_what_stays(text, tmp_path, monkeypatch):
    def stop(self):
        self.report.shards = 4
        raise KeyboardInterrupt

    monkeypatch.setattr("normalizer.dask.ShardedRun.finished_shards", lambda self: 1)

    monkeypatch.setattr("normalizer.dask.ShardedRun.execute", stop)
    result = invoke(text, "--dask", "-o", tmp_path / "out", *OPTIONS)
    assert (result.exit_code, result.stderr) == (
        130, f"interrupted: 1 of 4 shards are finished in {tmp_path / 'out'}; run the same command again to annotate "
             "the others\n")


def test_serial_summary_and_an_output_folder(text, tmp_path):
    result = invoke(text, "-o", tmp_path, *OPTIONS)
    assert (result.exit_code, result.stderr) == (
        2, f"Error: {tmp_path}: is a folder; give a file name for the output (--dask writes shards to a folder)\n")
    result = invoke(text, "--summary", tmp_path / "entities.tsv", "-q", *OPTIONS)
    assert result.exit_code == 0
    assert (tmp_path / "entities.tsv").read_text(encoding="utf-8") == (
        "id\tname\ttype\tmentions\tdocuments\tvariants\ngeonames:703448\tKyiv\tGPE\t1\t1\tKyiv (1)\n")
