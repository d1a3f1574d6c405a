import textwrap

import pytest

from normalizer.errors import GazetteerErrors
from normalizer.gazetteer.load import load_gazetteer
from normalizer.gazetteer.names import entry_names

from ..conftest import MINI

GOOD = """\
- id: place:test-oblast
  name: Test Oblast
  type: region
  variants: [Test region]
- id: geonames:703448
  name: Kyiv
  type: city
  country: UA
  parent: place:test-oblast
  variants:
    - Kiev
    - {name: Kyjiw, kind: misspelling}
"""


def write(tmp_path, text, name="g.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def errors_of(*paths):
    with pytest.raises(GazetteerErrors) as info:
        load_gazetteer(paths, shipped=False)
    return [str(e) for e in info.value.errors]


def test_loads_a_good_file(tmp_path):
    gazetteer = load_gazetteer([write(tmp_path, GOOD)], shipped=False)
    kyiv = gazetteer.get("geonames:703448")
    assert kyiv.name == "Kyiv" and kyiv.country == "UA"
    assert [v.name for v in kyiv.variants] == ["Kiev", "Kyjiw"]
    assert kyiv.variants[1].kind == "misspelling"


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "- id: place:x\n  name: Xland\n  type: city\n  varaints: [Y]\n",
            "{p}:4: entry 'place:x': unknown key 'varaints' (allowed keys: country, exclude, id, lat, "
            "lon, name, native, not, note, parent, type, variants, wikidata)",
        ),
        (
            "- id: place:x\n  name: Xland\n  type: city\n  variants: [A]\n  variants: [B]\n",
            "{p}:5: duplicate key 'variants' (first on line 4) (YAML would silently keep only the "
            "last one; merge them into one key)",
        ),
        (
            "- id: Place X\n  name: Xland\n  type: city\n",
            "{p}:1: bad or missing id 'Place X' (use geonames:<number>, iso3166-2:CA-ON, fips:21125, or a slug "
            "like place:kharkiv-oblast, person:lloyd-austin, org:sputnik (lowercase letters, digits and hyphens))",
        ),
        (
            "- id: place:x\n  name: Xland\n  type: town-ish\n",
            "{p}:3: entry 'place:x': unknown type 'town-ish' (use one of: country, region, district, city, "
            "town, village, republic, river, sea, lake, area, mountain, facility, person, organization)",
        ),
        (
            "- id: place:x\n  name: Xland\n  type: city\n  country: Ukraine\n",
            "{p}:4: entry 'place:x': country must be a two-letter ISO code, got 'Ukraine' "
            "(for example country: UA (quote 'NO' for Norway))",
        ),
        (
            "- id: place:x\n  name: Xland\n  type: city\n  lat: 100\n  lon: 30\n",
            "{p}:4: entry 'place:x': lat must be a number between -90 and 90, got 100",
        ),
        (
            "- id: place:x\n  name: Xland\n  type: city\n  lat: 50\n",
            "{p}:1: entry 'place:x': give both lat and lon, or neither",
        ),
        (
            "- id: place:x\n  name: Xland\n  type: city\n  variants:\n    - {name: Yland, kind: slang}\n",
            "{p}:5: entry 'place:x': unknown variant kind 'slang' (use one of: abbreviation, former, "
            "generic, misspelling, other, russian, ukrainian)",
        ),
        (
            "- id: place:x\n  name: Xland\n  type: city\n  variants:\n    - {name: Yland, weak: true, kidn: other}\n",
            "{p}:5: entry 'place:x': unknown variant key 'kidn' (a variant takes name, kind and weak)",
        ),
        (
            "- id: place:x\n  type: city\n",
            "{p}:1: entry 'place:x': missing 'name' (a new entry needs id, name and type; to change a "
            "shipped entry, reuse its id)",
        ),
        (
            "- id: place:x\n  name: Xland\n  type: city\n  parent: place:nowhere\n",
            "{p}:1: entry 'place:x': parent 'place:nowhere' is not an entry (add that entry or fix the id)",
        ),
        (
            "- id: place:x\n  name: Xland\n  type: city\n  variants: [A\n",
            "{p}:5: not valid YAML: expected ',' or ']', but got '<stream end>' (check indentation and "
            "that names containing ': ' or '#' are quoted)",
        ),
        ("id: place:x\n", "{p}:1: a gazetteer file must be a list of entries (each entry starts with "
         "'- id: ...')"),
    ],
)
def test_error_messages_name_file_line_entry_and_fix(tmp_path, text, message):
    path = write(tmp_path, text)
    assert errors_of(path) == [message.format(p=path)]


def test_duplicate_id_in_one_layer(tmp_path):
    path = write(tmp_path, GOOD + "- id: geonames:703448\n  name: Kyiv again\n  type: city\n")
    assert errors_of(path) == [
        f"{path}:13: entry 'geonames:703448': duplicate id (also at {path}:5) "
        "(merge the two entries or give one another id)"
    ]


