"""The matching rules on our own sentences, with spacy.blank and hand-set NER labels."""
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc

from normalizer.gazetteer.load import load_gazetteer
from normalizer.pipeline import mentions as stages
from normalizer.pipeline import name_scan
from normalizer.pipeline.facts import DocumentFacts
from normalizer.pipeline.mention import Mention
from normalizer.pipeline.records import doc_records
from normalizer.pipeline.rules import SEPARATORS, clean_pieces, in_ranges
from normalizer.pipeline.word_flags import word_codes
from normalizer.text.keys import case_compatible, fold, translit_key

from ..conftest import MINI, annotate_with_ents


def found(doc):
    return [(r["text"], r["label"], r["id"], r["match"]) for r in doc_records(doc)]


@pytest.mark.parametrize(
    "text, expected",
    [
        # curated names are found without NER, with offsets of the words as written
        ("Shelling hit Izyum overnight.", [("Izyum", "GPE", "geonames:707292", "exact")]),
        ("Troops left Izum on Friday.", [("Izum", "GPE", "geonames:707292", "exact")]),
        ("Convoys reached Kupjansk.", [("Kupjansk", "GPE", "geonames:703656", "translit")]),
        ("Fighting near Krasnyi Lyman went on.", [("Krasnyi Lyman", "GPE", "geonames:704204", "exact")]),
        ("Fighting near Krasnyj Liman went on.", [("Krasnyj Liman", "GPE", "geonames:704204", "translit")]),
        # Cyrillic in English text
        ("The sign said Харків.", [("Харків", "GPE", "geonames:706483", "exact")]),
        # longest match wins: the region, not the city
        ("Shelling in the Kharkov region continued.",
         [("Kharkov region", "GPE", "place:kharkiv-oblast", "exact")]),
        ("Shelling in Kharkivska oblast continued.",
         [("Kharkivska oblast", "GPE", "place:kharkiv-oblast", "exact")]),
        # hyphen, space and line break are the same
        ("A ferry crosses the Siverskyi-Donets River.",
         [("Siverskyi-Donets River", "LOC", "place:siverskyi-donets", "folded")]),
        # ... in a text wrapped at a fixed width (line breaks inside its sentences); elsewhere a line break
        # ends a name (a heading, a caption)
        ("A ferry crosses the Siverskyi Donets\nRiver twice a day, and the\ncrossing takes an hour.",
         [("Siverskyi Donets\nRiver", "LOC", "place:siverskyi-donets", "folded")]),
        ("Ferries on the Siverskyi Donets\nRiver crossings resume",
         [("Siverskyi Donets", "LOC", "place:siverskyi-donets", "exact")]),
        # a name does not run across a comma
        ("In Kharkov, region officials said", [("Kharkov", "GPE", "geonames:706483", "exact")]),
        # symbols and punctuation after a name are not part of it
        ("Floods in Kharkov region. © Photo Desk", [("Kharkov region", "GPE", "place:kharkiv-oblast", "exact")]),
        ("Floods in Krasnyj Liman. © Photo Desk", [("Krasnyj Liman", "GPE", "geonames:704204", "translit")]),
        # possessive never part of the span
        ("Kiev’s forces advanced.", [("Kiev", "GPE", "geonames:703448", "exact")]),
        ("Kiev's forces advanced.", [("Kiev", "GPE", "geonames:703448", "exact")]),
        # all-caps datelines
        ("KHARKIV, Ukraine — Sirens.",
         [("KHARKIV", "GPE", "geonames:706483", "folded"), ("Ukraine", "GPE", "geonames:690791", "exact")]),
        # acronyms only in capitals
        ("The US said so.", [("US", "GPE", "geonames:6252001", "exact")]),
        ("Tell us more.", []),
        # lower case is no proper name
        ("a kharkiv-style menu", []),
        # a different name is not merged: the company is not the city, the river is not the city
        ("Kyivstar restored service.", [("Kyivstar", "ORG", "org:kyivstar", "exact")]),
        # weak names never free-match
        ("Lyman lies north.", []),
        ("Austin spoke.", []),
    ],
)
def test_free_matching(blank_nlp, text, expected):
    assert found(blank_nlp(text)) == expected


