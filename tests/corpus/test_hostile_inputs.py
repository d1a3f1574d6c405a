"""Hostile but ordinary inputs to ``annotate``: every case with its exact message and exit code.

In-process cases go through click's CliRunner; the ones about processes (kill -9, Ctrl-C, a full
disk, permissions) run the real command in a subprocess. Permissions are tested as root too: the
subprocess then runs without the capabilities that let root ignore them.
"""
import ctypes
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from normalizer.cli.main import main

from ..conftest import MINI

BASE = ["annotate", "--model", "blank:en", "--no-world", "--no-shipped", "--gazetteer", str(MINI)]
KHARKIV, KYIV = "geonames:706483", "geonames:703448"
TOO_DEEP = ('not valid JSON here: nested too deeply to read (a JSONL line holds one flat record: '
            '{"id": ..., "text": ...})')


def run(args, input=None):
    return CliRunner().invoke(main, args, input=input)


def write(path: Path, content) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def records(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line]


# -- one input, one outcome ---------------------------------------------------------------------

JSONL_CASES = [
    # (name, file content, expected stderr lines with {f} for the file, exit code, ids of the records written)
    ("lone surrogate", '{"id": "s", "text": "Kiev \\ud800 at dawn"}\n',
     ["warning: {f}:1: 1 lone surrogate(s) (invalid Unicode escapes such as \\ud800) replaced by U+FFFD; "
      "every offset is unchanged"], 0, ["s"]),
    ("nested 100,000 levels", '{"id": "a", "text": "Kiev"}\n' + "[" * 100_000 + "\n",
     ["error: {f}:2: " + TOO_DEEP], 1, ["a"]),
    ("a number too large for a float", '{"id": "f", "v": 1e999, "text": "Kiev"}\n',
     ["error: {f}:1: not valid JSON here: 1e999 is too large a number"], 1, []),
    ("a 5,000-digit integer", '{"id": "n", "v": ' + "7" * 5000 + ', "text": "Kiev"}\n{"id": "b", "text": "Kiev"}\n',
     ["error: {f}:1: not valid JSON here: a number has more than 4,300 digits"], 1, ["b"]),
    ("NaN is no JSON", '{"id": "n", "v": NaN, "text": "Kiev"}\n',
     ["error: {f}:1: not valid JSON here: NaN is not a JSON value"], 1, []),
    ("a line that is not UTF-8", b'{"id": "a", "text": "Kiev"}\n{"id": "l", "text": "Dnipr\xf3"}\n',
     ["error: {f}:2: not UTF-8 text (byte 26 of the line); save the file as UTF-8"], 1, ["a"]),
    ("binary", b"\x89PNG\r\n\x00\x00\x1a", ["error: {f}: binary file, not text"], 1, []),
    ("not an object", '["Kiev"]\n', ['error: {f}:1: a JSONL record needs a "text" string'], 1, []),
]


@pytest.mark.parametrize(("content", "messages", "code", "ids"), [c[1:] for c in JSONL_CASES],
                         ids=[c[0] for c in JSONL_CASES])
def test_jsonl_inputs(tmp_path, content, messages, code, ids):
    source = write(tmp_path / "in.jsonl", content)
    result = run(BASE + ["-q", str(source)])
    assert result.exit_code == code
    stderr = result.stderr.splitlines()
    assert stderr[: len(messages)] == [m.replace("{f}", str(source)) for m in messages]
    if code:
        assert stderr[-1] == "Error: 1 input(s) could not be read (see above)"
    assert [r["id"] for r in records(result.stdout)] == ids


def test_lone_surrogate_keeps_offsets(tmp_path):
    source = write(tmp_path / "in.jsonl", '{"id": "s", "text": "\\ud800 Kiev, then \\udfff Kharkiv"}\n')
    [record] = records(run(BASE + ["-q", str(source)]).stdout)
    assert record["text"] == "\ufffd Kiev, then \ufffd Kharkiv"
    assert [(s["start"], s["end"], s["id"]) for s in record["spans"]] == [(2, 6, KYIV), (15, 22, KHARKIV)]


