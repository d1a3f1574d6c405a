"""Gazetteer (and patch) files that try to hurt: each is refused fast, with file:line, and check exits 1.

One row per hostile file: the text, the exact message (``{p}`` is the file's path) and the exit code of
``entity-normalizer gazetteer check --no-shipped FILE``. Every test runs twice: with libyaml (PyYAML's C
parser, the default where it is installed) and with PyYAML's pure-Python parser (the fallback).
"""
from __future__ import annotations

import time
import tracemalloc

import pytest
from click.testing import CliRunner

from normalizer.analyst.patchfile import read_patch
from normalizer.cli.main import main
from normalizer.errors import GazetteerError, GazetteerErrors
from normalizer.gazetteer import yamlio
from normalizer.gazetteer.load import load_gazetteer, shipped_dir, yaml_files
from normalizer.gazetteer.schema import name_problem, not_names
from normalizer.gazetteer.yamlio import MAX_DEPTH, load_yaml, read_text

DEFAULT_LIBYAML = yamlio.LIBYAML
PARSERS = ["libyaml", "python"] if DEFAULT_LIBYAML else ["python"]


@pytest.fixture(autouse=True, params=PARSERS)
def parser(request, monkeypatch):
    """The parser ``load_yaml`` uses in this test: libyaml, or PyYAML's pure-Python one."""
    monkeypatch.setattr(yamlio, "LIBYAML", request.param == "libyaml")
    return request.param

ENTRY = "- id: place:hostile-town\n  name: Hostile Town\n  type: town\n"
WHERE = "entry 'place:hostile-town':"
ALIASES = ("not allowed: YAML anchors and aliases (&name / *name) (found {sign}; write the value out in full "
           "wherever it is needed)")
DEEP = (f"nested more than {MAX_DEPTH} levels deep (a gazetteer or patch file needs 7 levels at most; "
        "look for an unclosed '[' or '{{')")
CONTROL = ("{kind} U+{code} at line {line}, column {column}: remove it (YAML allows tabs and line breaks but no "
           "other control characters; an editor may show it as a box, ^G or nothing at all)")
SINGLE = "is a single letter, so it would match that letter anywhere in a text (remove it; abbreviations of " \
         "two letters or more (EU, U.S.) are fine)"
NO_LETTER = "has no letter or digit, so it cannot be a name (remove it)"
COMMON = ("is a common word, not a name (remove it; the words refused are listed in normalizer/data/not_names.txt "
          "(a longer name that contains one, like 'The Hague', is fine))")
TAGS = "(gazetteer and patch files need no tags; to make a number a name, put it in quotes)"
CYCLE_HINT = "(an entry cannot be inside itself; fix or remove one of these parents)"