@pytest.mark.parametrize(
    "text, ents, expected",
    [
        # NER mislabels a curated place: the gazetteer relabels it
        ("Troops left Kiev.", [("Kiev", "PERSON")], [("Kiev", "GPE", "geonames:703448", "exact")]),
        ("Troops entered Kupyansk.", [("Kupyansk", "ORG")], [("Kupyansk", "GPE", "geonames:703656", "exact")]),
        # a place is never matched inside a person's name
        ("Secretary Lloyd Austin spoke.", [("Lloyd Austin", "PERSON")],
         [("Lloyd Austin", "PERSON", "person:lloyd-austin", "exact")]),
        ("Maria Kharkiv Petrenko spoke.", [("Maria Kharkiv Petrenko", "PERSON")],
         [("Maria Kharkiv Petrenko", "PERSON", None, "none")]),
        # weak names resolve only spans NER tagged with a fitting label
        ("Troops reached Lyman.", [("Lyman", "GPE")], [("Lyman", "GPE", "geonames:704204", "exact")]),
        ("Lyman said no.", [("Lyman", "PERSON")], [("Lyman", "PERSON", None, "none")]),
        ("Austin said no.", [("Austin", "PERSON")], [("Austin", "PERSON", "person:lloyd-austin", "exact")]),
        # NER's shorter span loses to the longer curated name
        ("In Kharkov region today.", [("Kharkov", "GPE")],
         [("Kharkov region", "GPE", "place:kharkiv-oblast", "exact")]),
        # separators split an NER span; the possessive is trimmed
        ("Photo: Agency / Russia's archive", [("Agency / Russia's", "ORG")],
         [("Agency", "ORG", None, "none"), ("Russia", "GPE", "geonames:2017370", "exact")]),
        # a plural head with "of" introduces names
        ("the Councils of Donetsk and Kharkiv", [("the Councils of Donetsk", "ORG")],
         [("Donetsk", "GPE", "geonames:709717", "exact"), ("Kharkiv", "GPE", "geonames:706483", "exact")]),
        # NER joined two names across a verb
        ("Convoys from Kharkiv reached Izyum.", [("Kharkiv reached Izyum", "ORG")],
         [("Kharkiv", "GPE", "geonames:706483", "exact"), ("Izyum", "GPE", "geonames:707292", "exact")]),
        # a comma separates two names NER joined
        ("In Kharkiv, Kremlin officials", [("Kharkiv, Kremlin", "ORG")],
         [("Kharkiv", "GPE", "geonames:706483", "exact"), ("Kremlin", "ORG", None, "none")]),
        # otherwise a name inside a longer one is no mention of its own
        ("the Kharkiv Regional Council met", [("the Kharkiv Regional Council", "ORG")],
         [("Kharkiv Regional Council", "ORG", None, "none")]),
        # generic names need a country cue
        ("Russia's Defense Ministry said.", [("Defense Ministry", "ORG")],
         [("Russia", "GPE", "geonames:2017370", "exact"),
          ("Defense Ministry", "ORG", "org:ministry-of-defence-russia", "exact")]),
        ("Ukraine’s Defense Ministry said.", [("Defense Ministry", "ORG")],
         [("Ukraine", "GPE", "geonames:690791", "exact"),
          ("Defense Ministry", "ORG", "org:ministry-of-defence-ukraine", "exact")]),
        ("The Defense Ministry said.", [("Defense Ministry", "ORG")], [("Defense Ministry", "ORG", None, "none")]),
        # demonyms and job-title words are not entities
        ("Ukrainian troops advanced.", [("Ukrainian", "GPE")], []),
        ("US Energy Secretary spoke.", [("US", "GPE"), ("Energy", "ORG")],
         [("US", "GPE", "geonames:6252001", "exact")]),
        # unknown entities stay, with no id
        ("Olena Testenko arrived.", [("Olena Testenko", "PERSON")], [("Olena Testenko", "PERSON", None, "none")]),
        # an all-lowercase NER span is junk unless the gazetteer knows it
        ("tap the acme logo", [("acme", "ORG")], []),
    ],
)
def test_with_ner(blank_nlp, normalizer, text, ents, expected):
    assert found(annotate_with_ents(blank_nlp, normalizer, text, ents)) == expected


