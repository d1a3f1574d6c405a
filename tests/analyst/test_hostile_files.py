"""The analyst's files under hostile conditions: concurrent applies, kill -9 mid-write, failing suggest runs.

The apply tests run real ``entity-normalizer gazetteer apply`` processes. One test spawns the
console script four times at once. The others fork them from a server process that has already
imported the package (0.8 s of spaCy et al. per process otherwise): each forked child waits for
a "go" file, so that the parts that read and write the gazetteer really run at the same moment
(or are killed at a chosen moment of them), many trials in a few seconds.
"""
from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from normalizer import atomic
from normalizer.cli.main import main
from normalizer.gazetteer.load import load_gazetteer, yaml_files

from ..conftest import FIXTURES

ANALYST = FIXTURES / "gazetteer" / "analyst.yaml"
ANALYST_ENTRIES = 6
REPO = Path(__file__).resolve().parents[2]

# Reads one job (JSON) a line; forks a child that waits for the job's go file, runs the command
# line with stdout and stderr to files, writes its exit code to a file and exits.
FORK_SERVER = textwrap.dedent("""\
    import json, os, signal, sys, time, traceback
    from normalizer.cli.main import main
    import normalizer.analyst.patch, normalizer.analyst.patchfile  # imported lazily by the command
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # exited children vanish at once, no zombies
    print("ready", flush=True)
    for line in sys.stdin:
        job = json.loads(line)
        pid = os.fork()
        if pid:
            print(pid, flush=True)
            continue
        code = 99
        try:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            for fd, name in ((1, "out"), (2, "err")):
                os.dup2(os.open(job[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), fd)
            while job["go"] and not os.path.exists(job["go"]):
                time.sleep(0.0002)
            try:
                main(job["args"], prog_name="entity-normalizer")
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            with open(job["rc"], "w") as rc:
                rc.write(str(code))
            os._exit(code)
""")


class Job:
    """One forked ``entity-normalizer`` process."""

    def __init__(self, pid: int, files: dict[str, Path]) -> None:
        self.pid, self.files = pid, files

    def alive(self) -> bool:
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def wait(self, timeout: float = 30) -> tuple[int | None, str, str]:
        """(exit code or None when killed, stdout, stderr) once the process is gone."""
        deadline = time.monotonic() + timeout
        while self.alive():
            if time.monotonic() > deadline:
                raise TimeoutError(f"process {self.pid} still runs after {timeout} s")
            time.sleep(0.001)
        rc, out, err = (self.files[name] for name in ("rc", "out", "err"))
        code = rc.read_text() if rc.exists() else ""  # empty: killed between opening the file and writing it
        return (int(code) if code else None, out.read_text() if out.exists() else "",
                err.read_text() if err.exists() else "")

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)


class ForkServer:
    def __init__(self, folder: Path) -> None:
        self.folder, self.jobs = folder, 0
        self.process = subprocess.Popen([sys.executable, "-c", FORK_SERVER], cwd=REPO, text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self.process.stdout.readline() == "ready\n"

    def run(self, *args: str, go: Path | None = None) -> Job:
        """Fork ``entity-normalizer ARGS``; with ``go``, it starts when that file exists."""
        self.jobs += 1
        files = {name: self.folder / f"job-{self.jobs}.{name}" for name in ("out", "err", "rc")}
        job = {"args": list(args), "go": str(go) if go else None, **{k: str(v) for k, v in files.items()}}
        self.process.stdin.write(json.dumps(job) + "\n")
        self.process.stdin.flush()
        return Job(int(self.process.stdout.readline()), files)

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[ForkServer]:
    forks = ForkServer(tmp_path_factory.mktemp("jobs"))
    yield forks
    forks.close()


FIRST = ("Ada", "Bela", "Cato", "Dora", "Emil", "Fenna", "Gus", "Hedda", "Ivo", "Juna")
LAST = ("Quill", "Brackenridge", "Thornapple", "Wexcombe")


def new_entry_patch(folder: Path, number: int, *, into: Path, gazetteer: Path) -> tuple[Path, list[str]]:
    """A reviewed patch accepting 10 new people (invented names) into ``into``; returns it and their ids."""
    blocks, ids = [], []
    for i, first in enumerate(FIRST, start=1):
        entry_id = f"person:{first.lower()}-{LAST[number].lower()}"
        ids.append(entry_id)
        blocks.append(f"- proposal: {i}\n  accept: true\n  reject: false\n  action: new-entry\n"
                      f"  new:\n    id: {entry_id}\n    name: {first} {LAST[number]}\n    type: person\n"
                      f"    variants:\n      - {first[0]}. {LAST[number]}\n"
                      f"  seen: \"2 mentions in 2 documents (NER: PERSON 2)\"\n")
    path = folder / f"patch-{number}.yaml"
    path.write_text(f"suggest:\n  gazetteer: [{json.dumps(str(gazetteer))}]\n  shipped: false\n"
                    f"  into: {json.dumps(str(into))}\nproposals:\n" + "".join(blocks), encoding="utf-8")
    return path, ids


def temporaries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith(".") and p.name.endswith(atomic.TEMP_SUFFIX))