def test_name_claimed_by_two_entries(tmp_path):
    path = write(tmp_path, GOOD + "- id: place:kiev-2\n  name: Kiev\n  type: town\n")
    assert errors_of(path) == [
        f"{path}:13: entry 'place:kiev-2': name 'Kiev' is also a name of 'geonames:703448' ({path}:5, "
        "as 'Kiev') (mark it 'weak: true' on both entries, or 'exclude' it from one)"
    ]


def test_weak_names_may_be_shared(tmp_path):
    text = """\
    - id: place:a
      name: Alpha
      type: town
      variants: [{name: Lyman, weak: true}]
    - id: place:b
      name: Beta
      type: town
      variants: [{name: LYMAN, weak: true}]
    """
    assert len(load_gazetteer([write(tmp_path, text)], shipped=False)) == 2


def test_folded_collisions_count_as_the_same_name(tmp_path):
    text = "- id: place:a\n  name: Sloviansk\n  type: town\n- id: place:b\n  name: SLOVIANSK\n  type: town\n"
    path = write(tmp_path, text)
    assert "is also a name of 'place:a'" in errors_of(path)[0]


def test_every_error_is_reported_not_just_the_first(tmp_path):
    one = write(tmp_path, "- id: place:x\n  nme: X\n", "one.yaml")
    two = write(tmp_path, "- id: BAD\n", "two.yaml")
    assert len(errors_of(one, two)) == 2


def test_yes_no_stay_strings(tmp_path):
    text = "- id: place:norway-town\n  name: 'Town'\n  type: town\n  country: NO\n  variants: [YES, ON]\n"
    entry = load_gazetteer([write(tmp_path, text)], shipped=False).get("place:norway-town")
    assert entry.country == "NO"
    assert [v.name for v in entry.variants] == ["YES", "ON"]


def test_missing_file_and_non_utf8(tmp_path):
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes("- id: place:x\n  name: Dnipró\n".encode("latin-1"))
    messages = errors_of(tmp_path / "nope.yaml", bad)
    assert messages == [f"{tmp_path / 'nope.yaml'}: no such file or directory",
                        f"{bad}:2: file is not UTF-8 text (save it as UTF-8)"]


def test_a_later_layer_overrides_by_id(tmp_path):
    base = write(tmp_path, GOOD, "base.yaml")
    user = write(tmp_path, """\
    - id: geonames:703448
      name: Kyiv City
      variants: [Kyyiv]
      exclude: [kiev]
    """, "user.yaml")
    entry = load_gazetteer([base, user], shipped=False).get("geonames:703448")
    assert entry.name == "Kyiv City"
    assert entry.type == "city"  # kept from the base layer
    assert [v.name for v in entry.variants] == ["Kyjiw", "Kyyiv"]


def test_directories_are_read_recursively(tmp_path):
    (tmp_path / "sub").mkdir()
    write(tmp_path, GOOD, "sub/a.yaml")
    write(tmp_path, "- id: person:test-person\n  name: Test Person\n  type: person\n", "b.yml")
    assert len(load_gazetteer([tmp_path], shipped=False)) == 3


def test_generated_names(tmp_path):
    text = """\
    - id: place:kharkiv-oblast
      name: Kharkiv Oblast
      type: region
      native: [Харківська область]
    - id: place:dnipro-river
      name: Dnipro River
      type: river
      native: [Дніпро]
    """
    gazetteer = load_gazetteer([write(tmp_path, text)], shipped=False)
    oblast = {v.name: v.kind for v in entry_names(gazetteer.get("place:kharkiv-oblast"))}
    assert oblast["Kharkiv region"] == "canonical"  # suffix forms keep the kind they came from
    assert oblast["Kharkivska oblast"] == "translit:uk-national"
    river = {v.name for v in entry_names(gazetteer.get("place:dnipro-river"))}
    assert {"River Dnipro", "Dnipro", "Дніпро"} <= river


def test_shipped_gazetteer_is_valid():
    gazetteer = load_gazetteer()
    assert len(gazetteer) > 300


def test_check_warns_about_a_given_file_with_no_entries(tmp_path):
    from click.testing import CliRunner

    from normalizer.cli.main import main

    empty, comments, folder = tmp_path / "empty.yaml", tmp_path / "comments.yaml", tmp_path / "folder"
    empty.write_bytes(b"")
    comments.write_text("# emptied by mistake\n\n   \n", encoding="utf-8")
    folder.mkdir()
    (folder / "new.yaml").write_bytes(b"")  # inside a folder: not named by the analyst, no warning
    result = CliRunner().invoke(main, ["gazetteer", "check", "--no-shipped", str(empty), str(comments), str(folder),
                                       str(MINI)])
    assert result.exit_code == 0
    assert result.stderr == f"warning: {empty} has no entries\nwarning: {comments} has no entries\n"
    assert result.stdout.startswith("ok: ") and result.stdout.endswith(" names, 4 files\n")