def test_menu_line_yields_nothing(blank_nlp, normalizer):
    text = ("home news world business sport video kharkiv icon menu search share close\n"
            "Troops left Kharkiv.")
    doc = annotate_with_ents(blank_nlp, normalizer, text, [("video", "ORG")])
    assert found(doc) == [("Kharkiv", "GPE", "geonames:706483", "exact")]
    assert doc_records(doc)[0]["start"] == text.index("Kharkiv.")


def test_fuzzy_only_for_ner_spans_and_marked(blank_nlp, normalizer):
    doc = annotate_with_ents(blank_nlp, normalizer, "Shelling of Kupiansck.", [("Kupiansck", "GPE")])
    [record] = doc_records(doc)
    assert (record["id"], record["match"]) == ("geonames:703656", "fuzzy")
    assert record["score"] < 0.85
    assert found(blank_nlp("Shelling of Kupiansck.")) == []  # never fuzzy in free text


@pytest.mark.parametrize(
    "text, label",
    [
        ("Lubansk", "GPE"),  # Luhansk-like but not close enough to a curated name
        ("Kharkovsky", "PERSON"),  # label does not fit a place
        ("Kyivs", "GPE"),  # too short for fuzzy
        ("Kharkivan", "GPE"),  # a word derived from a name is not a misspelling of it
    ],
)
def test_fuzzy_guards(blank_nlp, normalizer, text, label):
    doc = annotate_with_ents(blank_nlp, normalizer, f"Near {text} today.", [(text, label)])
    assert [r["id"] for r in doc_records(doc)] == [None]


@pytest.mark.parametrize(
    "text, ents, expected",
    [
        # titles stay outside person spans
        ("Today President Lloyd Austin spoke.", [("President Lloyd Austin", "PERSON")],
         [("Lloyd Austin", "PERSON", "person:lloyd-austin", "exact")]),
        ("Today Gen. Lloyd Austin spoke.", [("Gen. Lloyd Austin", "PERSON")],
         [("Lloyd Austin", "PERSON", "person:lloyd-austin", "exact")]),
        ("Mr Austin spoke.", [("Mr Austin", "PERSON")], [("Austin", "PERSON", "person:lloyd-austin", "exact")]),
        # local offices and clergy are titles too
        ("Councilwoman Jo Fenn spoke.", [("Councilwoman Jo Fenn", "PERSON")], [("Jo Fenn", "PERSON", None, "none")]),
        ("Rabbi Eli Marsh spoke.", [("Rabbi Eli Marsh", "PERSON")], [("Eli Marsh", "PERSON", None, "none")]),
        ("Commissioner Ada Bell spoke.", [("Commissioner Ada Bell", "PERSON")], [("Ada Bell", "PERSON", None, "none")]),
    ],
)
def test_titles_stay_outside_person_spans(blank_nlp, normalizer, text, ents, expected):
    assert found(annotate_with_ents(blank_nlp, normalizer, text, ents)) == expected


JUDGED = """\
- id: person:pavlo-volts
  name: Pavlo Volts
  type: person
  country: UA
  native: [Павло Вольц]
  variants: [Volts]
- id: geonames:704204
  name: Lyman
  type: city
  variants: [{name: Lyman, weak: true}]
  not: [{name: Lyman, label: PERSON}, {name: Lyman, context: Lyman said}]
- not: [Stockpix Images, {name: Board, label: ORG}]
"""


@pytest.fixture(scope="module")
def judged(tmp_path_factory):
    import spacy

    from normalizer.gazetteer.load import load_gazetteer
    from normalizer.pipeline.component import EntityNormalizer

    path = tmp_path_factory.mktemp("judged") / "judged.yaml"
    path.write_text(JUDGED, encoding="utf-8")
    return EntityNormalizer(spacy.blank("en"), gazetteer=load_gazetteer([path], shipped=False), world=False)