def team_file(folder: Path) -> Path:
    team = folder / "team"
    team.mkdir()
    analyst = team / "analyst.yaml"
    analyst.write_bytes(ANALYST.read_bytes())
    return analyst


# -- four applies at once ------------------------------------------------------------------

TRIALS = 10


def four_patches(folder: Path, analyst: Path) -> list[tuple[Path, list[str]]]:
    return [new_entry_patch(folder, number, into=analyst, gazetteer=analyst) for number in range(4)]


def assert_all_landed(analyst: Path, patches: list[tuple[Path, list[str]]], results: list[tuple]) -> None:
    for (code, out, err), (_, ids) in zip(results, patches):
        assert (code, err) == (0, ""), out
        lines = out.splitlines()
        assert lines[:10] == [f"proposal {i}: new entry {entry_id} ({FIRST[i - 1]} {entry_id.split('-')[1].title()}) "
                              f"in {analyst}" for i, entry_id in enumerate(ids, start=1)]
        assert len(lines) == 11 and lines[10].startswith("ok: 1 file(s) written, the gazetteer checks out (")
    # Each apply saw the ones before it: the counts it printed are 16, 26, 36 and 46, in some order.
    assert sorted(int(out.rsplit("(", 1)[1].split()[0]) for _, out, _ in results) == [16, 26, 36, 46]
    loaded = load_gazetteer([analyst], shipped=False)
    assert [i for _, ids in patches for i in ids if loaded.get(i) is None] == []
    assert len(loaded) == ANALYST_ENTRIES + 40
    # The analyst's own entries are still there, byte for byte, and each apply's ten stay together.
    assert analyst.read_bytes().startswith(ANALYST.read_bytes())
    text = analyst.read_text(encoding="utf-8")
    offsets = [[text.index(f"- id: {entry_id}\n") for entry_id in ids] for _, ids in patches]
    for mine in offsets:
        assert mine == sorted(mine)
        assert [o for others in offsets if others is not mine for o in others if mine[0] < o < mine[-1]] == []
    assert temporaries(analyst.parent) == []


def test_four_applies_at_once_all_land(tmp_path, server):
    for trial in range(TRIALS):
        folder = tmp_path / f"trial-{trial}"
        folder.mkdir()
        analyst = team_file(folder)
        patches = four_patches(folder, analyst)
        go = folder / "go"
        jobs = [server.run("gazetteer", "apply", str(patch), go=go) for patch, _ in patches]
        go.touch()
        assert_all_landed(analyst, patches, [job.wait() for job in jobs])


def test_four_entity_normalizer_commands_at_once_all_land(tmp_path):
    """The same with the console script, four processes started together (spaCy imports and all)."""
    script = Path(sys.executable).with_name("entity-normalizer")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "normalizer"]
    analyst = team_file(tmp_path)
    patches = four_patches(tmp_path, analyst)
    children = [subprocess.Popen([*command, "gazetteer", "apply", str(patch)], text=True, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE) for patch, _ in patches]
    results = [(child.wait(timeout=60), *child.communicate()) for child in children]
    assert_all_landed(analyst, patches, results)


