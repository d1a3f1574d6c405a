"""Place evidence for names NER mislabeled or missed (normalizer/pipeline/toponyms.py), on our own sentences.

A small GeoNames dump with invented towns; NER labels are set by hand on spacy.blank docs.
"""
from functools import cache

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc

from normalizer.pipeline import datelines, toponyms, word_flags
from normalizer.pipeline.component import EntityNormalizer
from normalizer.pipeline.facts import DocumentFacts
from normalizer.pipeline.mention import FOLLOWING_CHARS
from normalizer.pipeline.records import doc_records
from normalizer.text.keys import fold, looks_like_acronym
from normalizer.text.words import words
from normalizer.world.dump import import_geonames_dump
from normalizer.world.index import GeoNamesIndex

from ..conftest import GEONAMES

# id, name, lat, lon, feature class, code, country, admin1, population
TOWNS = [
    (6252001, "United States", 39.76, -98.5, "A", "PCLI", "US", "00", 327167434),
    (4896861, "Illinois", 40.0, -89.25, "A", "ADM1", "US", "IL", 12671821),
    (4250542, "Springfield", 39.80, -89.64, "P", "PPLA", "US", "IL", 114394),
    (9000001, "Cedar Bend", 40.10, -88.90, "P", "PPL", "US", "IL", 2400),
    (9000002, "Marion", 37.73, -88.93, "P", "PPL", "US", "IL", 17000),
    (9000003, "Maple Falls", 41.20, -89.40, "P", "PPL", "US", "IL", 900),
    (9000004, "March", 52.55, 0.09, "P", "PPL", "GB", "ENG", 22000),
    (9000005, "Varnholt", 41.60, -87.60, "P", "PPL", "US", "IL", 400000),  # a major city, no person's name
    (9000006, "Madison", 41.70, -88.10, "P", "PPL", "US", "IL", 300000),  # a major city, and a person's name
    (9000007, "Dunmorivka", 49.00, 36.00, "P", "PPL", "UA", "07", 1800),  # an East Slavic place name's form
    (9000008, "Ashgrove", 41.30, -88.20, "P", "PPL", "US", "IL", 1500),  # the same ending elsewhere
    (9000009, "Heron Bay", 41.90, -87.90, "P", "PPL", "US", "IL", 3100),  # a town named after water
]


@pytest.fixture(scope="module")
def normalizer(tmp_path_factory, mini_gazetteer):
    folder = tmp_path_factory.mktemp("toponyms")
    rows = [
        "\t".join(map(str, (gid, name, name, "", lat, lon, fclass, code, cc, "", admin1, "", "", "", pop,
                            "", "", "", "2024-01-01")))
        for gid, name, lat, lon, fclass, code, cc, admin1, pop in TOWNS
    ]
    (folder / "allCountries.txt").write_text("\n".join(rows) + "\n", encoding="utf-8")
    files = [folder / "allCountries.txt", GEONAMES / "admin1CodesASCII.txt", GEONAMES / "countryInfo.txt"]
    out = folder / "world.sqlite"
    import_geonames_dump(files, out=out)
    with GeoNamesIndex.open(index_path=out) as index:
        yield EntityNormalizer(spacy.blank("en"), gazetteer=mini_gazetteer, world_index=index)


def annotate(normalizer, text, ents):
    """ents: (substring, label, occurrence) with occurrence counted from 0."""
    doc = spacy.blank("en").make_doc(text)
    spans = []
    for substring, label, *nth in ents:
        start = -1
        for _ in range((nth[0] if nth else 0) + 1):
            start = text.index(substring, start + 1)
        spans.append(doc.char_span(start, start + len(substring), label=label))
    doc.ents = spans
    return [(r["text"], r["label"], r["id"]) for r in doc_records(normalizer(doc))]


CEDAR, MARION, MAPLE, ILLINOIS = "geonames:9000001", "geonames:9000002", "geonames:9000003", "geonames:4896861"


