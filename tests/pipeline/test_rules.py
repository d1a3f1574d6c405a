import pytest
import spacy
from hypothesis import given
from hypothesis import strategies as st

from normalizer.pipeline.rules import (
    after_place_part,
    clean_pieces,
    coordinated_head,
    hard_wrapped,
    is_demonym,
    is_title_part,
    looks_like_proper_name,
    menu_lines,
    nationality_before_title,
    nationality_description,
    no_entity,
    no_entity_word,
    through_capitalized_word,
    with_title_article,
)


@pytest.mark.parametrize(
    "line, is_menu",
    [
        ("home news world business sport video podcasts sign in subscribe search", True),
        ("icon heart staricon pinicon gearicon bellicon homeicon lockicon cloudicon", True),
        ("Home | News | Sport | Weather", True),  # a bar of short items between separators
        ("Home | News | Sport", False),  # too few items to judge
        ("Kharkiv | Kyiv | Lviv | Odesa | Dnipro", True),
        ("Russia and Ukraine | analysis by our Moscow correspondent on the war so far | more", False),
        ("Home News World Business Sport Video Weather Culture Travel Future", True),
        ("Farmers return to flooded fields along the river – report", False),  # a headline
        ("Shelling reported near Kupiansk as fighting moves toward Svatove", False),
        ("The mayor said the water supply was restored in three districts on Sunday.", False),
        ("Kharkiv Kyiv Lviv", False),  # too short to judge
    ],
)
def test_menu_lines(line, is_menu):
    text = f"{line}\nThe mayor said the city was calm.\n"
    assert (menu_lines(text) == [(0, len(line) + 1)]) is is_menu


@pytest.fixture(scope="module")
def nlp():
    return spacy.blank("en")


def span(nlp, text, part, label="ORG"):
    doc = nlp(text)
    start = text.index(part)
    return doc.char_span(start, start + len(part), label=label)


@pytest.mark.parametrize(
    "text, part, pieces",
    [
        ("Photo: Agency / Country's ministry", "Agency / Country's", ["Agency", "Country"]),
        ("in the Kharkiv region", "the Kharkiv region", ["Kharkiv region"]),
        ("Kiev’s troops", "Kiev’s", ["Kiev"]),
        ("News | Kyiv Independent", "News | Kyiv Independent", ["News", "Kyiv Independent"]),
        ("said “Kherson” again", "“Kherson”", ["Kherson"]),
        ("thanks to Taras Shevchuk 🙂 today", "Taras Shevchuk 🙂", ["Taras Shevchuk"]),  # no emoji at an edge
        ("🇺🇦 Mariupol ✈ flights", "🇺🇦 Mariupol ✈", ["Mariupol"]),
        ("Acme ™ sold", "Acme ™", ["Acme"]),
        ("the AT&T deal", "AT&T", ["AT&T"]),  # a symbol inside a name stays
        # a line break splits; so does a parenthesis the span does not close or open, not one it does
        ("Ashby Council\nSpeaking today", "Ashby Council\nSpeaking", ["Ashby Council", "Speaking"]),
        ("the Fenwick Trust (FT said", "Fenwick Trust (FT", ["Fenwick Trust", "FT"]),
        ("the Fenwick Trust (FT) said", "Fenwick Trust (FT)", ["Fenwick Trust (FT)"]),
        ("(Brackwell Harbour Board", "(Brackwell Harbour Board", ["Brackwell Harbour Board"]),
        ("(Nordic Wire) reported", "Nordic Wire)", ["Nordic Wire"]),
        ("Dunmore (Ashby (East) Ward", "Dunmore (Ashby (East) Ward", ["Dunmore", "Ashby (East) Ward"]),
    ],
)
def test_clean_pieces(nlp, text, part, pieces):
    ent = span(nlp, text, part)
    assert [ent.doc[a:b].text for a, b in clean_pieces(ent)] == pieces


@pytest.mark.parametrize(
    "text, part, name",
    [
        ("shelling in the east of Ashby", "the east of Ashby", "Ashby"),
        ("fighting north of Dunmore Valley", "north of Dunmore Valley", "Dunmore Valley"),
        ("homes on the outskirts of the Fenwick Hills", "the outskirts of the Fenwick Hills", "Fenwick Hills"),
        ("the East of England", "East of England", "East of England"),  # capitalized: the region's own name
        ("the city of Ashby", "city of Ashby", "city of Ashby"),  # not a part of a place (other rules decide)
        ("east of here", "east of", "east of"),  # nothing after "of"
    ],
)
def test_after_place_part(nlp, text, part, name):
    ent = span(nlp, text, part, label="GPE")
    assert ent.doc[after_place_part(ent.doc, ent.start, ent.end) : ent.end].text == name