def billion_laughs(levels: int = 9) -> str:
    """The classic: each level a list of nine aliases of the one before, 9**levels strings in all."""
    lines = ['- &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"- &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


def place(extra: str, id_: str = "place:hostile-town", name: str = "Hostile Town") -> str:
    return f"- id: {id_}\n  name: {name}\n  type: town\n{extra}"


CASES = [
    # --- anchors and aliases: refused at the first one, before anything is expanded
    ("billion laughs", billion_laughs(), "{p}:1: " + ALIASES.format(sign="&l0")),
    ("alias of an anchored entry", ENTRY.replace("- id:", "- &town\n  id:") + "- *town\n",
     "{p}:1: " + ALIASES.format(sign="&town")),
    ("anchor on a variant list", place("  variants: &spellings [Hostile Burg]\n"),
     "{p}:4: " + ALIASES.format(sign="&spellings")),
    ("merge key from an anchor",
     "- id: place:base-town\n  name: Base Town\n  type: town\n"
     "- {<<: *base, id: place:other-town}\n", "{p}:4: " + ALIASES.format(sign="*base")),
    ("merge key without an alias", "- {<<: {type: town}, id: place:hostile-town, name: Hostile Town}\n",
     "{p}:1: not allowed: YAML merge keys (<<) (write the keys out in full in each entry)"),
    # --- tags: nothing is run, and nothing is silently dropped either
    ("python object tag", place("  variants: !!python/object/apply:os.system [echo]\n"),
     "{p}:4: not allowed: the YAML tag !!python/object/apply:os.system " + TAGS),
    ("binary tag", place("  note: !!binary aGVsbG8=\n"), "{p}:4: not allowed: the YAML tag !!binary " + TAGS),
    ("local tag", "- !place\n  id: place:hostile-town\n", "{p}:1: not allowed: the YAML tag !place " + TAGS),
    # --- nesting: a file:line error at any depth, never a RecursionError
    ("20,000 '[' closed", "[" * 20_000 + "]" * 20_000 + "\n", "{p}:1: " + DEEP),
    ("100,000 '[' unclosed", "[" * 100_000 + "\n", "{p}:1: " + DEEP),
    ("100,000 '{a: '", "{a: " * 100_000 + "\n", "{p}:1: " + DEEP),
    ("20,000 block items", "- " * 20_000 + "deep\n", "{p}:1: " + DEEP),
    ("deep inside an entry", place("  variants: " + "[" * 60 + "Burg" + "]" * 60 + "\n"), "{p}:4: " + DEEP),
    # --- characters the YAML reader refuses
    ("bell in a name", place("", name="Hostile\x07Town"),
     "{p}:2: " + CONTROL.format(kind="control character", code="0007", line=2, column=16)),
    ("NUL in a comment", "# made by a tool\x00\n" + ENTRY,
     "{p}:1: " + CONTROL.format(kind="control character", code="0000", line=1, column=17)),
    ("DEL in a variant", place("  variants: [Hostile\x7fBurg]\n"),
     "{p}:4: " + CONTROL.format(kind="control character", code="007F", line=4, column=21)),
    ("escape sequence", place("  note: \x1b[31mred\n"),
     "{p}:4: " + CONTROL.format(kind="control character", code="001B", line=4, column=9)),
    ("noncharacter U+FFFE", place("  note: odd \ufffe\n"),
     "{p}:4: " + CONTROL.format(kind="character", code="FFFE", line=4, column=13)),
    # --- scalars YAML resolves but cannot build
    ("impossible date", place("  variants:\n    - 2022-13-45\n"),
     "{p}:5: cannot read '2022-13-45' as YAML reads it (month must be in 1..12) (put it in quotes if it is text)"),
    # --- coordinates that are not numbers of degrees
    ("lat .nan", place("  lat: .nan\n  lon: 37.5\n"),
     "{p}:4: " + WHERE + " lat must be a number between -90 and 90, got .nan"),
    ("lon .NaN", place("  lat: 49.2\n  lon: .NaN\n"),
     "{p}:5: " + WHERE + " lon must be a number between -180 and 180, got .NaN"),
    ("lon .inf", place("  lat: 49.2\n  lon: .inf\n"),
     "{p}:5: " + WHERE + " lon must be a number between -180 and 180, got .inf"),
    ("lat -.inf", place("  lat: -.inf\n  lon: 37.5\n"),
     "{p}:4: " + WHERE + " lat must be a number between -90 and 90, got -.inf"),
    ("lat overflowing to inf", place("  lat: 1.0e+400\n  lon: 37.5\n"),
     "{p}:4: " + WHERE + " lat must be a number between -90 and 90, got 1.0e+400"),
    ("lat of 400 digits", place(f"  lat: {'9' * 400}\n  lon: 37.5\n"),
     "{p}:4: " + WHERE + f" lat must be a number between -90 and 90, got {'9' * 400}"),
    ("lon out of range", place("  lat: 49.2\n  lon: 181\n"),
     "{p}:5: " + WHERE + " lon must be a number between -180 and 180, got 181"),
    # --- names that cannot be names
    ("variant 'a'", place("  variants: [a]\n"), "{p}:4: " + WHERE + " variant 'a' " + SINGLE),
    ("variant '.'", place("  variants: ['.']\n"), "{p}:4: " + WHERE + " variant '.' " + NO_LETTER),
    ("variant '-'", place("  variants:\n    - '-'\n"), "{p}:5: " + WHERE + " variant '-' " + NO_LETTER),
    ("variant \"'s\"", place("  variants: [\"'s\"]\n"), "{p}:4: " + WHERE + " variant \"'s\" " + SINGLE),
    ("variant 'the'", place("  variants: [the]\n"), "{p}:4: " + WHERE + " variant 'the' " + COMMON),
    ("variant 'The.'", place("  variants: [The.]\n"), "{p}:4: " + WHERE + " variant 'The.' " + COMMON),
    ("variant 'Of' as a mapping", place("  variants:\n    - {name: Of, kind: abbreviation}\n"),
     "{p}:5: " + WHERE + " variant 'Of' " + COMMON),
    ("variant 'In' (a common word, though capitalized)", place("  variants: [In]\n"),
     "{p}:4: " + WHERE + " variant 'In' " + COMMON),
    ("canonical name 'A'", place("", name="A"), "{p}:2: " + WHERE + " name 'A' " + SINGLE),
    ("canonical name 'An'", place("", name="An"), "{p}:2: " + WHERE + " name 'An' " + COMMON),
    ("native 'В'", place("  native: [Ворожбит, В]\n"), "{p}:4: " + WHERE + " native name 'В' " + SINGLE),
    ("variant '7'", place("  variants: ['7']\n"), "{p}:4: " + WHERE + " variant '7' is a single digit, so it would "
     "match that digit anywhere in a text (remove it; abbreviations of two letters or more (EU, U.S.) are fine)"),
    ("zero-width space", place('  variants: ["Hostile\\u200bBurg"]\n'),
     "{p}:4: " + WHERE + " variant 'Hostile\\u200bBurg' contains the invisible character U+200B (retype the name; "
     "such characters come with copy and paste and keep it from matching)"),
    ("right-to-left override", place('  variants: ["\\u202eBurg"]\n'),
     "{p}:4: " + WHERE + " variant '\\u202eBurg' contains the invisible character U+202E (retype the name; "
     "such characters come with copy and paste and keep it from matching)"),
    # --- parents that contain themselves
    ("parent is itself", place("  parent: place:hostile-town\n"),
     "{p}:1: " + WHERE + " parent 'place:hostile-town' is the entry itself " + CYCLE_HINT),
    ("parents a -> b -> a",
     place("  parent: place:b-town\n", id_="place:a-town", name="A Town")
     + place("  parent: place:a-town\n", id_="place:b-town", name="B Town"),
     "{p}:1: entry 'place:a-town': parents form a cycle: 'place:a-town' -> 'place:b-town' -> 'place:a-town' "
     + CYCLE_HINT),
]
IDS = [case[0] for case in CASES]


@pytest.mark.parametrize("label, text, message", CASES, ids=IDS)
def test_hostile_file_is_refused_with_file_and_line(tmp_path, label, text, message):
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(GazetteerErrors) as info:
        load_gazetteer([path], shipped=False)
    assert time.perf_counter() - started < 1.0, label
    assert [str(e) for e in info.value.errors] == [message.format(p=path)]


@pytest.mark.parametrize("label, text, message", CASES, ids=IDS)
def test_check_exits_1_and_prints_the_message(tmp_path, label, text, message):
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["gazetteer", "check", "--no-shipped", str(path)])
    assert result.exit_code == 1, label
    assert "error: " + message.format(p=path) in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_billion_laughs_costs_nothing():
    text = billion_laughs(levels=12)  # 9**12 = 282 billion strings if expanded
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(GazetteerError, match="anchors and aliases"):
            load_yaml(text, path="laughs.yaml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 0.2
    assert peak < 1_000_000


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 20_000, 100_000])
def test_no_recursion_error_at_any_depth(depth):
    for text in ("[" * depth + "]" * depth, "- " * depth + "x", "{a: " * depth + "1" + "}" * depth):
        with pytest.raises(GazetteerError) as info:
            load_yaml(text, path="deep.yaml")
        assert info.value.message == f"nested more than {MAX_DEPTH} levels deep"