@pytest.mark.parametrize(
    "text, ents, expected",
    [
        ("Troops reached Lyman.", [("Lyman", "GPE")], [("Lyman", "GPE", "geonames:704204", "exact")]),
        ("Troops reached Lyman.", [("Lyman", "LOC")], [("Lyman", "GPE", "geonames:704204", "exact")]),
        # "not this entry" in a label, or in a context
        ("Lyman left.", [("Lyman", "PERSON")], [("Lyman", "PERSON", None, "none")]),
        ("Then Lyman said no.", [("Lyman", "GPE")], [("Lyman", "GPE", None, "none")]),
        # "no entity at all", only when nothing resolved it
        ("Photo: Stockpix Images", [("Stockpix Images", "ORG")], []),
        ("the Board said", [("Board", "ORG")], []),
        # a transliteration key must also look alike: Voltz is Volts (80), Woltz is not (60)
        ("Anna Woltz said", [("Woltz", "PERSON")], [("Woltz", "PERSON", None, "none")]),
        ("Then Voltz said", [("Voltz", "PERSON")], [("Voltz", "PERSON", "person:pavlo-volts", "translit")]),
        ("Then Volts said", [("Volts", "PERSON")], [("Volts", "PERSON", "person:pavlo-volts", "exact")]),
    ],
)
def test_analyst_judgements_stick(blank_nlp, judged, text, ents, expected):
    assert found(annotate_with_ents(blank_nlp, judged, text, ents)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("She was raised in Morgantown, W.Va. She left in May.", ["Morgantown", "W.Va."]),
        ("The plant is in Rutland, Vt.", ["Rutland", "Vt."]),
        ("The order came from the U.S. Nobody objected.", ["U.S."]),
        ("The convoy reached Kyiv. Nobody objected.", ["Kyiv"]),  # an ordinary full stop stays outside
    ],
)
def test_a_place_abbreviation_keeps_its_final_period(sm_nlp, text, expected):
    assert [e.text for e in sm_nlp(text).ents if e.label_ in ("GPE", "LOC")] == expected


@pytest.mark.parametrize(
    ("text", "name", "country"),
    [
        # a place named inside an organization's name says where the story is (Elgin, Scotland; alone Illinois)
        ("Staff of Moray Council planted trees in Elgin on Sunday.", "Elgin", "GB"),
        ("Staff planted trees in Elgin on Sunday.", "Elgin", "US"),
    ],
)
def test_place_names_inside_organizations_are_context(sm_nlp, text, name, country):
    from normalizer.world.index import default_index

    ent = next(e for e in sm_nlp(text).ents if e.text == name)
    assert default_index().get(ent.kb_id_).country == country


def test_a_mention_followed_by_its_state_decides_for_the_document(sm_nlp):
    from normalizer.world.index import default_index

    # alone, the first Naples would be Italy's: the tourists' Rome and Milan are near it
    doc = sm_nlp("A boat sank near Naples on Monday. Tourists from Rome and Milan were aboard. "
                 "The harbor master in Naples, Florida, said nobody was hurt.")
    places = [default_index().get(e.kb_id_) for e in doc.ents if e.text == "Naples"]
    assert [(p.country, p.admin1) for p in places] == [("US", "FL")] * 2


@pytest.mark.parametrize(
    ("text", "country"),
    [
        # a nationality word is no entity, but it says which countries the story involves
        ("TOPEKA, Kan. (AP) - An Egyptian couple cancelled their trip from Topeka to Cairo this week.", "EG"),
        ("TOPEKA, Kan. (AP) - A couple cancelled their trip from Topeka to Cairo this week.", "US"),
    ],
)
def test_nationality_words_are_context(sm_nlp, text, country):
    from normalizer.world.index import default_index

    doc = sm_nlp(text)
    cairo = next(e for e in doc.ents if e.text == "Cairo")
    assert default_index().get(cairo.kb_id_).country == country
    assert not any(e.text == "Egyptian" and e.kb_id_ for e in doc.ents)


