"""`gazetteer apply` and the minimal YAML edits behind it: the analyst's files stay byte for byte."""
import contextlib
import difflib
import errno
import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from normalizer import atomic
from normalizer.cli.main import main
from normalizer.errors import GazetteerError
from normalizer.gazetteer.edit import YamlFile, flow_item, render_entry, scalar
from normalizer.gazetteer.load import shipped_dir
from normalizer.gazetteer.yamlio import load_yaml

from ..conftest import FIXTURES

ANALYST = FIXTURES / "gazetteer" / "analyst.yaml"


@pytest.mark.parametrize("value, written", [
    ("Kupyans'k", "Kupyans'k"), ("O'Neil", "O'Neil"), ("Ky.", "Ky."), ("Kupiansk-Vuzlovyi", "Kupiansk-Vuzlovyi"),
    ("Washington, D.C.", '"Washington, D.C."'), ("NO", '"NO"'), ("1984", '"1984"'), ("'quoted", "\"'quoted\""),
    ("a: b", '"a: b"'), ("x #y", '"x #y"'), ("Київ", "Київ"), ('say "hi"', '"say \\"hi\\""'),
])
def test_scalar_quotes_only_when_needed(value, written):
    assert scalar(value) == written
    assert load_yaml(f"- {written}\n- [{written}]\n", path="t") == [value, [value]]


def edited(tmp_path, text: str, entry: str, key: str, items: list) -> str:
    path = tmp_path / "g.yaml"
    path.write_bytes(text.encode("utf-8"))
    file = YamlFile(path)
    file.add_items(entry, key, [flow_item(i) for i in items])
    return file.text


def test_block_list_gets_items_after_its_last_item(tmp_path):
    text = ("- id: place:a  # first\n  variants:\n    - A\n    - {name: B,\n       kind: other}\n"
            "  # about the note\n  note: n\n\n- id: place:b\n")
    assert edited(tmp_path, text, "place:a", "variants", ["C", {"name": "D", "weak": True}]) == (
        "- id: place:a  # first\n  variants:\n    - A\n    - {name: B,\n       kind: other}\n"
        "    - C\n    - {name: D, weak: true}\n  # about the note\n  note: n\n\n- id: place:b\n")


def test_flow_list_gets_items_inside_its_brackets(tmp_path):
    text = '- id: place:a\n  variants: ["a]b", {name: c}]   # keep\n  note: n\n'
    assert edited(tmp_path, text, "place:a", "variants", ["Kupyans'k"]) == (
        '- id: place:a\n  variants: ["a]b", {name: c}, Kupyans\'k]   # keep\n  note: n\n')
    assert edited(tmp_path, "- id: place:a\n  variants: []\n", "place:a", "variants", ["X"]) == (
        "- id: place:a\n  variants: [X]\n")


def test_missing_or_empty_key_is_added_at_the_end_of_the_entry(tmp_path):
    text = "- id: place:a\n  name: A\n# the next one\n- id: place:b\n  variants:\n  note: x\n"
    once = edited(tmp_path, text, "place:a", "not", [{"name": "A", "label": "PERSON"}])
    assert once == ("- id: place:a\n  name: A\n  not:\n    - {name: A, label: PERSON}\n"
                    "# the next one\n- id: place:b\n  variants:\n  note: x\n")
    assert edited(tmp_path, text, "place:b", "variants", ["B"]) == (
        "- id: place:a\n  name: A\n# the next one\n- id: place:b\n  variants:\n    - B\n  note: x\n")


def test_crlf_bom_and_missing_final_newline_are_kept(tmp_path):
    path = tmp_path / "g.yaml"
    path.write_bytes(b"\xef\xbb\xbf# c\r\n- id: place:a\r\n  variants:\r\n    - A")
    file = YamlFile(path)
    file.add_items("place:a", "variants", ["B"])
    file.append(render_entry({"id": "place:c", "name": "C", "type": "city"}))
    file.save()
    assert path.read_bytes() == (b"\xef\xbb\xbf# c\r\n- id: place:a\r\n  variants:\r\n    - A\r\n    - B\r\n"
                                 b"\r\n- id: place:c\r\n  name: C\r\n  type: city\r\n")