def test_nesting_up_to_the_limit_loads():
    assert load_yaml("[" * (MAX_DEPTH - 1) + "x" + "]" * (MAX_DEPTH - 1), path="ok.yaml") is not None


def test_a_control_character_does_not_hide_the_other_files_errors(tmp_path):
    bell = tmp_path / "a-bell.yaml"
    bell.write_text(place("", name="Bell\x07Town"), encoding="utf-8")
    typo = tmp_path / "b-typo.yaml"
    typo.write_text(place("  varaints: [Burg]\n", id_="place:typo-town", name="Typo Town"), encoding="utf-8")
    expected = [
        f"{bell}:2: " + CONTROL.format(kind="control character", code="0007", line=2, column=13),
        f"{typo}:4: entry 'place:typo-town': unknown key 'varaints' (allowed keys: country, exclude, id, lat, lon, "
        "name, native, not, note, parent, type, variants, wikidata)",
    ]
    with pytest.raises(GazetteerErrors) as info:
        load_gazetteer([tmp_path], shipped=False)
    assert [str(e) for e in info.value.errors] == expected
    result = CliRunner().invoke(main, ["gazetteer", "check", "--no-shipped", str(bell), str(typo)])
    assert result.exit_code == 1
    assert all(f"error: {message}" in result.output for message in expected)
    assert "2 error(s) in the gazetteer" in result.output