@pytest.mark.parametrize(
    "text, ents, expected",
    [
        # "City, State"
        ("Maple Falls, Ill., opened a library.", [("Maple Falls", "PERSON"), ("Ill.", "GPE")],
         [("Maple Falls", "GPE", MAPLE), ("Ill.", "GPE", ILLINOIS)]),
        # a locative preposition
        ("The fair moved to a field near Cedar Bend last year.", [("Cedar Bend", "PERSON")],
         [("Cedar Bend", "GPE", CEDAR)]),
        # one label per discourse
        ("Cedar Bend approved a budget. Cedar Bend is growing fast.",
         [("Cedar Bend", "PERSON"), ("Cedar Bend", "GPE", 1)],
         [("Cedar Bend", "GPE", CEDAR), ("Cedar Bend", "GPE", CEDAR)]),
        # a local noun after it
        ("Cedar Bend police closed the bridge.", [("Cedar Bend", "ORG")], [("Cedar Bend", "GPE", CEDAR)]),
        # a list ending in a plural place noun
        ("Officials from Cedar Bend and Marion counties met.", [("Marion", "PERSON")],
         [("Cedar Bend", "GPE", CEDAR), ("Marion", "GPE", MARION)]),
        # residence after a person's name
        ("Jane Roe, 41, of Marion, was charged.", [("Jane Roe", "PERSON"), ("Marion", "PERSON")],
         [("Jane Roe", "PERSON", None), ("Marion", "GPE", MARION)]),
        # "the village of ..."
        ("The village of Cedar Bend voted.", [("Cedar Bend", "ORG")], [("Cedar Bend", "GPE", CEDAR)]),
        # a motion preposition, but not "according to"
        ("The team flew to Marion on Friday.", [("Marion", "PERSON")], [("Marion", "GPE", MARION)]),
        ("The delay was worse, according to Marion.", [("Marion", "PERSON")], [("Marion", "PERSON", None)]),
        # coordinated with a place
        ("Storms hit Springfield and Marion overnight.", [("Springfield", "GPE"), ("Marion", "PERSON")],
         [("Springfield", "GPE", "geonames:4250542"), ("Marion", "GPE", MARION)]),
        # ... with a curated place's name NER called something else
        ("Storms hit Kupiansk and Marion overnight.", [("Kupiansk", "ORG"), ("Marion", "PERSON")],
         [("Kupiansk", "GPE", "geonames:703656"), ("Marion", "GPE", MARION)]),
        # ... a curated place's name too, even a weak one (it then resolves as a place)
        ("Storms hit Springfield and Lyman overnight.", [("Springfield", "GPE"), ("Lyman", "PERSON")],
         [("Springfield", "GPE", "geonames:4250542"), ("Lyman", "GPE", "geonames:704204")]),
        # ... a name NER did not tag at all, in a list with a place
        ("Storms hit Springfield and Marion overnight.", [("Springfield", "GPE")],
         [("Springfield", "GPE", "geonames:4250542"), ("Marion", "GPE", MARION)]),
        # ... or with a name of another label, both the very names of places of one country
        ("Storms hit Cedar Bend and Marion overnight.", [("Marion", "PERSON")],
         [("Cedar Bend", "GPE", CEDAR), ("Marion", "GPE", MARION)]),
        # ... but not with a name that is no place, nor with places of two countries
        ("Springfield and Tollbrook Bakery signed.", [("Springfield", "GPE")],
         [("Springfield", "GPE", "geonames:4250542")]),
        ("Cedar Bend and March signed the pact.", [("March", "PERSON")], [("March", "PERSON", None)]),
        # after "the", a name ending in a word for water is the water, not the town of that name
        ("Boats crossed the Heron Bay at dawn.", [("Heron Bay", "LOC")], [("Heron Bay", "LOC", None)]),
        ("Officials in Heron Bay met.", [("Heron Bay", "GPE")], [("Heron Bay", "GPE", "geonames:9000009")]),
        # no evidence: NER's label stands
        ("Marion thanked the volunteers.", [("Marion", "PERSON")], [("Marion", "PERSON", None)]),
        # a major city's name that is no common person's name: a place by its size
        ("Rescuers reached Varnholt at dawn.", [("Varnholt", "PERSON")], [("Varnholt", "GPE", "geonames:9000005")]),
        ("Rescuers reached Madison at dawn.", [("Madison", "PERSON")], [("Madison", "PERSON", None)]),
        ("Varnholt said the count was wrong.", [("Varnholt", "PERSON")], [("Varnholt", "PERSON", None)]),
        # an East Slavic place name's ending, of a place in a Cyrillic-script country
        ("Troops advanced towards Dunmorivka.", [("Dunmorivka", "ORG")], [("Dunmorivka", "GPE", "geonames:9000007")]),
        ("Troops advanced towards Ashgrove.", [("Ashgrove", "ORG")], [("Ashgrove", "ORG", None)]),
        # the speaker of "said" is no place, nor a name the document gives a person
        ("Voters in Marion said yes.", [("Marion", "PERSON")], [("Marion", "PERSON", None)]),
        ("Frank Marion joined the council. Marion family members came.",
         [("Frank Marion", "PERSON"), ("Marion", "PERSON", 1)],
         [("Frank Marion", "PERSON", None), ("Marion", "PERSON", None)]),
        # a place NER tagged and the world resolves, but the family name of a person named in full
        ("Dana Marion spoke first. Marion thanked the crews.", [("Dana Marion", "PERSON"), ("Marion", "GPE", 1)],
         [("Dana Marion", "PERSON", None), ("Marion", "PERSON", None)]),
        ("Dana Marion spoke first. Crews in Marion worked.", [("Dana Marion", "PERSON"), ("Marion", "GPE", 1)],
         [("Dana Marion", "PERSON", None), ("Marion", "GPE", MARION)]),  # "in": the place
        # ... a prominent place's name only with a given name of the name lists
        ("Mary Illinois spoke first. Illinois thanked the crews.",
         [("Mary Illinois", "PERSON"), ("Illinois", "GPE", 1)],
         [("Mary Illinois", "PERSON", None), ("Illinois", "PERSON", None)]),
        ("Greater Illinois opened. Illinois thanked the crews.",
         [("Greater Illinois", "PERSON"), ("Illinois", "GPE", 1)],
         [("Greater Illinois", "PERSON", None), ("Illinois", "GPE", ILLINOIS)]),
    ],
)
def test_mislabeled_places(normalizer, text, ents, expected):
    assert annotate(normalizer, text, ents) == expected