def test_entry_written_on_one_line_is_left_to_the_analyst(tmp_path):
    with pytest.raises(GazetteerError) as info:
        edited(tmp_path, "- {id: place:a, name: A}\n", "place:a", "variants", ["B"])
    assert str(info.value) == (f"{tmp_path / 'g.yaml'}:1: entry 'place:a': the entry is written on one line "
                               "({...}); edit it by hand")


# -- apply ---------------------------------------------------------------------------------

def write_patch(folder: Path, proposals: str, *, gazetteer=("analyst.yaml",), shipped=False, into="analyst.yaml"):
    paths = ", ".join(json.dumps(str(folder / g)) for g in gazetteer)
    text = (f"suggest:\n  gazetteer: [{paths}]\n  shipped: {'true' if shipped else 'false'}\n"
            f"  into: {json.dumps(str(folder / into))}\nproposals:\n{proposals}")
    (folder / "patch.yaml").write_text(text, encoding="utf-8")
    return folder / "patch.yaml"


def apply(patch: Path, *args):
    return CliRunner().invoke(main, ["gazetteer", "apply", str(patch), *args])


ADD_KUPIANKS = """\
- proposal: 1
  accept: true
  reject: false
  action: add-variants
  id: geonames:703656
  entry: "Kupiansk (town), analyst.yaml:25"   # for reading only
  variants:
    - {name: Kupianks, kind: misspelling}
"""
ADD_ZELENSY = """\
- proposal: 2
  accept: true
  action: add-variants
  id: person:volodymyr-zelensky
  variants: [Zelensy]
"""
NEW_TESTENKO = """\
- proposal: 3
  accept: true
  reject: false
  action: new-entry
  new:
    id: person:olena-testenko
    name: Olena Testenko
    type: person
    variants:
      - Testenko
  seen: "3 mentions in 2 documents (NER: PERSON 2, GPE 1)"
"""
UNDECIDED = """\
- proposal: 4
  accept: false
  reject: false
  action: new-entry
  new: {id: org:washington, name: Washington, type: organization}
"""


@pytest.fixture
def folder(tmp_path):
    shutil.copy(ANALYST, tmp_path / "analyst.yaml")
    return tmp_path


def test_apply_keeps_the_analysts_file_byte_for_byte_outside_changed_entries(folder):
    before = (folder / "analyst.yaml").read_text(encoding="utf-8")
    result = apply(write_patch(folder, ADD_KUPIANKS + ADD_ZELENSY + NEW_TESTENKO + UNDECIDED))
    assert result.exit_code == 0, result.output
    target = folder / "analyst.yaml"
    assert result.output == (
        f"proposal 1: added 'Kupianks' to geonames:703656 (Kupiansk) in {target}\n"
        f"proposal 2: added 'Zelensy' to person:volodymyr-zelensky (Volodymyr Zelensky) in {target}\n"
        f"proposal 3: new entry person:olena-testenko (Olena Testenko) in {target}\n"
        "1 proposal(s) left undecided (neither accept nor reject)\n"
        "ok: 1 file(s) written, the gazetteer checks out (7 entries)\n")
    after = target.read_text(encoding="utf-8")
    expected = before.replace(
        "    # - Kupjansk   (kept out on purpose)\n",
        "    - {name: Kupianks, kind: misspelling}\n    # - Kupjansk   (kept out on purpose)\n",
    ).replace("  variants: [Zelensky, Zelenskyy]\n", "  variants: [Zelensky, Zelenskyy, Zelensy]\n") + (
        "\n# from suggest proposal 3: 3 mentions in 2 documents (NER: PERSON 2, GPE 1)\n"
        "- id: person:olena-testenko\n  name: Olena Testenko\n  type: person\n  variants:\n    - Testenko\n")
    assert after == expected
    # The same, said generally: every line that changed lies in a changed entry or after the old end.
    changed = _entry_lines(before, "geonames:703656") | _entry_lines(before, "person:volodymyr-zelensky")
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, before.splitlines(), after.splitlines()).get_opcodes():
        if tag != "equal":
            assert set(range(i1, max(i2, i1 + 1))) <= changed | {len(before.splitlines())}, (tag, i1, i2)


