"""The people of a wire story's credit line: "(Reporting by Jo Roe and Ann Lee; Editing by Tom Ward)".

Agencies close or open their copy with credits: a credit word (``byline_words``), capitalized or
after "Additional", then "by", then names. Each name is two to four capitalized words (initials
allowed: "Jo K. Roe"); names are joined by "and" or a comma, and the next credit ("Writing by")
ends one. Each is a PERSON mention (NER's spans over it give way, and one that ran over the next
credit's word ends before it); a lone word ("Reporting by Acme") or a desk ("Oslo Newsroom",
``byline_desks``) is no person, a name NER tagged as it is stays NER's, and prose ("according to
reporting by the paper") is no credit line.
"""
from __future__ import annotations

import re

from spacy.tokens import Doc

from ..text.words import words
from .facts import DocumentFacts
from .mention import Mention, Why

NAME_WORDS = (2, 4)  # the fewest and most words of a name in a credit
JOINERS = frozenset({"and", ",", "&"})
_BY = re.compile(r" by\b")  # where a credit word may end


def with_bylines(facts: DocumentFacts, mentions: list[Mention]) -> list[Mention]:
    """The mentions with the names of the document's credit lines as PERSON mentions."""
    credits = _credits(facts)
    if not credits:
        return mentions
    doc = facts.doc
    out = [_before_credit(doc, m) for m in mentions]
    for start, end in credited_names(doc, credits):
        same = next((m for m in out if (m.start, m.end) == (start, end)), None)
        if same is not None:
            continue  # NER has the name already, whatever it took it for
        out = [m for m in out if not (m.start < end and start < m.end)]
        out.append(Mention(start, end, "PERSON", why=(Why.BYLINE,)))
    return sorted(out, key=lambda m: m.start)


def _credits(facts: DocumentFacts) -> list[int]:
    """The tokens "by" after a credit word ("Editing by"), found in the text: no token is read elsewhere."""
    out = []
    for word, by in words_before_by(facts.text):
        if word.lower() in words("byline_words"):
            span = facts.doc.char_span(by, by + 2)
            if span is not None and _credit(facts.doc, span.start - 1):
                out.append(span.start)
    return out


def words_before_by(text: str) -> list[tuple[str, int]]:
    """Each whole word of ASCII letters before " by" (a word of its own), with where "by" starts: what
    ``re.finditer(r"\\b([A-Za-z]+) (by)\\b", text)`` finds, read back from each " by" rather than tried
    at every word of the text."""
    out = []
    taken = 0  # where the last one found ends: they do not overlap ("Written by by")
    for m in _BY.finditer(text):
        start = end = m.start()
        while start > 0 and text[start - 1] in _ASCII_LETTERS:
            start -= 1
        if taken <= start < end and (start == 0 or not _word_character(text[start - 1])):
            out.append((text[start:end], end + 1))
            taken = end + 3
    return out


def _word_character(c: str) -> bool:
    """What the regular expression ``\\w`` matches."""
    return c.isalnum() or c == "_"


_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _before_credit(doc: Doc, mention: Mention) -> Mention:
    """NER's span without the credit word it ran over ("[Oslo Writing] by Ann Lee" -> "Oslo")."""
    last = mention.end - 1
    if len(mention) > 1 and mention.end < len(doc) and doc[mention.end].lower_ == "by" and _credit(doc, last):
        return mention.but(Why.BYLINE, end=last)
    return mention


def credited_names(doc: Doc, credits: list[int]) -> list[tuple[int, int]]:
    """Token ranges of the names after each credit's "by" (token indices ``credits``: "Editing by Tom Ward")."""
    out = []
    for i in credits:
        k = i + 1
        while k < len(doc):
            end = _name_end(doc, k)
            if end - k < NAME_WORDS[0] or end - k > NAME_WORDS[1]:
                break
            if doc[end - 1].lower_ not in words("byline_desks"):  # "Compiled by Oslo Newsroom"
                out.append((k, end))
            if end + 1 < len(doc) and doc[end].lower_ in JOINERS and doc[end + 1].lower_ not in words("byline_words"):
                k = end + 1
            else:
                break
    return out


def _credit(doc: Doc, i: int) -> bool:
    """Is doc[i] a credit word that opens a credit: capitalized, or after "Additional"?"""
    if i < 0:
        return False
    word = doc[i]
    if word.lower_ not in words("byline_words"):
        return False
    return word.text[:1].isupper() or (i > 0 and doc[i - 1].text == "Additional")


def _name_end(doc: Doc, k: int) -> int:
    """Where the capitalized words from doc[k] end: before a joiner, punctuation, or the next credit."""
    end = k
    while end < len(doc) and _name_word(doc[end].text):
        if end + 1 < len(doc) and doc[end + 1].lower_ == "by" and doc[end].lower_ in words("byline_words"):
            break  # "Writing by": the next credit
        end += 1
    return end


def _name_word(text: str) -> bool:
    """A capitalized word or an initial ("K.")."""
    return text[:1].isupper() and (text.replace("-", "").replace("'", "").replace("’", "").isalpha()
                                   or (len(text) == 2 and text[1] == "."))