@pytest.mark.parametrize(
    "text, ents, expected",
    [
        # names NER did not tag at all, with the same evidence
        ("A bridge near Cedar Bend reopened.", [], [("Cedar Bend", "GPE", CEDAR)]),
        ("Maple Falls police said the road is open.", [], [("Maple Falls", "GPE", MAPLE)]),
        # ... never another entity's words (a date), never part of a hyphenated name
        ("The plan was approved in March.", [("March", "DATE")], []),
        ("The Smith-Marion report is due.", [], []),
        # datelines in capitals
        ("CEDAR BEND, Ill. (AP) — Crews worked overnight.", [("Ill.", "GPE")],
         [("CEDAR BEND", "GPE", CEDAR), ("Ill.", "GPE", ILLINOIS), ("AP", "ORG", None)]),  # the agency: agencies.py
        ("Budget passes. MAPLE FALLS — The council met on Monday.", [], [("MAPLE FALLS", "GPE", MAPLE)]),
        ("MARION: A fire destroyed a barn.", [("MARION", "ORG")], [("MARION", "GPE", MARION)]),
        ("NOTICE — The office is closed.", [], []),
        ("The sign read MAPLE FALLS — slow down.", [], []),
        # a legislator's state or home town after the party letter
        ("Rep. Jane Roe, D-Ill., voted no.", [("Jane Roe", "PERSON")],
         [("Jane Roe", "PERSON", None), ("Ill.", "GPE", ILLINOIS)]),
        ("Sen. John Roe (R-Cedar Bend) voted yes.", [("John Roe", "PERSON")],
         [("John Roe", "PERSON", None), ("Cedar Bend", "GPE", CEDAR)]),
    ],
)
def test_missed_places(normalizer, text, ents, expected):
    assert annotate(normalizer, text, ents) == expected