def test_applies_whose_locks_cross_do_not_deadlock(tmp_path, server):
    """A writes a.yaml and reads b.yaml, B the other way round: both lock both, in the same order."""
    for trial in range(5):
        folder = tmp_path / f"trial-{trial}"
        folder.mkdir()
        a, b = folder / "a.yaml", folder / "b.yaml"
        a.write_text("- id: person:x-a\n  name: X A\n  type: person\n", encoding="utf-8")
        b.write_text("- id: person:x-b\n  name: X B\n  type: person\n", encoding="utf-8")
        (patch_a, ids_a), (patch_b, ids_b) = (new_entry_patch(folder, 0, into=a, gazetteer=b),
                                              new_entry_patch(folder, 1, into=b, gazetteer=a))
        go = folder / "go"
        jobs = [server.run("gazetteer", "apply", str(patch), go=go) for patch in (patch_a, patch_b)]
        go.touch()
        assert [job.wait(timeout=10)[0] for job in jobs] == [0, 0]
        loaded = load_gazetteer([a, b], shipped=False)
        assert all(loaded.get(i) for i in ids_a + ids_b) and len(loaded) == 22


def test_apply_waits_for_the_lock_of_a_file_it_may_write(tmp_path, server):
    """The lock covers the analyst's files variants go to, not only ``into``."""
    analyst = team_file(tmp_path)
    patch = tmp_path / "patch.yaml"
    patch.write_text(f"suggest:\n  gazetteer: [{json.dumps(str(analyst.parent))}]\n  shipped: false\n"
                     f"  into: {json.dumps(str(tmp_path / 'mine.yaml'))}\nproposals:\n"
                     "- proposal: 1\n  accept: true\n  action: add-variants\n  id: geonames:703656\n"
                     "  variants: [Kupianks]\n", encoding="utf-8")
    with atomic.file_lock(analyst):
        job = server.run("gazetteer", "apply", str(patch))
        time.sleep(0.3)
        assert job.alive()
        assert analyst.read_bytes() == ANALYST.read_bytes()
    assert job.wait() == (0, f"proposal 1: added 'Kupianks' to geonames:703656 (Kupiansk) in {analyst}\n"
                             f"ok: 1 file(s) written, the gazetteer checks out ({ANALYST_ENTRIES} entries)\n", "")
    assert "    - Kupianks\n" in analyst.read_text(encoding="utf-8")


# -- kill -9 during the write --------------------------------------------------------------

# When to SIGKILL apply: a number of milliseconds after "go" (the apply takes some 10-30 ms), or as
# soon as a temporary file appears beside the target, or as soon as the target itself changes
# (inode, size or mtime: a write in place would be caught half done). The last trial is not killed.
TEMPORARY, CHANGED, FINISH = "temporary file", "target changed", "not killed"
KILL_AT: tuple[float | str, ...] = (
    0, TEMPORARY, CHANGED, 1, TEMPORARY, CHANGED, 2, TEMPORARY, CHANGED, 3, TEMPORARY, CHANGED, 4, TEMPORARY,
    CHANGED, 5, TEMPORARY, CHANGED, 6, 7, 8, TEMPORARY, CHANGED, 10, 12, 14, TEMPORARY, CHANGED, 16, 18, 20,
    TEMPORARY, CHANGED, 25, 30, 40, 60, FINISH)