@pytest.mark.parametrize(("data", "message"), [
    (b"\x00\x01binary\x00", "error: <stdin>: binary data on standard input, not text"),
    (b"Kiev and Dnipr\xf3", "error: <stdin>:1: not UTF-8 text (byte 14); save it as UTF-8"),
])
def test_bad_stdin(data, message):
    result = run(BASE + ["-q", "-"], input=data)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [message, "Error: 1 input(s) could not be read (see above)"]
    assert result.stdout == ""


@pytest.mark.parametrize("written", ["Kha\u200brkiv", "Khar\u00adkiv", "Kharkiv\u200d", "\u2066Kharkiv\u2069"])
def test_names_behind_invisible_characters(written):
    result = run(BASE + ["-q", "-"], input=f"Shelling hit {written} at night.")
    [span] = records(result.stdout)[0]["spans"]
    assert (span["id"], span["start"]) == (KHARKIV, 13 + (written[0] == "\u2066"))
    assert span["text"].strip("\u200d\u2066\u2069") == written.strip("\u200d\u2066\u2069")


def test_text_longer_than_the_model_allows_is_annotated_in_pieces(tmp_path):
    paragraph = "Buses from Kiev reached Kharkiv before noon. " * 20
    big = write(tmp_path / "big.txt", "\n\n".join([paragraph] * 5600))
    small = write(tmp_path / "small.txt", "Kiev.")
    assert len(big.read_bytes()) > 5_000_000  # five times spaCy's max_length: E088 before
    result = run(BASE + ["-q", str(big), str(small)])
    assert result.exit_code == 0, result.output
    long, short = records(result.stdout)
    text = long["text"]
    assert len(long["spans"]) == 2 * 20 * 5600
    assert all(text[s["start"]:s["end"]] == s["text"] for s in long["spans"])
    assert {s["id"] for s in long["spans"]} == {KYIV, KHARKIV}
    assert [s["id"] for s in short["spans"]] == [KYIV]


# -- output you can trust -----------------------------------------------------------------------

def test_output_equal_to_an_input_is_refused_and_the_input_kept(tmp_path):
    source = write(tmp_path / "x.jsonl", '{"id": "a", "text": "Kiev"}\n')
    before = source.read_bytes()
    result = run(BASE + [str(source), "-o", str(source)])
    assert result.exit_code == 2
    assert result.stderr == (f"Error: -o {source} is also an input: writing it would destroy it; "
                             "choose another output file\n")
    assert source.read_bytes() == before


@pytest.mark.parametrize("where", ["missing/out.jsonl", "afile/out.jsonl"])
def test_output_folder_that_does_not_exist_is_refused_before_the_model_loads(tmp_path, where):
    write(tmp_path / "afile", "not a folder")
    target = tmp_path / where
    # an unknown model would fail first if the model were loaded before the output is checked
    result = run(["annotate", "--model", "no_such_model_xyz", "-", "-o", str(target)], input="Kiev")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {target.parent}: cannot write the output there: the folder does not exist\n"


@pytest.mark.parametrize(("args", "message"), [
    (["-"], "--resume needs -o/--output: it continues the run that writes that file"),
    (["-", "-o", "{d}/o.html", "-f", "html"], "--resume works with -f jsonl, tsv, text; an html page is written in one "
                                              "piece at the end"),
    (["-", "-o", "{d}/o.jsonl"], "--resume cannot continue reading standard input; give the input as a file"),
])
def test_resume_usage_errors(tmp_path, args, message):
    result = run(BASE + ["--resume", *[a.format(d=tmp_path) for a in args]], input="Kiev")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {message}\n"