def _entry_lines(text: str, entry_id: str) -> set[int]:
    lines = text.splitlines()
    start = lines.index(f"- id: {entry_id}")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("- ")), len(lines))
    return set(range(start, end))


def test_apply_twice_changes_nothing(folder):
    patch = write_patch(folder, ADD_KUPIANKS + NEW_TESTENKO)
    assert apply(patch).exit_code == 0
    once = (folder / "analyst.yaml").read_bytes()
    result = apply(patch)
    assert result.exit_code == 0
    assert result.output == (
        "proposal 1: nothing to do: geonames:703656 already has these variant(s)\n"
        "proposal 3: nothing to do: person:olena-testenko is already in the gazetteer\n"
        "ok: 0 file(s) written, the gazetteer checks out (7 entries)\n")
    assert (folder / "analyst.yaml").read_bytes() == once


def test_rejections_become_not_judgements(folder):
    proposals = (ADD_KUPIANKS + NEW_TESTENKO).replace("accept: true\n  reject: false", "accept: false\n  reject: true")
    result = apply(write_patch(folder, proposals))
    assert result.exit_code == 0, result.output
    target = folder / "analyst.yaml"
    assert result.output.splitlines()[:2] == [
        f"proposal 1: recorded that 'Kupianks' is not geonames:703656 (Kupiansk), in {target}",
        f"proposal 3: recorded that 'Olena Testenko', 'Testenko' is no entity, in {target}"]
    text = target.read_text(encoding="utf-8")
    assert "  note: Occupied Feb-Sep 2022.\n  not:\n    - Kupianks\n\n" in text
    assert text.endswith(
        '\n- not:\n    - Olena Testenko\n    - Testenko\n  note: "judged no entity (suggest proposal 3)"\n')


def test_shipped_entry_gets_an_override_in_the_into_file(folder):
    shipped_file = shipped_dir() / "ukraine" / "cities.yaml"
    shipped_before = shipped_file.read_bytes()
    patch = write_patch(folder, ADD_KUPIANKS, gazetteer=(), shipped=True, into="mine.yaml")
    result = apply(patch)
    assert result.exit_code == 0, result.output
    mine = folder / "mine.yaml"
    assert result.output.endswith(f"note: pass --gazetteer {mine} to use the new entries\n")
    assert mine.read_text(encoding="utf-8") == (
        "# Gazetteer additions written by `entity-normalizer gazetteer apply`.\n"
        "# Use it with: entity-normalizer annotate --gazetteer THIS-FILE ...  (see gazetteer/README.md)\n\n"
        "# Kupiansk: from suggest proposal 1\n- id: geonames:703656\n  variants:\n"
        "    - {name: Kupianks, kind: misspelling}\n")
    assert shipped_file.read_bytes() == shipped_before


def test_into_the_shipped_gazetteer_is_refused(folder):
    result = apply(write_patch(folder, ADD_KUPIANKS), "--into", str(shipped_dir() / "extra.yaml"))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {shipped_dir().resolve() / 'extra.yaml'}: is part of the shipped gazetteer; "
        "new entries go to a file of your own (choose one with --into FILE); nothing was changed\n")


def test_failed_check_restores_every_file(folder):
    before = (folder / "analyst.yaml").read_bytes()
    clash = NEW_TESTENKO.replace("name: Olena Testenko", "name: Kupiansk")
    result = apply(write_patch(folder, ADD_KUPIANKS + clash))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith(f"error: {folder / 'analyst.yaml'}:")
    assert "name 'Kupiansk' is also a name of" in lines[0]
    assert lines[-1] == "Error: 1 error(s); nothing was changed (every file is as it was)"
    assert (folder / "analyst.yaml").read_bytes() == before


def test_failed_check_removes_a_new_into_file(folder):
    clash = NEW_TESTENKO.replace("name: Olena Testenko", "name: Kupiansk")
    result = apply(write_patch(folder, clash), "--into", str(folder / "new.yaml"))
    assert result.exit_code == 1
    assert not (folder / "new.yaml").exists()