@pytest.mark.parametrize(
    "text, part, head",
    [
        ("the Twin Cities of Lviv and Rivne", "the Twin Cities of Lviv", "Lviv"),
        ("the regions of Kherson and Zaporizhzhia", "the regions of Kherson", "Kherson"),
        ("the Ministry of Defence", "the Ministry of Defence", None),
        ("the Bank of Ukraine", "the Bank of Ukraine", None),
    ],
)
def test_coordinated_head(nlp, text, part, head):
    ent = span(nlp, text, part)
    found = coordinated_head(ent)
    assert (ent.doc[found].text if found is not None else None) == head


@pytest.mark.parametrize(
    "text, part, title",
    [
        ("the Health Secretary said", "Health", True),
        ("Foreign Minister Dmytro Kuleba", "Foreign", True),
        ("Health said", "Health", False),
        ("Kremlin spokesman Oleg Marin", "Kremlin", False),
        ("the Secretary of State said", "State", True),
        ("the Bank of State said", "State", False),
        ("the NATO envoy said", "NATO", False),
    ],
)
def test_title_part(nlp, text, part, title):
    assert is_title_part(span(nlp, text, part)) is title


@pytest.mark.parametrize(
    "text, part, tag, demonym",
    [
        ("Kenyan farmers sold their maize.", "Kenyan", "NNP", True),  # in the data, no nationality suffix
        ("The Cuban delegation left early.", "Cuban", "NNP", True),
        ("Norwegian troops crossed the border.", "Norwegian", "NNP", True),  # by the suffix
        ("The winner was Kenyan.", "Kenyan", "NNP", False),  # no lower-case word after it to modify
        ("Officials met in Kenya on Monday.", "Kenya", "NNP", False),  # the country, not its adjective
        ("The Jordan valley flooded.", "Jordan", "NNP", False),  # no demonym of the data
        ("The Kenyans cheered.", "Kenyans", "NNPS", True),  # a plural nationality
        ("Kenyan officials and Ugandan ones agreed.", "Kenyan officials", "NNP", False),  # two words
        ("She spoke Swahili fluently.", "Swahili", "JJ", True),  # the tagger's adjective decides alone
        ("The Kenyan President spoke.", "Kenyan", "NNP", True),  # before a title
        ("A Cuban Prime Minister spoke.", "Cuban", "NNP", True),
    ],
)
def test_is_demonym(nlp, text, part, tag, demonym):
    found = span(nlp, text, part)
    for token in found:
        token.tag_ = tag
    assert is_demonym(found) is demonym


@pytest.mark.parametrize(
    "text, part, before_title",
    [
        ("The Kenyan Prime Minister arrived.", "Kenyan", True),
        ("Norwegian Foreign Minister Kari Dahl spoke.", "Norwegian", True),  # a portfolio word opens the title
        ("Dawn English said no.", "English", False),  # a person's name: no title after it
        ("Kenya President spoke.", "Kenya", False),  # the country, not its nationality word
        ("Kenyan", "Kenyan", False),  # nothing after it
    ],
)
def test_nationality_before_title(nlp, text, part, before_title):
    assert nationality_before_title(span(nlp, text, part, label="PERSON")) is before_title


@pytest.mark.parametrize(
    "text, part, label, none",
    [
        ("Officials of the harbour board said so.", "harbour board", "ORG", True),  # a description
        ("Officials of the Harbour Board said so.", "Harbour Board", "ORG", False),
        ("the ministry of fenwick", "ministry of fenwick", "GPE", True),
        ("Jane Roe arrived.", "Jane Roe", "PERSON", False),
        ("The Kenyan Prime Minister arrived.", "Kenyan", "PERSON", True),  # before a title
    ],
)
def test_no_entity(nlp, text, part, label, none):
    """Unresolved NER spans that are no entity: a description in lower case is one of them."""
    assert no_entity(span(nlp, text, part, label=label), label) is none


@pytest.mark.parametrize(
    "text, part, label, none",
    [
        ("The Kenyan Prime Minister arrived.", "Kenyan", "PERSON", True),  # one word before a title
        ("The Kenyan Prime Minister arrived.", "Kenyan Prime", "PERSON", False),  # two words: the tests are of one
        ("Officials of the harbour board said so.", "harbour board", "ORG", False),  # lower case is no_entity's own
        ("Defense Secretary Jane Roe spoke.", "Defense", "ORG", True),  # a title's portfolio
    ],
)
def test_no_entity_word(nlp, text, part, label, none):
    """``no_entity``'s tests of one word (``mentions._keep`` asks them of one-word spans only)."""
    assert no_entity_word(span(nlp, text, part, label=label), label) is none


