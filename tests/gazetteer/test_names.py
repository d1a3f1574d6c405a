"""Names an entry answers to besides those listed: here, a person's given name as an initial."""
from __future__ import annotations

import pytest

from normalizer.gazetteer.names import entry_names
from normalizer.gazetteer.schema import Entry, Variant

from ..conftest import annotate_with_ents


def names(entry: Entry) -> dict[str, tuple[str, bool, bool]]:
    return {v.name: (v.kind, v.weak, v.generated) for v in entry_names(entry)}


@pytest.mark.parametrize(("entry", "initials"), [
    (Entry("person:adaeze-okafor", "Adaeze Okafor", type="person"), ["A. Okafor"]),
    (Entry("person:maria-da-silva", "Maria da Silva", type="person",
           variants=[Variant("Maria Silva"), Variant("Silva", weak=True)]), ["M. da Silva", "M. Silva"]),
    (Entry("person:j-r-tolkien", "J. R. Tolkien", type="person"), []),  # initials already
    (Entry("person:oleh-ivanenko", "Oleh Ivanenko", type="person", native=["Олег Іваненко"]),
     ["O. Ivanenko"]),  # Latin names only; the romanizations of the native name give theirs too
    (Entry("org:harbor-radio", "Harbor Radio", type="organization"), []),  # people only
])
def test_a_person_answers_to_the_initial_of_the_given_name(entry, initials):
    found = {name: how for name, how in names(entry).items() if how == ("abbreviation", True, True)}
    assert [n for n in found if n in initials] == initials
    assert all(n.split()[0].endswith(".") for n in found)


def test_the_initial_form_is_weak_only_ner_persons_use_it(blank_nlp, normalizer):
    person = annotate_with_ents(blank_nlp, normalizer, "L. Austin spoke.", [("L. Austin", "PERSON")])
    assert [(e.text, e.kb_id_) for e in person.ents] == [("L. Austin", "person:lloyd-austin")]
    place = annotate_with_ents(blank_nlp, normalizer, "L. Austin spoke.", [("L. Austin", "GPE")])
    assert [e.kb_id_ for e in place.ents] == [""]
    untagged = blank_nlp("Then L. Austin spoke.")
    assert [e.kb_id_ for e in untagged.ents] == []