def test_an_unknown_place_that_is_part_of_a_persons_name_is_the_person(blank_nlp, normalizer):
    doc = annotate_with_ents(blank_nlp, normalizer, "Kowalczyk arrived. Marta Kowalczyk spoke.",
                             [("Kowalczyk", "GPE"), ("Marta Kowalczyk", "PERSON")])
    assert [(e.text, e.label_) for e in doc.ents] == [("Kowalczyk", "PERSON"), ("Marta Kowalczyk", "PERSON")]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Izjum", "Izium"),  # a romanization of a Cyrillic name: the key merges it
        ("Being", None),  # not Beijing: its spellings do not vary by romanization
        ("Zimmermann", None),  # not Zimmerman, Minnesota: the world layer's key is for Cyrillic countries too
    ],
)
def test_the_transliteration_key_is_for_names_romanized_from_cyrillic(sm_nlp, written, expected):
    resolver = sm_nlp.get_pipe("entity_normalizer").resolver
    found = resolver.resolve(written, label="GPE", from_ner=True)
    assert (found.entry.name if found else None) == expected


@pytest.fixture(scope="module")
def world_normalizer(mini_gazetteer):
    import spacy

    from normalizer.pipeline.component import EntityNormalizer

    return EntityNormalizer(spacy.blank("en"), gazetteer=mini_gazetteer, world=True)


@pytest.mark.parametrize(
    ("text", "ents", "expected"),
    [
        # NER cut the name short: the words next to it make a place's very name
        ("Firefighters from South Pasadena helped.", [("Pasadena", "GPE")], ["South Pasadena"]),
        ("The council of Cedar Rapids met.", [("Cedar", "GPE")], ["Cedar Rapids"]),
        # nothing to add: an article, a dash, or words that make no place's name
        ("The Tulsa office closed.", [("Tulsa", "GPE")], ["Tulsa"]),
        ("TULSA - The office closed.", [("TULSA", "GPE")], ["TULSA"]),
        ("Tulsa Welding opened.", [("Tulsa", "GPE")], ["Tulsa"]),
    ],
)
def test_place_names_cut_short_are_widened(blank_nlp, world_normalizer, text, ents, expected):
    doc = annotate_with_ents(blank_nlp, world_normalizer, text, ents)
    assert [e.text for e in doc.ents if e.label_ in ("GPE", "LOC")] == expected


def test_a_groups_word_is_no_region(sm_nlp):
    resolver = sm_nlp.get_pipe("entity_normalizer").resolver
    assert resolver.resolve("Jewish", label="NORP", from_ner=True) is None
    assert resolver.resolve("Jewish", label="GPE", from_ner=True).entry.type == "region"  # NER says place


@pytest.mark.parametrize(
    ("text", "place", "other"),
    [
        ("Break-ins happen regularly in Leominster.", "Leominster", None),  # NER: DATE
        ("The vandalism continues regularly in Saginaw.", "Saginaw", None),  # NER: LANGUAGE
        ("They met in March in Kyiv.", "Kyiv", ("March", "DATE")),
        ("He speaks English in London.", "London", ("English", "LANGUAGE")),
    ],
)
def test_a_place_ner_called_a_date_or_language(sm_nlp, text, place, other):
    ents = [(e.text, e.label_) for e in sm_nlp(text).ents]
    assert (place, "GPE") in ents
    assert other is None or other in ents


@pytest.mark.parametrize(
    ("label", "tags", "expected"),
    [
        ("WORK_OF_ART", ["NNP", "NNP"], [("Port Louis", "GPE")]),  # an unfamiliar name taken for a title
        ("EVENT", ["NNP", "NNP"], [("Port Louis", "GPE")]),
        ("WORK_OF_ART", ["NNP", "NN"], []),  # not proper nouns only: a title it may be
    ],
)
def test_proper_nouns_ner_called_a_work_of_art_or_an_event(blank_nlp, world_normalizer, label, tags, expected):
    from spacy.tokens import Doc

    words = ["They", "stayed", "in", "Port", "Louis", "overnight", "."]
    doc = Doc(blank_nlp.vocab, words=words, spaces=[True] * 5 + [False, False],
              tags=["PRP", "VBD", "IN", *tags, "RB", "."], ents=["O", "O", "O", f"B-{label}", f"I-{label}", "O", "O"])
    assert [(e.text, e.label_) for e in world_normalizer(doc).ents if e.label_ == "GPE"] == expected