@pytest.mark.parametrize(
    "text, start, end, expected",
    [
        ("Voters in Marion chose.", 2, 3, True),
        ("Sen. Marion spoke in May.", 1, 2, False),  # after a title
        ("Marion said no.", 0, 1, False),  # a speaker
        ("The mayor of Marion said no.", 3, 4, True),  # after "of": the mayor speaks
        ("The SEC in Washington.", 1, 2, False),  # an acronym
        ("Miss Marion won.", 1, 2, False),  # a title
        ("Storms will miss Marion today.", 3, 4, True),  # the verb: a title only capitalized
        ("The team's coach Marion spoke at noon.", 4, 5, False),  # a title in lower case, as AP writes it
    ],
)
def test_candidate_guards(text, start, end, expected):
    doc = spacy.blank("en")(text)
    assert toponyms.candidate(DocumentFacts(doc), start, end, set()) is expected


def test_person_name_parts():
    doc = spacy.blank("en")("Andrew Jackson spoke to Jackson.")
    doc.ents = [doc.char_span(0, 14, label="PERSON")]
    assert DocumentFacts(doc).person_parts == {"andrew", "jackson"}


# --- The cues read word by word from memos, cheap ones first, say what the token-by-token reading said -------------

# Towns of the dump above, in both cases, and the words of every cue.
WORDS = ["Cedar", "Bend", "CEDAR", "BEND", "Marion", "MARION", "Maple", "Falls", "MAPLE", "FALLS", "March",
         "Springfield", "Illinois", "Ill.", "United", "States", "Jane", "Roe", "Smith", "in", "near", "to", "from",
         "of", "according", "due", "the", "village", "town", "bishop", "police", "residents", "counties", "and", "or",
         ",",
         "said", "Sen.", "Mr", ".", "-", "—", ":", "(", "AP", ")", "\n", "I", "A", "US", "ST", "CO", "D", "2009",
         "Grand", "Prairie", "café", "Ünion", "miss", "Miss"]
POS = ["", "PROPN", "NOUN", "VERB"]
# Phrases that give each cue, or almost: drawn among single words, so that cues, runs and datelines abound.
PHRASES = [
    ["near", "Cedar", "Bend"], ["Marion", ",", "Ill."], ["Maple", "Falls", ",", "Illinois", "."],
    ["CEDAR", "BEND", ",", "Ill.", "(", "AP", ")", "—"], ["\n", "MAPLE", "FALLS", "—"], ["MARION", ":"],
    ["according", "to", "Marion"], ["flew", "to", "Marion"], ["the", "village", "of", "Maple", "Falls"],
    ["Marion", "police"], ["Cedar", "Bend", "and", "Marion", "counties"], ["Jane", "Roe", ",", "of", "Marion"],
    ["United", "States"], ["Springfield"], ["Smith", "-", "Marion"], ["Marion", "said"], ["Sen.", "Marion"],
    ["2009", "ST", ".", "MARION", "-"], ["March"], ["in", "Grand", "Prairie"],
    ["the", "bishop", "of", "Marion", "said"],
]


def candidate_token_by_token(doc, start, end, person_parts):
    """``toponyms.candidate`` as it was, read from the tokens."""
    written = doc[start:end].text
    i = start - 1 if start < 1 or doc[start - 1].text != "." else start - 2  # a title, maybe with its period
    if (written.isupper() and looks_like_acronym(written)) or fold(written) in person_parts or (
            i >= 0 and doc[i].lower_.rstrip(".") in words("person_titles") and (
                doc[i].lower_.rstrip(".") not in words("ambiguous_titles") or doc[i].text[:1].isupper())):
        return False
    # "the mayor of Marion said": the mayor speaks
    return not (end < len(doc) and doc[end].lower_ in words("reporting_verbs")) or (
        start > 0 and doc[start - 1].lower_ == "of")


