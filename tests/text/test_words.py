"""The word lists the rules read (normalizer/text/words.py, normalizer/data/words/): every file loads, says
where it comes from and under which licence, is read by some rule, and none is read at import time."""
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from normalizer.text import words as words_module
from normalizer.text.words import WordListError, list_names, table, words

PACKAGE = Path(words_module.__file__).resolve().parents[1]
# Lists of "key = value" lines; every other list has one word per line.
TABLES = {"us_state_abbreviations", "canadian_abbreviations", "canadian_provinces", "extra_demonyms",
          "region_designators", "institution_heads"}
# Modules that read a list when they are imported: none.
READ_AT_IMPORT: set[str] = set()


def header(name: str) -> dict[str, str]:
    """The ``# field: value`` lines of a list's opening comment block."""
    fields = {}
    for line in (PACKAGE / "data" / "words" / f"{name}.txt").read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        match = re.match(r"#\s*(source|licence):\s*(.+)", line)
        if match:
            fields[match[1]] = match[2].strip()
    return fields


def test_the_package_ships_lists_of_both_kinds():
    assert set(list_names()) > TABLES
    assert {"local_nouns", "person_titles", "place_heads"} < set(list_names())


@pytest.mark.parametrize("name", list_names())
def test_every_list_loads_and_names_its_source_and_licence(name):
    entries = table(name) if name in TABLES else words(name)
    assert len(entries) >= 2
    fields = header(name)
    assert fields.get("source"), f"{name}.txt: no '# source:' line in its opening comments"
    assert fields.get("licence"), f"{name}.txt: no '# licence:' line in its opening comments"


@pytest.mark.parametrize("name", sorted(set(list_names()) - TABLES))
def test_word_lists_are_lower_case_as_the_rules_compare_them(name):
    assert all(entry == entry.lower() for entry in words(name))


def names_read() -> set[str]:
    """The lists the package's modules name in calls of ``words`` and ``table`` (under any alias)."""
    named = set()
    for path in PACKAGE.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        imported = re.findall(r"from \.+(?:text\.)?words import ([^\n]+)", source)
        aliases = {part.split(" as ")[-1].strip(" ()") for line in imported for part in line.split(",")}
        for alias in aliases:
            named.update(re.findall(rf"""\b{alias}\("([a-z_0-9]+)"\)""", source))
    return named


def test_every_list_is_read_by_some_rule_and_every_rule_names_a_list():
    assert names_read() == set(list_names())


def test_lists_that_refine_another_stay_inside_it():
    assert words("ambiguous_titles") < words("person_titles")
    assert words("honorifics") < words("person_titles")
    assert set(table("canadian_abbreviations").values()) == set(table("canadian_provinces"))


def test_no_list_is_read_at_import_time():
    code = (  # the known exceptions first, then every other module with the lists forgotten
        "import importlib, pkgutil, normalizer\n"
        "from normalizer.text.words import words, table\n"
        f"for name in {sorted(READ_AT_IMPORT)!r}:\n"
        "    importlib.import_module(name)\n"
        "words.cache_clear(); table.cache_clear()\n"
        "for m in pkgutil.walk_packages(normalizer.__path__, 'normalizer.'):\n"
        "    if not m.name.endswith('__main__'):\n"
        "        try:\n"
        "            importlib.import_module(m.name)\n"
        "        except ModuleNotFoundError as e:  # an optional dependency that is not installed\n"
        "            if (e.name or '').startswith('normalizer'):\n"
        "                raise\n"
        "print(words.cache_info().currsize, table.cache_info().currsize)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0", "0"]


@pytest.fixture
def lists(tmp_path, monkeypatch):
    """Lists read from ``tmp_path/data/words`` instead of the package's (caches emptied before and after)."""
    (tmp_path / "data" / "words").mkdir(parents=True)
    monkeypatch.setattr(words_module, "resources", SimpleNamespace(files=lambda _package: tmp_path))
    words.cache_clear()
    table.cache_clear()
    yield tmp_path / "data" / "words"
    words.cache_clear()
    table.cache_clear()


def test_comments_and_blank_lines_are_skipped(lists):
    (lists / "trees.txt").write_text("# Trees.\n# source: ours\n\noak\nelm  # a comment\n  ash\n", encoding="utf-8")
    (lists / "codes.txt").write_text("# source: ours\nNew Fenwick = NF  # invented\nashby = AB\n", encoding="utf-8")
    assert words("trees") == {"oak", "elm", "ash"}
    assert dict(table("codes")) == {"New Fenwick": "NF", "ashby": "AB"}


@pytest.mark.parametrize(
    ("kind", "text", "line", "message"),
    [
        ("words", "# source: ours\noak\nred oak\n", 3, "one word per line"),
        ("words", "oak\nelm\noak\n", 3, "listed twice (first on line 1)"),
        ("table", "ashby = AB\ncorliss CO\n", 2, "expected 'key = value'"),
        ("table", "ashby = AB\n = CO\n", 2, "expected 'key = value'"),
        ("table", "ashby = AB\nashby = AS\n", 2, "listed twice"),
    ],
)
def test_a_bad_line_is_named_by_file_and_line(lists, kind, text, line, message):
    (lists / "bad.txt").write_text(text, encoding="utf-8")
    with pytest.raises(WordListError, match=re.escape(message)) as raised:
        (words if kind == "words" else table)("bad")
    assert str(raised.value).startswith(f"data/words/bad.txt:{line}: ")
    assert (raised.value.path, raised.value.line) == ("data/words/bad.txt", line)


def test_a_missing_or_unreadable_list_is_named(lists):
    with pytest.raises(WordListError, match=r"^data/words/nowhere\.txt: no such word list"):
        words("nowhere")
    (lists / "latin1.txt").write_bytes("caf\xe9\n".encode("latin-1"))
    with pytest.raises(WordListError, match=r"^data/words/latin1\.txt: not UTF-8"):
        words("latin1")