@pytest.mark.parametrize(
    ("text", "ents", "expected"),
    [
        # a country or a big capital is a place whatever NER said ...
        ("Tbilisi wants answers.", [("Tbilisi", "PERSON")], [("Tbilisi", "GPE")]),
        ("Moldova wants answers.", [("Moldova", "ORG")], [("Moldova", "GPE")]),
        # ... but a country that is also a given name stays a person
        ("Chad wants answers.", [("Chad", "PERSON")], [("Chad", "PERSON")]),
        # ... unless the document names its people: then the country ...
        ("Aid for Chad grew, the Chadian envoy said.", [("Chad", "PERSON"), ("Chadian", "NORP")],
         [("Chad", "GPE"), ("Chadian", "NORP")]),
        # ... but not after a title, nor when a person of that name is in the document
        ("Coach Chad thanked the Chadian fans.", [("Chad", "PERSON"), ("Chadian", "NORP")],
         [("Chad", "PERSON"), ("Chadian", "NORP")]),
        ("Chad met Chadian fans, and Chad Osei smiled.",
         [("Chad", "PERSON"), ("Chadian", "NORP"), ("Chad Osei", "PERSON")],
         [("Chad", "PERSON"), ("Chadian", "NORP"), ("Chad Osei", "PERSON")]),
        # no person's name ends in an administrative area's word; a person's name may begin with one
        ("Officials in Quellbrook County met.", [("Quellbrook County", "PERSON")], [("Quellbrook County", "GPE")]),
        ("Officials in Fenwick Parish met.", [("Fenwick Parish", "PERSON")], [("Fenwick Parish", "GPE")]),
        ("Dana County met them.", [("Dana County", "ORG")], [("Dana County", "ORG")]),
        ("County Jones met them.", [("County Jones", "PERSON")], [("County Jones", "PERSON")]),
        # an honorific makes a person of a place name
        ("Ms Lindqvist wants answers.", [("Ms Lindqvist", "GPE")], [("Lindqvist", "PERSON")]),
        ("Dr. Frankfurt wants answers.", [("Frankfurt", "GPE")], [("Frankfurt", "PERSON")]),
    ],
)
def test_capitals_and_honorifics(blank_nlp, world_normalizer, text, ents, expected):
    doc = annotate_with_ents(blank_nlp, world_normalizer, text, ents)
    assert [(e.text, e.label_) for e in doc.ents] == expected


@pytest.mark.parametrize(
    ("text", "ents", "expected"),
    [
        # a span NER called an organization's or a person's that names a river, a lake or a sea is the water
        ("Anglers fished the River Quenby.", [("River Quenby", "ORG")], [("River Quenby", "LOC")]),
        ("Boats sailed up the Marrow River.", [("Marrow River", "ORG")], [("Marrow River", "LOC")]),
        ("Loch Ardvane froze.", [("Loch Ardvane", "PERSON")], [("Loch Ardvane", "LOC")]),
        ("Lake Corliss froze.", [("Lake Corliss", "PERSON")], [("Lake Corliss", "LOC")]),  # "Lake" is a given name too
        # ... not an organization's name that begins with one, nor a broadcaster's
        ("Lake Shore Bank lent more.", [("Lake Shore Bank", "ORG")], [("Lake Shore Bank", "ORG")]),
        ("The Quenby Channel aired it.", [("Quenby Channel", "ORG")], [("Quenby Channel", "ORG")]),
        # a given name and a family name, unless a word before it makes it a place
        ("Dana Lake, a student, spoke.", [("Dana Lake", "PERSON")], [("Dana Lake", "PERSON")]),
        ("Crews worked near Dana Creek.", [("Dana Creek", "PERSON")], [("Dana Creek", "LOC")]),
    ],
)
def test_names_of_water_ner_called_people_or_organizations(blank_nlp, world_normalizer, text, ents, expected):
    doc = annotate_with_ents(blank_nlp, world_normalizer, text, ents)
    assert [(e.text, e.label_) for e in doc.ents] == expected
    assert all(e._.why == ["feature"] for e in doc.ents if e.label_ == "LOC")


