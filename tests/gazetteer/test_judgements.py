"""Analysts' judgements: `not:` in an entry, id-less `- not:` items, and the pure matching functions."""
import pytest

from normalizer.errors import GazetteerErrors
from normalizer.gazetteer.judgements import context_matches, covers, is_not_entity, is_rejected, same_name
from normalizer.gazetteer.load import Source, gazetteer_from_sources, load_gazetteer
from normalizer.gazetteer.schema import Rejection

from ..conftest import MINI

LYMAN = """\
- id: geonames:704204
  name: Lyman
  type: town
  native: [Лиман]
  not:
    - {name: Lyman, label: PERSON, note: a surname}
    - {name: Washington, context: Washington said}
    - Lymanka
"""


def gazetteer(*texts: str):
    return gazetteer_from_sources([Source(f"f{i}.yaml", t, i) for i, t in enumerate(texts)])


def errors_of(text: str) -> list[str]:
    with pytest.raises(GazetteerErrors) as info:
        gazetteer(text)
    return [str(e) for e in info.value.errors]


def test_not_list_is_parsed_with_lines():
    entry = gazetteer(LYMAN).get("geonames:704204")
    assert [(r.name, r.label, r.context, r.note, r.line) for r in entry.rejected] == [
        ("Lyman", "PERSON", None, "a surname", 6),
        ("Washington", None, "Washington said", None, 7),
        ("Lymanka", None, None, None, 8),
    ]
    assert entry.rejected[0].path == "f0.yaml"


def test_a_single_name_is_a_list_of_one():
    entry = gazetteer("- id: place:x\n  name: Xland\n  type: city\n  not: Ex\n").get("place:x")
    assert [r.name for r in entry.rejected] == ["Ex"]


def test_later_layers_add_judgements():
    merged = gazetteer(LYMAN, "- id: geonames:704204\n  not: [Liman]\n").get("geonames:704204")
    assert [r.name for r in merged.rejected] == ["Lyman", "Washington", "Lymanka", "Liman"]
    assert merged.rejected[-1].path == "f1.yaml"


def test_idless_item_records_names_that_are_no_entity():
    loaded = gazetteer(LYMAN + "\n# NER noise\n- not: [Trust, {name: Biscuit, label: PERSON}]\n  note: review 3\n")
    assert len(loaded) == 1
    assert [(r.name, r.label, r.line) for r in loaded.not_entities] == [("Trust", None, 11), ("Biscuit", "PERSON", 11)]


@pytest.mark.parametrize("text, message", [
    ("- id: place:x\n  name: Xland\n  type: city\n  not: {name: Y}\n  not: [Z]\n",
     "f0.yaml:5: duplicate key 'not' (first on line 4) (YAML would silently keep only the last one; "
     "merge them into one key)"),
    ("- id: place:x\n  name: Xland\n  type: city\n  not:\n    - {name: Yland, lable: PERSON}\n",
     "f0.yaml:5: entry 'place:x': unknown key 'lable' in 'not' (a 'not' item takes name, label, context and note)"),
    ("- id: place:x\n  name: Xland\n  type: city\n  not:\n    - {name: Yland, label: CITY}\n",
     "f0.yaml:5: entry 'place:x': unknown label 'CITY' in 'not' (use one of: PERSON, ORG, GPE, LOC, FAC)"),
    ("- id: place:x\n  name: Xland\n  type: city\n  not:\n    - {label: PERSON}\n",
     "f0.yaml:5: entry 'place:x': 'not' item has no name"),
    ("- id: place:x\n  name: Xland\n  type: city\n  not:\n    - {name: Washington, context: the government said}\n",
     "f0.yaml:5: entry 'place:x': context 'the government said' does not contain the name 'Washington' "
     "(write the words around the name with the name itself, e.g. context: Washington said)"),
    ("- id: place:x\n  name: Xland\n  type: city\n  not: 12\n",
     "f0.yaml:4: entry 'place:x': 'not' must be a list of names "
     "(for example not: [Lyman, {name: Lyman, label: PERSON}])"),
    ("- not: [Trust]\n  name: Trust\n",
     "f0.yaml:2: unknown key 'name' in a judgement item (an item with 'not:' and no id) (such an item takes "
     "only 'not' and 'note'; to say a name is not one entry, put 'not:' in that entry (add its id))"),
])
def test_bad_judgements_are_located(text, message):
    assert errors_of(text) == [message]


def test_shipped_gazetteer_still_loads_with_judgement_support():
    assert len(load_gazetteer([MINI], shipped=False)) > 10


@pytest.mark.parametrize("judged, written, same", [
    ("Lyman", "LYMAN", True),
    ("Lyman", "Liman", True),          # the transliteration key: same name in another romanization
    ("Lyman", "Лиман", True),
    ("Kupiansk", "Kupyans'k", True),
    ("Lyman", "Lymanka", False),
    ("Kyiv", "Kyivstar", False),
])
def test_same_name(judged, written, same):
    assert same_name(judged, written) is same


@pytest.mark.parametrize("before, after, matches", [
    ("", " said on Thursday it would", True),
    ("Officials in ", " did not say", False),
    ("", "  SAID that", True),               # case and spacing do not matter
    ("", " says", False),
])
def test_context_after_the_name(before, after, matches):
    assert context_matches("Washington said", "Washington", before=before, after=after) is matches


def test_context_before_the_name():
    assert context_matches("President Washington", "Washington", before="said former President ", after=", who")
    assert not context_matches("President Washington", "Washington", before="in ", after="")


def test_is_rejected_by_label_and_context():
    entry = gazetteer(LYMAN).get("geonames:704204")
    assert is_rejected(entry, "Lyman", "PERSON")
    assert is_rejected(entry, "Liman", "PERSON")
    assert not is_rejected(entry, "Lyman", "GPE")
    assert not is_rejected(entry, "Lyman", None)
    assert is_rejected(entry, "Washington", "GPE", after=" said on Monday")
    assert not is_rejected(entry, "Washington", "GPE", after=" state")
    assert is_rejected(entry, "Lymanka", None)


def test_is_not_entity():
    judgements = [Rejection("Trust"), Rejection("Biscuit", label="PERSON")]
    assert is_not_entity(judgements, "trust", "ORG")
    assert is_not_entity(judgements, "Biscuit", "PERSON")
    assert not is_not_entity(judgements, "Biscuit", "ORG")
    assert not is_not_entity([], "Trust", "ORG")
    assert covers(Rejection("Biscuit", label="PERSON"), "Biscuit's", "PERSON")