def test_a_man_said_cannot_become_a_person(tmp_path):
    """The variant 'a' is refused when the gazetteer is loaded, so no pipeline can tag "A man said"."""
    import spacy

    path = tmp_path / "people.yaml"
    path.write_text("- id: person:anna-hostile\n  name: Anna Hostile\n  type: person\n  variants:\n"
                    "    - Hostile\n    - a\n", encoding="utf-8")
    expected = f"{path}:6: entry 'person:anna-hostile': variant 'a' {SINGLE}"
    with pytest.raises(GazetteerErrors) as info:
        load_gazetteer([path], shipped=False)
    assert [str(e) for e in info.value.errors] == [expected]
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_normalizer", config={"gazetteer_paths": [str(path)], "shipped": False, "world": False})
    with pytest.raises(GazetteerErrors):  # the gazetteer is read on first use: no document gets through
        nlp("A man said Hostile was right.")


def test_a_patch_file_refuses_aliases_too(tmp_path):
    path = tmp_path / "review.yaml"
    path.write_text("suggest: &meta {shipped: true}\nproposals: []\n", encoding="utf-8")
    with pytest.raises(GazetteerError) as info:
        read_patch(path)
    assert str(info.value) == f"{path}:1: " + ALIASES.format(sign="&meta")


@pytest.mark.parametrize("name", ["EU", "U.S.", "G7", "UN", "ДНР", "The Hague", "Bank of America", "Voice of America",
                                  "Kup'yans'k", "112 Ukraine", "O'Brien", "Cher"])
def test_real_names_pass(name):
    assert name_problem(name) is None


def test_the_stop_words_are_a_data_file_read_once():
    assert {"the", "a", "an", "of", "and", "in", "it", "we"} <= not_names()
    assert not {"may", "will", "said", "mark"} & not_names()  # names analysts use
    assert not_names() is not_names()


@pytest.mark.parametrize(("name", "refused"), [
    ("US", False), ("IS", False), ("WHO", False), ("U.S.", False),  # abbreviations match only in capitals
    ("Us", True), ("Is", True), ("Who", True), ("in", True), ("In", True),
])
def test_a_common_word_is_a_name_only_as_an_abbreviation_in_capitals(name, refused):
    assert (name_problem(name) is not None) is refused


# --- warnings: possible, but probably not what the analyst meant; the gazetteer still loads

WARNINGS = [
    ("name read as a number", place("", name="1984"),
     ["{p}:2: " + WHERE + " name 1984 is a YAML number; quote it ('1984') if it is really a name"]),
    ("variant read as a number", place("  variants:\n    - 2022\n    - '2023'\n"),
     ["{p}:5: " + WHERE + " variant 2022 is a YAML number; quote it ('2022') if it is really a name"]),
    ("number with underscores kept as written", place("", name="1_984"),
     ["{p}:2: " + WHERE + " name 1_984 is a YAML number; quote it ('1_984') if it is really a name"]),
    ("quoted numbers are names", place("  variants: ['1984', \"2022\", !!str 2023]\n", name="'1984'"), []),
    ("exclude of a name the entry does not have", place("  variants: [Hostile Burg]\n  exclude: [Hostil Burg]\n"),
     ["{p}:1: " + WHERE + " exclude 'Hostil Burg' is not a name of this entry in any layer, so it removes nothing "
      "(check the spelling against 'gazetteer lookup', or remove it)"]),
    ("exclude of its own romanization is fine", place("  native: [Ворожба]\n  exclude: [Vorozhba]\n"), []),
]


@pytest.mark.parametrize("label, text, warnings", WARNINGS, ids=[w[0] for w in WARNINGS])
def test_doubtful_names_are_warnings(tmp_path, label, text, warnings):
    path = tmp_path / "doubtful.yaml"
    path.write_text(text, encoding="utf-8")
    gazetteer = load_gazetteer([path], shipped=False)
    assert gazetteer.warnings == [w.format(p=path) for w in warnings]
    result = CliRunner().invoke(main, ["gazetteer", "check", "--no-shipped", str(path)])
    assert result.exit_code == 0, label