@pytest.mark.parametrize("proposal, message", [
    (ADD_KUPIANKS.replace("reject: false", "reject: true"),
     "patch.yaml:6: entry 'proposal 1': both accept and reject are true (choose one)"),
    (ADD_KUPIANKS.replace("accept: true", "acept: true"),
     "patch.yaml:7: entry 'proposal 1': unknown key 'acept' (set accept: true or reject: true; other keys are "
     "as suggest wrote them)"),
    (ADD_KUPIANKS.replace("accept: true", "accept: yes"),
     "patch.yaml:7: entry 'proposal 1': accept must be true or false, got 'yes'"),
    (ADD_KUPIANKS.replace("add-variants", "add"),
     "patch.yaml:9: entry 'proposal 1': unknown action 'add' (use one of: add-variants, new-entry)"),
    (ADD_KUPIANKS.replace("kind: misspelling", "kind: typo"),
     "patch.yaml:13: entry 'geonames:703656': unknown variant kind 'typo' (use one of: abbreviation, former, "
     "generic, misspelling, other, russian, ukrainian)"),
    (ADD_KUPIANKS.replace("geonames:703656", "geonames:1"),
     "patch.yaml:6: entry 'proposal 1': entry 'geonames:1' is not in the gazetteer (fix the id in the patch)"),
])
def test_patch_errors_are_located(folder, proposal, message):
    before = (folder / "analyst.yaml").read_bytes()
    patch = write_patch(folder, proposal)
    result = apply(patch)
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first in (f"error: {folder / message}", f"Error: {folder / message}; nothing was changed")
    assert (folder / "analyst.yaml").read_bytes() == before


def test_not_a_patch(folder):
    (folder / "x.yaml").write_text("- id: place:x\n", encoding="utf-8")
    result = apply(folder / "x.yaml")
    assert result.exit_code == 1
    assert result.output == (
        f"error: {folder / 'x.yaml'}:1: not a suggest patch (no 'proposals' list) "
        "(make one with: entity-normalizer suggest CORPUS -o PATCH.yaml)\n"
        "Error: 1 error(s); nothing was changed (every file is as it was)\n")


def test_into_a_gazetteer_folder_needs_no_extra_option(tmp_path):
    team = tmp_path / "team"
    team.mkdir()
    shutil.copy(ANALYST, team / "analyst.yaml")
    patch = write_patch(tmp_path, NEW_TESTENKO, gazetteer=("team",), into="team/my-entities.yaml")
    result = apply(patch)
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"proposal 3: new entry person:olena-testenko (Olena Testenko) in {team / 'my-entities.yaml'}\n"
        "ok: 1 file(s) written, the gazetteer checks out (7 entries)\n")
    assert (team / "analyst.yaml").read_bytes() == ANALYST.read_bytes()


# -- every file restored, locks ------------------------------------------------------------

TEAM_VARIANT_AND_CLASH = ADD_KUPIANKS + NEW_TESTENKO.replace("name: Olena Testenko", "name: Kupiansk")


@pytest.fixture
def two_files(tmp_path):
    """The team's file (variants go there) and the analyst's own existing file (into)."""
    team = tmp_path / "team"
    team.mkdir()
    shutil.copy(ANALYST, team / "analyst.yaml")
    mine = tmp_path / "mine.yaml"
    mine.write_bytes(b"# mine\r\n- id: person:ada-quill\r\n  name: Ada Quill\r\n  type: person\r\n")
    os.chmod(mine, 0o600)
    patch = write_patch(tmp_path, TEAM_VARIANT_AND_CLASH, gazetteer=("team",), into="mine.yaml")
    return team / "analyst.yaml", mine, patch


def test_failed_check_restores_every_file_it_wrote(two_files, tmp_path):
    analyst, mine = two_files[:2]
    before = {analyst: analyst.read_bytes(), mine: mine.read_bytes()}
    result = apply(two_files[2])
    assert result.exit_code == 1
    assert "name 'Kupiansk' is also a name of" in result.output
    assert result.output.endswith("Error: 1 error(s); nothing was changed (every file is as it was)\n")
    assert {path: path.read_bytes() for path in before} == before
    assert stat.S_IMODE(mine.stat().st_mode) == 0o600
    assert sorted(p.name for p in (tmp_path / "team").iterdir()) == [".analyst.yaml.lock", "analyst.yaml"]
    assert list(tmp_path.rglob("*.tmp")) == []