def place_cue_in_text_order(doc, start, end, *, world, following, place_names, person_parts, label=None):
    """``place_cue`` as it was: the places looked up first, then each cue in turn."""
    written = doc[start:end].text
    key = fold(written)
    if not candidate_token_by_token(doc, start, end, person_parts):
        return None
    places = toponyms.named(world, written)
    if not places:
        return None
    if toponyms._in_container(world, places, following):
        return "comma"
    if start > 0 and doc[start - 1].lower_ in words("locative_prepositions"):
        return "prep"
    if key in place_names:
        return "vote"
    prev = doc[start - 1].lower_ if start > 0 else ""
    nxt = doc[end].lower_ if end < len(doc) else ""
    if nxt in words("local_nouns"):
        return "noun"
    if before_plural_noun_token_by_token(doc, end):
        return "plural"
    if of_cue_token_by_token(doc, start, prev):
        return of_cue_token_by_token(doc, start, prev)
    for word in ("to", "from"):
        if prev == word and not (start > 1 and doc[start - 2].lower_ in ("according", "due")):
            return word
    if any(toponyms._capital_cue(world, p, label) for p in places):
        return "capital"
    if label == "PERSON" and key not in words("person_names") and any(
            p.feature == "city" and p.population >= toponyms.MAJOR_CITY_MIN_PEOPLE for p in places):
        return "capital"
    if toponyms.slavic_place_form(toponyms.Around(DocumentFacts(doc), start, end, written, world, following,
                                                  place_names, label)):
        return "form"
    return None


def of_cue_token_by_token(doc, start, prev):
    """The cues of a word before "of" or "from" and the name: residence, townof, titleof."""
    if start < 2:
        return None
    if prev in ("of", "from") and (doc[start - 2].text == "," or doc[start - 2].ent_type_ == "PERSON"):
        return "residence"
    for cue, heads in (("townof", "place_heads"), ("titleof", "territorial_titles")):
        if prev == "of" and doc[start - 2].lower_ in words(heads):
            return cue
    return None


def before_plural_noun_token_by_token(doc, end):
    """Names, coordinators and spaces after doc[:end], then a plural place noun."""
    k = end
    while k < len(doc) and k - end < 30 and (doc[k].lower_ in word_flags.COORDINATORS or doc[k].text[:1].isupper()
                                              or doc[k].is_space) and doc[k].lower_ not in words("plural_place_nouns"):
        k += 1
    return k < len(doc) and k - end < 30 and doc[k].lower_ in words("plural_place_nouns")


def _name_word(token) -> bool:
    places = {fold(e.text) for e in token.doc.ents if e.label_ in ("GPE", "LOC", "FAC")}
    return (token.is_alpha and token.text[:1].isupper() and token.lower_ not in STOP_WORDS
            and (token.pos_ in ("PROPN", "") or token.lower_ in places))


def capitalized_runs_token_by_token(doc, taken):
    runs = []
    i, n = 0, len(doc)
    while i < n:
        j = i
        while j < n and j not in taken and _name_word(doc[j]):
            j += 1
        if j > i:
            before = doc[i - 1] if i > 0 else None
            after = doc[j] if j < n else None
            glued = (before is not None and not before.whitespace_ and before.text == "-") or (
                after is not None and not doc[j - 1].whitespace_ and after.text == "-")
            if not glued:
                runs.append((i, j))
            i = j
        else:
            i += 1
    return runs


def datelines_token_by_token(doc, world):
    def caps(token):
        text = token.text.rstrip(".")
        return bool(text) and text.replace("'", "").replace("’", "").isalpha() and text.isupper()

    out, i, n = [], 0, len(doc)
    while i < n:
        if not caps(doc[i]) or (i > 0 and not datelines._opens(DocumentFacts(doc), i)):
            i += 1
            continue
        j = i
        while j < n and (caps(doc[j]) or (doc[j].text == "." and j > i and caps(doc[j - 1]) and j + 1 < n
                                            and caps(doc[j + 1]))):
            j += 1
        end = j
        if end < n and doc[end].text == "." and doc[end - 1].text.upper() in ("CO", "ST", "MT", "FT"):
            end += 1
        written = doc[i:end].text
        if (sum(c.isalpha() for c in written) >= datelines.DATELINE_MIN_LETTERS
                and datelines._dateline_tail(DocumentFacts(doc), end)
                and toponyms.named(world, written)):
            out.append((i, end))
        i = max(j, i + 1)
    return out