@pytest.mark.parametrize(
    ("text", "ents", "expected"),
    [
        # a small town's name that speaks is a person ...
        ("The plan is new, Prescott said.", [("Prescott", "GPE")], [("Prescott", "PERSON")]),
        # ... not after a preposition, and not a capital or a big city (its officials speak)
        ("A resident near Prescott said so.", [("Prescott", "GPE")], [("Prescott", "GPE")]),
        ("Kyiv said the talks were over.", [("Kyiv", "GPE")], [("Kyiv", "GPE")]),
        # after a person's name a state abbreviation is a credential, after a town a state
        ("Sam Ortiz, P.A., joined.", [("Sam Ortiz", "PERSON"), ("P.A.", "GPE")], [("Sam Ortiz", "PERSON")]),
        ("Rapid City, S.D., grew.", [("Rapid City", "GPE"), ("S.D.", "GPE")],
         [("Rapid City", "GPE"), ("S.D.", "GPE")]),
        ("He thanked coach Whitfield.", [("Whitfield", "GPE")], [("Whitfield", "PERSON")]),
    ],
)
def test_place_spans_that_are_people(blank_nlp, world_normalizer, text, ents, expected):
    doc = annotate_with_ents(blank_nlp, world_normalizer, text, ents)
    assert [(e.text, e.label_) for e in doc.ents] == expected


def test_a_province_abbreviation_ner_called_a_person(sm_nlp):
    doc = sm_nlp("She later moved to Sudbury, Ont. and then to Alberta.")
    assert [(e.text, e.label_, e.kb_id_) for e in doc.ents if e.text.startswith("Ont")][0] == (
        "Ont.", "GPE", "iso3166-2:CA-ON")


@pytest.mark.parametrize(("text", "written", "why"), [
    ("Rep. Jane Doe, D-Ore., spoke on Tuesday.", "Ore.", ["untagged", "party"]),
    ("Crews from Kupiansk arrived.", "Kupiansk", None),  # found by the gazetteer as NER would: no rule needed
])
def test_why_keeps_the_rules_that_made_a_mention(sm_nlp, text, written, why):
    from normalizer import annotate

    [ent] = [e for e in sm_nlp(text).ents if e.text == written]
    assert ent._.why == why
    [record] = [r for r in annotate(text, nlp=sm_nlp) if r["text"] == written]
    assert "why" not in record  # only on request
    from normalizer.corpus.batch import annotate_documents
    from normalizer.corpus.inputs import Document

    [outcome] = annotate_documents(sm_nlp, [Document(id="x", text=text)], why=True)
    [record] = [r for r in outcome.spans if r["text"] == written]
    assert record.get("why") == why


# --- The fast scan finds what the token-by-token scan found (name_starts, _pieces) ---------
# Words of the mini gazetteer's names, their spellings and cases, and what stops or splits a name.
WORDS = ["Kharkiv", "Kharkov", "KHARKIV", "kharkiv", "region", "Region", "Oblast", "Izyum", "Izjum", "Izum",
         "Kupjansk", "Kupiansk", "Krasnyj", "Krasnyi", "Liman", "Lyman", "Харків", "US", "Us", "us", "U.S.",
         "United", "States", "Kiev", "’s", "'s", ",", "/", ".", "-", "\n\n", "\n", "Seversky", "Donets", "River",
         "Kyivstar", "2022", "12", "the", "The", "Austin", "in", "near", "©", "🙂", "(", ")", "of", "Russia",
         "Russian", "Federation", "Ukraine", "People", "Republic"]


@cache
def mini_index():
    return load_gazetteer([MINI], shipped=False).index


@cache
def vocab():
    import spacy

    return spacy.blank("en").vocab


def make_doc(words: list[str], spaces: list[bool]) -> Doc:
    return Doc(vocab(), words=words, spaces=spaces)


_DOCS = st.lists(st.tuples(st.sampled_from(WORDS), st.booleans()), min_size=1, max_size=30).map(
    lambda pairs: make_doc([w for w, _ in pairs], [s for _, s in pairs]))