def test_kill_9_leaves_the_old_file_or_the_new_one(tmp_path, server):
    analyst = team_file(tmp_path)
    team = analyst.parent
    os.chmod(analyst, 0o640)
    old = analyst.read_bytes()
    patch, _ = new_entry_patch(tmp_path, 2, into=analyst, gazetteer=team)
    # The bytes a complete apply writes (into a copy elsewhere: the file names no path).
    (tmp_path / "copy").mkdir()
    copy = tmp_path / "copy" / "analyst.yaml"
    copy.write_bytes(old)
    done = CliRunner().invoke(main, ["gazetteer", "apply",
                                     str(new_entry_patch(tmp_path / "copy", 2, into=copy, gazetteer=copy)[0])])
    assert done.exit_code == 0, done.output
    new = copy.read_bytes()
    assert new.startswith(old) and len(new) > len(old)

    outcomes = []
    for number, at in enumerate(KILL_AT):
        analyst.write_bytes(old)
        before = set(temporaries(team))
        go = tmp_path / f"go-{number}"
        job = server.run("gazetteer", "apply", str(patch), go=go)
        how = _finish(job, go) if at == FINISH else _kill(job, at, analyst, go)
        now = analyst.read_bytes()
        assert now in (old, new), f"trial {number} ({how}): {len(now)} bytes, neither the old file nor the new one"
        assert stat.S_IMODE(analyst.stat().st_mode) == 0o640
        left = [p for p in temporaries(team) if p not in before]
        if left:  # killed between writing the temporary file and moving it into place
            assert now == old
        outcomes.append(f"{how}: {'new' if now == new else 'old'}{' + temporary file' if left else ''}")
    assert outcomes[0].endswith(": old") and outcomes[-1].endswith(": new"), outcomes
    # A temporary file a killed apply left behind is never read as part of the gazetteer.
    assert yaml_files(team) == [analyst]
    checked = CliRunner().invoke(main, ["gazetteer", "check", "--no-shipped", str(team)])
    assert checked.exit_code == 0, checked.output
    assert checked.output.startswith(f"ok: {ANALYST_ENTRIES + 10} entries, ")
    assert checked.output.endswith(" names, 1 files\n")
    print("\n".join(outcomes))


def _kill(job: Job, at: float | str, target: Path, go: Path) -> str:
    """Let the job go, then SIGKILL it ``at`` ms later, or when a temporary file appears or the target changes."""
    folder = target.parent
    before, was = set(temporaries(folder)), _identity(target)
    go.touch()
    if at == TEMPORARY:
        how = "exited before its temporary file was seen"
        while job.alive():
            if any(p not in before for p in temporaries(folder)):
                how = "killed when its temporary file appeared"
                break
    elif at == CHANGED:
        how = "exited before the target was seen to change"
        while job.alive():
            if _identity(target) != was:
                how = "killed when the target changed"
                break
    else:
        how = f"killed after {at} ms"
        time.sleep(at / 1000)
    job.kill()
    if job.wait()[0] is not None:
        how += " (it had finished)"
    return how