def test_unfinished_run_needs_resume_or_deleting(tmp_path):
    source = write(tmp_path / "in.jsonl", '{"id": "a", "text": "Kiev"}\n{"id": "b", "text": "Kharkiv"}\n')
    out = tmp_path / "out.jsonl"
    write(tmp_path / "out.jsonl.partial", '{"id": "a"}\n')
    write(tmp_path / ".out.jsonl.partial.progress", '{"version": 2, "signature": "x"}\n1 12 0 0123456789abcdef\n')
    result = run(BASE + [str(source), "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {out}.partial: holds an unfinished run (1 documents done); add --resume to "
                             f"continue it, or delete {out}.partial to start over\n")
    resumed = run(BASE + [str(source), "-o", str(out), "--resume"])
    assert resumed.exit_code == 2
    assert resumed.stderr == (
        f"Error: {tmp_path}/.out.jsonl.partial.progress: cannot resume: the unfinished run was made with other "
        "inputs, inputs that changed since, or other options; run the same command as before with --resume, or "
        f"delete {out}.partial to start over\n")
    assert not out.exists()


def test_resume_without_an_unfinished_run_starts_from_the_beginning(tmp_path):
    source = write(tmp_path / "in.jsonl", '{"id": "a", "text": "Kiev"}\n')
    out = tmp_path / "out.jsonl"
    result = run(BASE + [str(source), "-o", str(out), "--resume"])
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == f"note: no unfinished run for {out}; starting from the beginning"
    assert [r["id"] for r in records(out.read_text(encoding="utf-8"))] == ["a"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"]


def test_output_inside_an_input_folder_is_not_read_back(tmp_path):
    write(tmp_path / "a.txt", "Kiev.")
    out = tmp_path / "out.jsonl"
    for _ in range(2):
        result = run(BASE + ["-q", str(tmp_path), "-o", str(out)])
        assert result.exit_code == 0
        assert [r["id"] for r in records(out.read_text(encoding="utf-8"))] == [str(tmp_path / "a.txt")]


# -- processes: kill -9, Ctrl-C, a full disk, permissions ----------------------------------------

COMMAND = [sys.executable, "-m", "normalizer", *BASE]


def corpus(path: Path, documents: int = 2500) -> Path:
    names = ["Kiev", "Kharkiv", "Izum", "Kupiansk", "Lyman"]
    with path.open("w", encoding="utf-8") as handle:
        for i in range(documents):
            sentences = " ".join(f"Vans left {names[(i + k) % 5]} at {k} o'clock." for k in range(1 + i % 25))
            handle.write(json.dumps({"id": f"doc-{i}", "text": sentences}) + "\n")
    return path


def clean_run(source: Path, out: Path, fmt: str) -> bytes:
    result = run(BASE + ["-q", "-f", fmt, str(source), "-o", str(out)])
    assert result.exit_code == 0
    return out.read_bytes()


def start(args, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(COMMAND + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def wait_for_bytes(path: Path, size: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.stat().st_size >= size:
            return
        if process.poll() is not None:
            pytest.fail(f"the run ended before writing {size} bytes: {process.stderr.read()}")
        time.sleep(0.01)
    pytest.fail("the run wrote nothing")


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory):
    return corpus(tmp_path_factory.mktemp("corpus") / "in.jsonl")


@pytest.mark.parametrize("fmt", ["jsonl", "tsv"])
def test_kill_9_then_resume_equals_one_clean_run(tmp_path, big_corpus, fmt):
    expected = clean_run(big_corpus, tmp_path / f"clean.{fmt}", fmt)
    out = tmp_path / f"out.{fmt}"
    partial = out.with_name(out.name + ".partial")
    for fraction in (0.2, 0.6):  # killed, resumed and killed again, then resumed to the end
        process = start(["-q", "-f", fmt, str(big_corpus), "-o", str(out), "--resume"])
        wait_for_bytes(partial, int(len(expected) * fraction), process)
        process.kill()
        process.wait()
        assert not out.exists()
    process = start(["-f", fmt, str(big_corpus), "-o", str(out), "--resume"])
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    assert stderr.startswith("resuming: ")
    assert out.read_bytes() == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([f"clean.{fmt}", out.name])


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_ctrl_c_keeps_the_finished_records(tmp_path, big_corpus, sig):
    expected = clean_run(big_corpus, tmp_path / "clean.jsonl", "jsonl")
    out = tmp_path / "out.jsonl"
    process = start(["-q", str(big_corpus), "-o", str(out)])
    wait_for_bytes(out.with_name("out.jsonl.partial"), len(expected) // 4, process)
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    [line] = stderr.splitlines()
    done = int(line.split()[2])
    assert line == (f"interrupted after {done} of 2500 documents; kept the finished records in {out}.partial: "
                    "run the same command with --resume to finish")
    kept = (tmp_path / "out.jsonl.partial").read_bytes()
    assert expected.startswith(kept) and kept.count(b"\n") == done
    assert not out.exists()
    assert run(BASE + ["-q", str(big_corpus), "-o", str(out), "--resume"]).exit_code == 0
    assert out.read_bytes() == expected


def test_full_disk_leaves_the_previous_output_untouched(tmp_path, big_corpus):
    expected = clean_run(big_corpus, tmp_path / "clean.jsonl", "jsonl")
    out = write(tmp_path / "out.jsonl", "the previous run's output\n")
    limit = len(expected) // 3

    def small_disk():  # writes beyond `limit` bytes fail with EFBIG, as a full disk fails with ENOSPC
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    process = start(["-q", str(big_corpus), "-o", str(out)], preexec_fn=small_disk)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 1
    [line] = stderr.splitlines()
    assert line.startswith(f"error: cannot write {out}.partial: File too large; {out} is untouched, and the "
                           "records of the ")
    assert line.endswith(f" finished documents stay in {out}.partial: make room, then run the same command with "
                         "--resume")
    assert out.read_text(encoding="utf-8") == "the previous run's output\n"
    assert run(BASE + ["-q", str(big_corpus), "-o", str(out), "--resume"]).exit_code == 0
    assert out.read_bytes() == expected


def _without_root_privileges():
    """Let root meet permission bits: drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH before exec."""
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        for capability in (1, 2):
            if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_unreadable_folder_is_reported_by_name(tmp_path):
    write(tmp_path / "a.txt", "Kiev.")
    locked = tmp_path / "locked"
    locked.mkdir()
    write(locked / "b.txt", "Kharkiv.")
    locked.chmod(0)
    try:
        process = start(["-q", str(tmp_path)], preexec_fn=_without_root_privileges)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        locked.chmod(0o755)
    assert process.returncode == 1
    assert stderr.splitlines() == [
        f"error: {locked}: cannot read folder: Permission denied; its files were not annotated",
        "Error: 1 input(s) could not be read (see above)",
    ]
    assert [r["id"] for r in records(stdout)] == [str(tmp_path / "a.txt")]


def test_read_only_output_folder_is_refused_before_the_model_loads(tmp_path):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        process = start(["--model", "no_such_model_xyz", "-", "-o", str(folder / "out.jsonl")],
                        preexec_fn=_without_root_privileges, stdin=subprocess.PIPE)
        _, stderr = process.communicate("Kiev", timeout=60)
    finally:
        folder.chmod(0o755)
    assert process.returncode == 2
    assert stderr == f"Error: {folder}: cannot write the output there: Permission denied\n"
    assert list(folder.iterdir()) == []


# -- the other commands on the same path --------------------------------------------------------

@pytest.fixture()
def hostile_inputs(tmp_path):
    """A folder with one good text, one too long for the model, and JSONL lines that used to crash."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    write(folder / "a-good.txt", "Trains left Kiev for Kharkiv. Trains left Kiev again.")
    write(folder / "b-long.txt", "\n\n".join(["Buses from Kiev reached Kharkiv before noon. " * 20] * 1200))
    write(folder / "c-records.jsonl", '{"id": "s", "text": "Kiev \\ud800 at dawn"}\n' + "[" * 100_000 + "\n"
          + '{"id": "n", "v": ' + "7" * 5000 + ', "text": "Kiev"}\n')
    return folder


@pytest.mark.parametrize("command", [["suggest"], ["gazetteer", "unused"]])
def test_suggest_and_unused_report_bad_inputs_and_go_on(hostile_inputs, command):
    result = run([*command, "--model", "blank:en", "--no-world", "--no-shipped", "--gazetteer", str(MINI), "-q",
                  str(hostile_inputs)])
    records_file = hostile_inputs / "c-records.jsonl"
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"warning: {records_file}:1: 1 lone surrogate(s) (invalid Unicode escapes such as \\ud800) replaced by "
        "U+FFFD; every offset is unchanged",
        f"error: {records_file}:2: {TOO_DEEP}",
        f"error: {records_file}:3: not valid JSON here: a number has more than 4,300 digits",
        "Error: 2 input(s) could not be read (see above)",
    ]
    assert result.stdout  # the patch or the list of unused variants, made from the readable documents


def test_evaluate_annotates_a_gold_text_longer_than_the_model_allows(tmp_path):
    text = "\n\n".join(["Buses from Kiev reached Kharkiv before noon. " * 20] * 1200)
    start = text.index("Kharkiv")
    gold = write(tmp_path / "gold.jsonl", json.dumps({"id": "g", "text": text, "spans": [
        {"start": start, "end": start + 7, "label": "PLACE", "id": KHARKIV}]}) + "\n")
    result = run(["evaluate", "--json", "--model", "blank:en", "--no-world", "--no-shipped", "--gazetteer", str(MINI),
                  str(gold)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["geonames_acc"] == 1.0


# -- more ways a corpus run meets the world ----------------------------------------------------

def test_resume_notices_an_input_folder_that_changed(tmp_path):
    folder = tmp_path / "texts"
    folder.mkdir()
    for i in range(30):
        write(folder / f"d{i:02}.txt", f"Vans left Kiev at {i} o'clock.")
    fifo = tmp_path / "later.txt"
    os.mkfifo(fifo)  # the run waits there, after the folder, until it is killed
    out = tmp_path / "out.jsonl"
    partial, journal = tmp_path / "out.jsonl.partial", tmp_path / ".out.jsonl.partial.progress"
    process = start(["-q", "--batch-size", "1", str(folder), str(fifo), "-o", str(out)])
    deadline = time.monotonic() + 60
    while not (journal.exists() and journal.read_text(encoding="utf-8").endswith("\n")
               and journal.read_text(encoding="utf-8").splitlines()[-1].startswith("30 ")):
        assert time.monotonic() < deadline and process.poll() is None, "the run did not reach the pipe"
        time.sleep(0.02)
    process.kill()
    process.wait()
    write(folder / "d00.txt", "Vans left Kharkiv at noon.")  # edited after the run read it
    result = run(BASE + ["-q", "--batch-size", "1", str(folder), str(fifo), "-o", str(out), "--resume"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {partial}: cannot resume: the first 30 documents are not those the unfinished run read (a "
        f"file was added, removed, renamed or edited in an input folder); delete {partial} to start over\n")
    assert partial.exists() and not out.exists()  # the earlier records are kept


def test_deleting_the_partial_file_starts_over(tmp_path):
    source = write(tmp_path / "in.jsonl", '{"id": "a", "text": "Kiev"}\n')
    out = tmp_path / "out.jsonl"
    write(tmp_path / ".out.jsonl.partial.progress", '{"version": 2, "signature": "x"}\n')
    result = run(BASE + ["-q", str(source), "-o", str(out)])
    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"]


def test_a_second_run_on_the_same_output_is_refused(tmp_path, big_corpus):
    out = tmp_path / "out.jsonl"
    first = start(["-q", str(big_corpus), "-o", str(out)])
    wait_for_bytes(out.with_name("out.jsonl.partial"), 1, first)
    second = run(BASE + ["-q", str(big_corpus), "-o", str(out), "--resume"])
    assert second.exit_code == 2
    assert second.stderr == (f"Error: {out}: another annotate is writing it now; wait for it to finish, "
                             "or stop it first\n")
    _, stderr = first.communicate(timeout=120)
    assert first.returncode == 0, stderr
    assert out.read_bytes() == clean_run(big_corpus, tmp_path / "clean.jsonl", "jsonl")


def test_output_through_a_symbolic_link_keeps_the_link(tmp_path):
    real = write(tmp_path / "real.jsonl", "old\n")
    real.chmod(0o640)
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    result = run(BASE + ["-q", "-", "-o", str(link)], input="Kiev.")
    assert result.exit_code == 0
    assert link.is_symlink() and records(real.read_text(encoding="utf-8"))[0]["id"] == "-"
    assert oct(real.stat().st_mode & 0o777) == "0o640"


def test_output_to_a_pipe_is_written_directly(tmp_path):
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = run(BASE + ["-q", "-", "-o", str(fifo)], input="Kiev.")
    reader.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert records(received[0].decode())[0]["spans"][0]["id"] == KYIV
    assert fifo.is_fifo()  # not replaced by a regular file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_a_fifo_in_an_input_folder_is_not_read(tmp_path):
    folder = tmp_path / "texts"
    folder.mkdir()
    write(folder / "a.txt", "Kiev.")
    os.mkfifo(folder / "b-pipe.txt")
    result = run(BASE + ["-q", str(folder)])
    assert result.exit_code == 0
    assert [r["id"] for r in records(result.stdout)] == [str(folder / "a.txt")]


def test_interrupted_before_the_first_document_leaves_nothing(tmp_path):
    fifo = tmp_path / "never.txt"
    os.mkfifo(fifo)  # opening it waits for a writer that never comes
    out = tmp_path / "out.jsonl"
    process = start(["-q", str(fifo), "-o", str(out)])
    wait_for_bytes(tmp_path / ".out.jsonl.partial.progress", 1, process)
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert stderr == "interrupted before a document was finished; nothing was written\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["never.txt"]


@pytest.mark.parametrize("command", [["suggest"], ["gazetteer", "unused"]])
def test_other_corpus_commands_exit_130_when_interrupted(tmp_path, command):
    fifo = tmp_path / "never.txt"
    os.mkfifo(fifo)
    process = subprocess.Popen([sys.executable, "-m", "normalizer", *command, "--model", "blank:en", "--no-world",
                                "--no-shipped", "-g", str(MINI), "-q", str(fifo)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(3)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert (process.returncode, stderr) == (130, "interrupted; nothing was written\n")


def test_workers_end_when_their_parent_is_killed(tmp_path, big_corpus):
    out = tmp_path / "out.jsonl"
    process = start(["-q", "--jobs", "2", str(big_corpus), "-o", str(out)])
    wait_for_bytes(out.with_name("out.jsonl.partial"), 1, process)
    workers = [int(p) for p in subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True,
                                                text=True).stdout.split()]
    assert workers
    process.kill()
    process.wait()
    deadline = time.monotonic() + 30  # a worker still importing under load ends when its start-up is done
    while any(Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]
              for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()
                and Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"]


def test_a_model_that_cannot_load_is_a_configuration_error(tmp_path):
    model = tmp_path / "broken-model"
    model.mkdir()
    write(model / "config.cfg", "[nlp]\n")
    write(model / "meta.json", '{"lang": "en", "name": "x", "version": "1"}')
    source = write(tmp_path / "a.txt", "Kiev.")
    out = tmp_path / "out.jsonl"
    for jobs in ("1", "2"):
        result = run(BASE + ["--model", str(model), "--jobs", jobs, "-q", str(source), "-o", str(out)])
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith("Error: ") and "could not" in result.stderr
        assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "broken-model"]


def test_evaluate_reports_bad_gold_by_line(tmp_path):
    gold = write(tmp_path / "gold.jsonl", '{"id": "a", "text": "Kiev", "spans": []}\n' + "[" * 100_000 + "\n")
    result = run(["evaluate", "--model", "blank:en", "--no-world", str(gold)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {gold}:2: {TOO_DEEP}\n"