def test_a_failed_write_restores_the_files_written_before(two_files, monkeypatch):
    analyst, mine, patch = two_files
    before = {analyst: analyst.read_bytes(), mine: mine.read_bytes()}
    real = atomic.write_bytes
    writes = []

    def full_disk_for_the_team_file(target, data):
        writes.append(Path(target).name)
        if Path(target) == analyst:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
        real(target, data)

    monkeypatch.setattr(atomic, "write_bytes", full_disk_for_the_team_file)
    result = apply(write_patch(patch.parent, ADD_KUPIANKS + NEW_TESTENKO, gazetteer=("team",), into="mine.yaml"))
    assert writes == ["mine.yaml", "analyst.yaml", "mine.yaml"]  # into first, then the team's file, then undo
    assert (result.exit_code, result.output) == (
        1, f"Error: {analyst}: cannot write: No space left on device; nothing was changed\n")
    assert {path: path.read_bytes() for path in before} == before


def test_a_file_that_cannot_be_restored_is_named(two_files, monkeypatch):
    analyst, mine, patch = two_files
    real = atomic.write_bytes

    def no_second_chance(target, data):
        if Path(target) == mine and no_second_chance.wrote:
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(target))
        no_second_chance.wrote = True
        real(target, data)

    no_second_chance.wrote = False
    monkeypatch.setattr(atomic, "write_bytes", no_second_chance)
    result = apply(patch)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "name 'Kupiansk' is also a name of" in lines[0]
    assert lines[1:] == [
        f"error: {mine}: could not be restored (Input/output error): it keeps apply's changes (undo them by hand)",
        "Error: 2 error(s); some files could not be restored (see above)"]
    assert analyst.read_bytes() == ANALYST.read_bytes()


def test_apply_locks_every_file_it_may_write_in_sorted_order_and_again_if_one_appears(two_files, monkeypatch):
    import normalizer.analyst.patch

    analyst, mine, _ = two_files
    team = analyst.parent
    other = team / "b-other.yaml"
    target = team / "zz-new.yaml"
    patch = write_patch(mine.parent, NEW_TESTENKO, gazetteer=("team", "mine.yaml"), into="team/zz-new.yaml")
    real_lock, real_files = atomic.file_lock, normalizer.analyst.patch._user_files
    taken: list[Path] = []
    listings = []

    @contextlib.contextmanager
    def recording_lock(path):
        taken.append(Path(path))
        with real_lock(path) as lock:
            yield lock

    def listing(paths):
        listings.append(len(listings) + 1)
        if len(listings) == 2:  # another apply created a file in the folder while this one waited for the locks
            other.write_text("- id: person:bo-other\n  name: Bo Other\n  type: person\n", encoding="utf-8")
        return real_files(paths)

    monkeypatch.setattr(atomic, "file_lock", recording_lock)
    monkeypatch.setattr(normalizer.analyst.patch, "_user_files", listing)
    result = apply(patch)
    assert result.exit_code == 0, result.output
    assert result.output == (f"proposal 3: new entry person:olena-testenko (Olena Testenko) in {target}\n"
                             "ok: 1 file(s) written, the gazetteer checks out (9 entries)\n")
    assert listings == [1, 2, 3]  # before the locks, under the first set, under the grown set
    assert taken == [mine, analyst, target] + [mine, analyst, other, target]


def test_ctrl_c_between_the_write_and_the_check_restores_every_file(two_files, monkeypatch):
    import normalizer.analyst.patch

    analyst, mine, patch = two_files
    before = {analyst: analyst.read_bytes(), mine: mine.read_bytes()}
    real, calls = normalizer.analyst.patch.load_gazetteer, []

    def interrupted_check(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(normalizer.analyst.patch, "load_gazetteer", interrupted_check)
    result = apply(write_patch(patch.parent, ADD_KUPIANKS + NEW_TESTENKO, gazetteer=("team",), into="mine.yaml"))
    assert (result.exit_code, result.output) == (1, "\nAborted!\n")
    assert {path: path.read_bytes() for path in before} == before