@pytest.mark.parametrize(
    "text, wrapped",
    [
        ("The convoy left Ashby at dawn and\nreached the coast by noon, officials\nsaid on Tuesday.", True),
        ("Harbour Board Meets\nThe board met on Tuesday.\nPhoto: Jane Roe", False),  # a heading, a caption
        ("The board met.\n\nit rained all day.", False),  # a paragraph break is no wrapped line
        ("no line breaks at all", False),
        ("one, two,\nthree\nFour\nFive\nSix\nSeven\nEight\nNine\nTen\nEleven\nTwelve\nEnd", False),  # 1 of 11
    ],
)
def test_hard_wrapped(text, wrapped):
    assert hard_wrapped(text) is wrapped


def test_a_wrapped_texts_line_break_ends_no_name(nlp):
    ent = span(nlp, "the Ashby\nHarbour Board said", "Ashby\nHarbour Board")
    assert [ent.doc[a:b].text for a, b in clean_pieces(ent)] == ["Ashby", "Harbour Board"]
    assert [ent.doc[a:b].text for a, b in clean_pieces(ent, line_breaks=False)] == ["Ashby\nHarbour Board"]


@pytest.mark.parametrize(
    "text, part, pieces",
    [
        ("north of Ashby Lake - Route 9 today", "Ashby Lake - Route", ["Ashby Lake", "Route"]),  # a dash
        ("the Ashby-Fenwick line", "Ashby-Fenwick", ["Ashby-Fenwick"]),  # a hyphen inside a name
        ("the Ashby -Fenwick line", "Ashby -Fenwick", ["Ashby -Fenwick"]),  # no space after it
    ],
)
def test_a_dash_splits_a_span(nlp, text, part, pieces):
    ent = span(nlp, text, part)
    assert [ent.doc[a:b].text for a, b in clean_pieces(ent)] == pieces


@given(st.text() | st.text(alphabet="aZ 9.-ǅϒß"))
def test_a_proper_name_has_a_capital(text):
    assert looks_like_proper_name(text) is any(c.isupper() for c in text)


@pytest.mark.parametrize(
    "text, part, name",
    [
        ("She spoke to The Ashby Courier on Monday.", "Ashby Courier", "The Ashby Courier"),
        ("in an interview with The Fenwick Review", "Fenwick Review", "The Fenwick Review"),
        ("The Ashby Courier said so.", "Ashby Courier", "Ashby Courier"),  # the sentence's first word
        ("Crowds Rally Against The Board", "Board", "Board"),  # a headline's capitals
        ("She spoke to the Ashby Courier.", "Ashby Courier", "Ashby Courier"),  # lower case: no title's part
        ("Reports. The Ashby Courier said so.", "Ashby Courier", "Ashby Courier"),
    ],
)
def test_with_title_article(nlp, text, part, name):
    ent = span(nlp, text, part)
    assert ent.doc[with_title_article(ent.doc, ent.start) : ent.end].text == name


@pytest.mark.parametrize(
    "text, part, name",
    [
        ("Vice Premier Wu He will fly to Oslo.", "Wu", "Wu He"),  # a given name that is a function word
        ("Wu He said so.", "Wu", "Wu He"),
        ("Obama Is Back", "Obama", "Obama"),  # a headline's capitals: no lower-case word after
        ("We met Wu I think.", "Wu", "Wu"),  # "I" is always capitalized
        ("the time of Roe Jr. Much hinges on it", "Roe Jr.", "Roe Jr."),  # a period ends the name
        ("Wu he said.", "Wu", "Wu"),  # lower case: the pronoun
    ],
)
def test_through_capitalized_word(nlp, text, part, name):
    ent = span(nlp, text, part, label="PERSON")
    assert ent.doc[ent.start : through_capitalized_word(ent.doc, ent.end)].text == name


@pytest.mark.parametrize(
    "written, description",
    [
        ("Norwegian defence ministry", True),
        ("Kenyan armed forces", True),
        ("Norwegian Defence Ministry", False),  # capitalized: the name
        ("Wagnerite group", False),  # no nationality word of the data
        ("Norwegian", False),  # one word: the demonym rules decide
        ("Kenyan forces 2", False),
    ],
)
def test_nationality_description(written, description):
    assert nationality_description(written) is description
