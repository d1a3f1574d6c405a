"""People named after a style of address or an office's title, where NER missed or mislabeled them.

``titled_people`` runs both rules. Styles: "Her Royal Highness Princess Ada", "His Excellency Jan Roe".
A style is a possessive pronoun, maybe qualifiers and a style noun ("His", "Her", "Their", "Your";
``style_qualifiers``; ``style_nouns``), all capitalized. What follows it, after any of a person's
titles (``person_titles``: "Princess", "Ambassador", "Pope"), is a person's name when it is a run of
capitalized name words (``word_flags.NAME``), with a regnal numeral at its end ("Olaf V") and hyphens
glued inside ("Anna-Lena"). NER often misses such a name or takes the style into it ("[Majesty King]
Olaf V"); the name becomes the PERSON mention (``Why.STYLE``) and the mentions over the style and the
titles go; so does each titled name joined to the first ("Their Majesties King Olaf and Queen
Ada"). A style with no name after it ("Her Majesty the Queen", "His Majesty's Treasury") makes no
mention, and a PERSON span made of its words only is dropped.

Offices: NER often joins the portfolio of "Secretary of Defense" to the name after it and calls the
whole an organization ("Secretary of [Defense Jan Roe]"). A span that opens with a portfolio word of
such a title (``rules.is_title_part``) and goes on with two or three name words, the first a given name
of the name lists, is that person (``Why.AFTER_TITLE``); the portfolio is no entity.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from functools import cache

from ..text.keys import fold
from ..text.words import words
from .facts import DocumentFacts
from .mention import Mention, Why
from .rules import after_titles, is_title_part, listed_given_names
from .word_flags import HYPHEN, NAME

STYLE_PRONOUNS = ("His", "Her", "Their", "Your")  # a style's first word, capitalized
COORDINATORS = ("and", "&")  # join two titled names after one style
MAX_NAME_WORDS = 4  # name words after a style and its titles ("Maria Anna Josepha Roe")
OFFICE_NAME_WORDS = (2, 3)  # name words after an office's portfolio: a given name and one or two more
OFFICE_LABELS = frozenset({"ORG", "PERSON"})  # what NER calls a portfolio joined to a name
_NUMERAL = re.compile(r"[IVXL]+")  # a regnal numeral ("Olaf V", "Ada II"), after a name word only
_PRONOUN = re.compile(rf"(?:{'|'.join(STYLE_PRONOUNS)})\s")  # what every style holds; cheap: most texts have none


@cache
def _style() -> re.Pattern[str]:
    """A style of address, capitalized: pronoun, qualifiers, noun ("Her Royal Highness")."""
    def alternatives(names: frozenset[str]) -> str:
        return "|".join(sorted((w.capitalize() for w in names), key=len, reverse=True))
    pronouns, qualifiers = "|".join(STYLE_PRONOUNS), alternatives(words("style_qualifiers"))
    nouns = alternatives(words("style_nouns"))
    return re.compile(rf"\b(?:{pronouns})(?:\s+(?:{qualifiers}))*\s+(?:{nouns})\b")


def titled_people(facts: DocumentFacts, mentions: list[Mention]) -> list[Mention]:
    """The mentions, with the people named after a style of address or an office's title (see the module)."""
    return people_after_offices(facts, people_after_styles(facts, mentions))


def people_after_offices(facts: DocumentFacts, mentions: list[Mention]) -> list[Mention]:
    """The mentions, each NER span of an office's portfolio and a name after it that name only, a PERSON."""
    out = []
    for mention in mentions:
        name = mention.start + 1
        if (mention.ner_label in OFFICE_LABELS and mention.end - name in OFFICE_NAME_WORDS
                and facts.token_text(mention.start).lower() in words("portfolio_words")
                and all(code & NAME for code in facts.flags[name : mention.end])
                and fold(facts.token_text(name)) in listed_given_names()
                and is_title_part(facts.doc[mention.start : name])):
            mention = mention.but(Why.AFTER_TITLE, start=name, ner_label="PERSON")
        out.append(mention)
    return out


def people_after_styles(facts: DocumentFacts, mentions: list[Mention]) -> list[Mention]:
    """The mentions, with the name after each style of address a PERSON mention (see the module)."""
    doc, starts, out = facts.doc, facts.starts, mentions
    if _PRONOUN.search(facts.text) is None:
        return out
    n = len(starts)
    for match in _style().finditer(facts.text):
        first = bisect_left(starts, match.start())  # the style's first token
        if first >= n or starts[first] != match.start():
            continue  # the style does not begin a token ("Ms.Her Majesty")
        name = after_titles(doc, bisect_left(starts, match.end()), n)
        end = _name_end(facts, name)
        if end == name:
            out = _without_style_people(out, first, name)
            continue
        out = _with_person(out, first, name, end)
        while end + 1 < n and facts.token_text(end) in COORDINATORS:  # "Their Majesties King Olaf and Queen Ada"
            first = end + 1
            name = after_titles(doc, first, n)
            end = _name_end(facts, name) if name > first else name  # a titled name only
            if end == name:
                break
            out = _with_person(out, first, name, end)
    return out


def _name_end(facts: DocumentFacts, i: int) -> int:
    """Where the run of name words from token ``i`` ends (``i``: no name there)."""
    n, flags, starts, ends = len(facts.orths), facts.flags, facts.starts, facts.ends
    end, count = i, 0
    while end < n and count < MAX_NAME_WORDS:
        text = facts.token_text(end)
        if flags[end] & NAME and text.lower() not in words("style_nouns"):
            end, count = end + 1, count + 1
        elif count and _NUMERAL.fullmatch(text):
            return end + 1  # a regnal numeral ends the name
        elif (count and text == HYPHEN and end + 1 < n and ends[end - 1] == starts[end]
              and ends[end] == starts[end + 1] and flags[end + 1] & NAME):
            end += 1  # the hyphen inside "Anna-Lena"; the word after it is the next name word
        else:
            break
    return end


def _with_person(mentions: list[Mention], first: int, start: int, end: int) -> list[Mention]:
    """``mentions`` with doc[start:end] a PERSON mention, and none left over the style or the titles."""
    same = next((m for m in mentions if (m.start, m.end) == (start, end)), None)
    if same is None:
        person = Mention(start, end, "PERSON", why=(Why.UNTAGGED, Why.STYLE))
    else:
        person = same if same.ner_label == "PERSON" else same.but(Why.STYLE, ner_label="PERSON")
    kept = [m for m in mentions if not (m.start < end and first < m.end)]
    return sorted([*kept, person], key=lambda m: m.start)


def _without_style_people(mentions: list[Mention], first: int, stop: int) -> list[Mention]:
    """``mentions`` without the PERSON spans inside doc[first:stop] (a style and titles, no name)."""
    return [m for m in mentions if not (m.ner_label == "PERSON" and first <= m.start and m.end <= stop)]