def scan_names_token_by_token(facts, index):
    """``scan_names`` as it was before ``name_starts``: every token looked at as a possible start."""
    doc, text = facts.doc, facts.text
    hits = []
    limit = index.max_words * 2 + 1
    for token in doc:
        if not token.is_alpha and not token.like_num or not (token.text[:1].isupper() or token.like_num):
            continue
        if hits and token.i < hits[-1].end:
            continue
        best = None
        for end in range(token.i + 1, min(len(doc), token.i + limit) + 1):
            last = doc[end - 1]
            if (last.is_space and ("\n\n" in last.text or "\n" in last.text and not facts.wrapped)) or (
                    last.text in SEPARATORS and not name_scan._glued_slash(facts, end - 1)):  # but "RFE/RL"
                break
            if last.lower_ in stages.POSSESSIVES:
                continue
            written = text[token.idx : last.idx + len(last)]
            key, skeleton = fold(written), translit_key(written)
            if key not in index.prefixes and skeleton not in index.prefixes:
                glued = end < len(doc) and not last.whitespace_ and doc[end].lower_ in stages.POSSESSIVES
                if glued:
                    continue
                break
            if not any(c.isalnum() for c in last.text):
                continue
            names = index.free.get(key) or name_scan._one_entry(index.free_translit.get(skeleton))
            if names and any(case_compatible(n.variant.name, written) for n in names):
                best = end
        if best is not None:
            hits.append(Mention(token.i, best, None, from_gazetteer=True))
    return [m for m in hits if not in_ranges(doc[m.start:m.end].start_char, doc[m.start:m.end].end_char, facts.junk)]


@settings(max_examples=400, deadline=None)
@given(doc=_DOCS)
def test_the_name_scan_finds_what_the_token_by_token_scan_found(doc):
    index = mini_index()
    assert name_scan.scan_names(DocumentFacts(doc), index) == scan_names_token_by_token(DocumentFacts(doc), index)


def test_the_name_scan_examines_only_where_a_name_can_start():
    doc = make_doc(["The", "convoy", "left", "Kharkiv", "for", "Izjum", "and", "Paris", "."], [True] * 9)
    assert name_scan.name_starts(DocumentFacts(doc), mini_index()) == [3, 5]


@settings(max_examples=300, deadline=None)
@given(doc=_DOCS, data=st.data())
def test_span_pieces_are_clean_pieces(doc, data):
    start = data.draw(st.integers(0, len(doc) - 1))
    end = data.draw(st.integers(start + 1, len(doc)))
    edges = word_codes(doc, stages._edge_code)
    span = doc[start:end]
    assert stages._pieces(doc, start, end, edges, span.text) == clean_pieces(span)


def test_a_curated_name_with_a_possessive_inside_is_found_whole(tmp_path):
    from .builders import gazetteer_normalizer

    nlp, normalizer = gazetteer_normalizer(tmp_path, """
- {id: place:ashby-peoples-republic, name: Ashby People's Republic, type: republic}
- {id: place:ashby, name: Ashby, type: city}
""")
    for text in ['An envoy of the "Ashby People\'s Republic" spoke.', "An envoy of the Ashby People’s Republic spoke."]:
        doc = annotate_with_ents(nlp, normalizer, text, [])
        assert [(e.text, e.kb_id_) for e in doc.ents] == [(text[text.index("Ashby"):text.index("Republic") + 8],
                                                           "place:ashby-peoples-republic")]
    doc = annotate_with_ents(nlp, normalizer, "Ashby's people voted.", [])
    assert [(e.text, e.kb_id_) for e in doc.ents] == [("Ashby", "place:ashby")]


def test_an_organization_described_by_a_nationality_word_is_no_entity(tmp_path):
    from .builders import gazetteer_normalizer

    nlp, normalizer = gazetteer_normalizer(tmp_path, """
- {id: org:norwegian-defence-ministry, name: Norwegian Defence Ministry, type: organization}
""")
    lower = annotate_with_ents(nlp, normalizer, "The Norwegian defence ministry said so.", [])
    assert [e.text for e in lower.ents] == []  # a description, though the gazetteer knows the name
    upper = annotate_with_ents(nlp, normalizer, "The Norwegian Defence Ministry said so.", [])
    assert [(e.text, e.kb_id_) for e in upper.ents] == [
        ("Norwegian Defence Ministry", "org:norwegian-defence-ministry")]