@st.composite
def tagged_docs(draw):
    pieces = draw(st.lists(st.one_of(st.sampled_from(WORDS).map(lambda w: [w]), st.sampled_from(PHRASES)),
                           min_size=1, max_size=10))
    words = [word for piece in pieces for word in piece]
    spaces = draw(st.lists(st.booleans(), min_size=len(words), max_size=len(words)))
    tags, i = [], 0
    while i < len(words):
        label = draw(st.sampled_from(["", "", "PERSON", "GPE", "ORG"]))
        size = min(draw(st.integers(1, 3)), len(words) - i)
        tags += [f"B-{label}"] + [f"I-{label}"] * (size - 1) if label else ["O"] * size
        i += size
    doc = Doc(_blank().vocab, words=words, spaces=spaces, ents=tags)
    for token in doc:
        token.pos_ = draw(st.sampled_from(POS))
    return doc


@cache
def _blank():
    return spacy.blank("en")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=tagged_docs(), data=st.data())
def test_cues_runs_and_datelines_as_read_token_by_token(normalizer, doc, data):
    world = normalizer.resolver.world
    facts = DocumentFacts(doc)
    taken = set(data.draw(st.lists(st.integers(0, len(doc) - 1), max_size=4)))
    assert toponyms.capitalized_runs(facts, taken) == capitalized_runs_token_by_token(doc, taken)
    assert datelines.datelines(facts, world) == datelines_token_by_token(doc, world)
    spans = capitalized_runs_token_by_token(doc, set()) + [(e.start, e.end) for e in doc.ents]
    words = facts.flags
    for start, end in spans:
        label = data.draw(st.sampled_from([None, "PERSON", "ORG"]))
        kwargs = dict(world=world, following=facts.following(start, end, FOLLOWING_CHARS),
                      place_names=facts.place_names, person_parts=facts.person_parts, label=label)
        cue = place_cue_in_text_order(doc, start, end, **kwargs)
        assert toponyms.place_cue(facts, start, end, **kwargs) == cue
        if cue is not None:  # the pre-filter of untagged runs never drops a name with a cue
            key = fold(doc[start:end].text)
            assert toponyms.may_have_cue(words, start, end, key, facts.place_names, toponyms.own_cue_names(world)), cue


def test_capital_names_are_the_countries_and_capitals(normalizer):
    world = normalizer.resolver.world
    assert "united states" in toponyms.capital_names(world)
    assert "springfield" not in toponyms.capital_names(world)


def test_word_codes_follow_the_vocabulary():
    def caps(lexeme) -> bool:
        return word_flags.is_caps(lexeme.orth_)

    doc = spacy.blank("en")("Cedar Bend and MARION")
    assert word_flags.word_codes(doc, caps) == [0, 0, 0, 1]
    other = spacy.blank("en")("MARION and Cedar")  # another vocabulary: its own words' flags
    assert word_flags.word_codes(other, caps) == [1, 0, 0]


@settings(max_examples=300, deadline=None)
@given(doc=tagged_docs(), data=st.data())
def test_a_list_is_read_as_before(doc, data):
    from normalizer.pipeline.mention import Mention
    from normalizer.pipeline.place_lists import coordinated as _coordinated

    def mention():
        start = data.draw(st.integers(0, len(doc) - 1))
        return Mention(start, data.draw(st.integers(start + 1, len(doc))), "GPE")

    one, other = mention(), mention()
    a, b = sorted((one, other), key=lambda m: m.start)
    between = [t.lower_ for t in doc[a.end : b.start] if not t.is_space]
    listed = bool(between) and all(w in word_flags.COORDINATORS for w in between) and len(between) <= 2
    assert _coordinated(DocumentFacts(doc), one, other) is listed