def _identity(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


def _finish(job: Job, go: Path) -> str:
    go.touch()
    code, out, err = job.wait()
    assert (code, err) == (0, ""), out
    return "not killed"


# -- suggest -o: the old patch stays until the new one is complete -------------------------

CORPUS = FIXTURES / "corpus"
REVIEWED = b"# my reviewed patch\nproposals:\n- proposal: 1\n  accept: true\n"


def suggest(*args: str):
    return CliRunner().invoke(main, ["suggest", "-q", "-m", "blank:en", "--no-shipped", "--no-world", *args])


@pytest.fixture
def existing(tmp_path) -> Path:
    path = tmp_path / "existing.yaml"
    path.write_bytes(REVIEWED)
    os.chmod(path, 0o640)
    return path


def test_suggest_with_a_bad_gazetteer_leaves_the_patch_alone(tmp_path, existing):
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: person:x\n  name: [unclosed\n", encoding="utf-8")
    result = suggest(str(CORPUS), "-g", str(bad), "-o", str(existing))
    assert result.exit_code == 2  # a configuration error
    assert result.stderr.startswith(f"error: {bad}:")
    assert result.stderr.endswith("Error: 1 error(s) in the gazetteer\n")
    assert existing.read_bytes() == REVIEWED
    assert temporaries(tmp_path) == []


def test_suggest_failing_while_writing_leaves_the_patch_alone(tmp_path, existing, monkeypatch):
    import normalizer.analyst.patchfile

    real = normalizer.analyst.patchfile.write_patch

    def disk_full(proposals, stream, **kwargs):
        real(proposals, stream, **kwargs)
        stream.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(normalizer.analyst.patchfile, "write_patch", disk_full)
    result = suggest(str(CORPUS), "-g", str(ANALYST), "-o", str(existing))
    assert (result.exit_code, result.output) == (1, f"Error: cannot write {existing}: No space left on device\n")
    assert existing.read_bytes() == REVIEWED
    assert temporaries(tmp_path) == []


def test_suggest_with_an_unreadable_input_still_writes_the_whole_patch(tmp_path, existing):
    """As annotate: the readable inputs are processed and written, the exit code is 1 at the end."""
    from normalizer.analyst.patchfile import read_patch

    missing = tmp_path / "missing.txt"
    result = suggest(str(CORPUS / "washington.txt"), str(missing), "-g", str(ANALYST), "-o", str(existing))
    assert result.exit_code == 1
    assert result.stderr == (f"error: {missing}: cannot read: No such file or directory\n"
                             "Error: 1 input(s) could not be read (see above)\n")
    text = existing.read_text(encoding="utf-8")
    assert text.startswith("# Gazetteer proposals from `entity-normalizer suggest`.")
    assert "  documents: 1\n" in text and text.endswith("proposals: []\n")
    assert read_patch(existing).proposals == []
    assert stat.S_IMODE(existing.stat().st_mode) == 0o640
    assert temporaries(tmp_path) == []


def test_suggest_output_in_a_missing_folder_is_an_error(tmp_path):
    output = tmp_path / "no-such-folder" / "patch.yaml"
    # refused before the model loads, as annotate does
    result = suggest(str(CORPUS / "washington.txt"), "-g", str(ANALYST), "-o", str(output))
    assert (result.exit_code, result.output) == (
        2, f"Error: {output.parent}: cannot write the output there: the folder does not exist\n")


@pytest.mark.parametrize("over", ["input", "gazetteer"])
def test_suggest_refuses_to_write_over_its_inputs(tmp_path, over):
    mine = tmp_path / "mine.yaml"
    mine.write_bytes(ANALYST.read_bytes())
    text = tmp_path / "a.txt"
    text.write_text((CORPUS / "washington.txt").read_text(encoding="utf-8"), encoding="utf-8")
    target = mine if over == "gazetteer" else text
    before = target.read_bytes()
    result = suggest(str(text), "-g", str(mine), "-o", str(target))
    assert (result.exit_code, result.output) == (
        2, f"Error: -o {target} is also an input or a gazetteer file: writing it would destroy it; "
        "choose another output file\n")
    assert target.read_bytes() == before


def test_suggest_output_through_a_symlink_keeps_the_link(tmp_path, existing):
    link = tmp_path / "link.yaml"
    link.symlink_to(existing)
    result = suggest(str(CORPUS / "washington.txt"), "-g", str(ANALYST), "-o", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert existing.read_text(encoding="utf-8").startswith("# Gazetteer proposals")
    assert stat.S_IMODE(existing.stat().st_mode) == 0o640


# -- atomic.py -----------------------------------------------------------------------------

def test_atomic_write_keeps_permissions_and_refuses_a_file_it_may_not_write(tmp_path, monkeypatch):
    target = tmp_path / "g.yaml"
    atomic.write_text(target, "a\n")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask  # a new file: not mkstemp's 0600
    os.chmod(target, 0o604)
    atomic.write_bytes(target, b"b\r\n")
    assert (target.read_bytes(), stat.S_IMODE(target.stat().st_mode)) == (b"b\r\n", 0o604)
    monkeypatch.setattr(os, "access", lambda path, mode, **kwargs: False)  # as a read-only file is, to non-root
    with pytest.raises(PermissionError) as info:
        atomic.write_text(target, "c\n")
    assert info.value.filename == str(target)
    assert target.read_bytes() == b"b\r\n" and temporaries(tmp_path) == []


def test_atomic_open_keeps_the_old_file_on_an_error(tmp_path):
    target = tmp_path / "g.yaml"
    target.write_bytes(b"old\n")
    with pytest.raises(KeyboardInterrupt), atomic.atomic_open(target) as handle:
        handle.write("half of the new")
        raise KeyboardInterrupt
    assert target.read_bytes() == b"old\n" and temporaries(tmp_path) == []
    long = tmp_path / ("n" * 250 + ".yaml")
    atomic.write_text(long, "x")  # the temporary file's name stays under the 255-byte limit
    assert long.read_text() == "x"