def test_number_names_keep_their_written_form(tmp_path):
    path = tmp_path / "numbers.yaml"
    path.write_text(place("  variants: [0x1F, 1_000]\n", name="010"), encoding="utf-8")
    entry = load_gazetteer([path], shipped=False).get("place:hostile-town")
    assert entry.name == "010" and [v.name for v in entry.variants] == ["0x1F", "1_000"]


def test_exclude_in_a_later_layer_of_an_earlier_variant_is_no_warning(tmp_path):
    base = tmp_path / "base.yaml"
    base.write_text(place("  variants: [Hostile Burg, Hostile Stadt]\n"), encoding="utf-8")
    mine = tmp_path / "mine.yaml"
    mine.write_text("- id: place:hostile-town\n  exclude: [Hostile Burg, Hostile Dorf]\n", encoding="utf-8")
    gazetteer = load_gazetteer([base, mine], shipped=False)
    assert [v.name for v in gazetteer.get("place:hostile-town").variants] == ["Hostile Stadt"]
    assert gazetteer.warnings == [
        f"{mine}:1: {WHERE} exclude 'Hostile Dorf' is not a name of this entry in any layer, so it removes "
        "nothing (check the spelling against 'gazetteer lookup', or remove it)"
    ]


def test_an_unreadable_file_does_not_hide_the_other_files_errors(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "a-latin1.yaml").write_bytes("- id: place:ajka\n  name: Ajká\n".encode("latin-1"))
    (folder / "b-typo.yaml").write_text("- id: place:bree\n  name: Bree\n  typ: town\n", encoding="utf-8")
    with pytest.raises(GazetteerErrors) as caught:
        load_gazetteer([folder], shipped=False)
    assert [str(e) for e in caught.value.errors] == [
        f"{folder / 'a-latin1.yaml'}:2: file is not UTF-8 text (save it as UTF-8)",
        f"{folder / 'b-typo.yaml'}:3: entry 'place:bree': unknown key 'typ' (allowed keys: country, exclude, id, "
        "lat, lon, name, native, not, note, parent, type, variants, wikidata)",
    ]


# --- the two parsers


def test_libyaml_is_the_default_where_pyyaml_has_it(parser, monkeypatch):
    import yaml

    assert DEFAULT_LIBYAML is bool(getattr(yaml, "__with_libyaml__", False))
    if parser == "libyaml":  # really the C parser: the pure-Python loader is not even asked
        monkeypatch.setattr(yamlio, "_Loader", None)
    assert load_yaml(ENTRY, path="ok.yaml") == [{"id": "place:hostile-town", "name": "Hostile Town", "type": "town"}]


def _tree(value):
    """A loaded value with every line and written form, to compare the two parsers' answers."""
    if isinstance(value, dict):
        return ("map", value.line, value.lines, dict(value.written), [(k, _tree(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("seq", value.line, value.lines, dict(value.written), [_tree(v) for v in value])
    return (type(value).__name__, value)


@pytest.mark.skipif(not DEFAULT_LIBYAML, reason="PyYAML without libyaml")
def test_both_parsers_read_the_shipped_gazetteer_alike(monkeypatch):
    for path in yaml_files(shipped_dir()):
        text = read_text(path)
        monkeypatch.setattr(yamlio, "LIBYAML", True)
        fast = _tree(load_yaml(text, path=str(path)))
        monkeypatch.setattr(yamlio, "LIBYAML", False)
        assert fast == _tree(load_yaml(text, path=str(path))), path


@pytest.mark.parametrize("text", [
    "- id: place:x\n  name: Xland\n  variants: [A\n",  # unclosed flow sequence
    "- id: place:x\n   name: Xland\n",  # bad indentation
    "a: 1\n---\nb: 2\n",  # two documents
    "- {name: 'unclosed}\n",
    "key: = \n",  # the YAML value key, which the safe constructor cannot build
])
@pytest.mark.skipif(not DEFAULT_LIBYAML, reason="PyYAML without libyaml")
def test_invalid_yaml_gets_the_same_message_from_both_parsers(monkeypatch, text):
    messages = []
    for libyaml in (True, False):
        monkeypatch.setattr(yamlio, "LIBYAML", libyaml)
        with pytest.raises(GazetteerError) as info:
            load_yaml(text, path="bad.yaml")
        messages.append(str(info.value))
    assert messages[0] == messages[1] and messages[0].startswith("bad.yaml:")
