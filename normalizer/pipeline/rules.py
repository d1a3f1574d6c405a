"""General rules about what is and is not a proper-name mention, independent of any gazetteer.

Each rule is tested by its own table in ``tests/pipeline/test_rules.py``; none lists words of a
particular document. The word lists they read are data (``normalizer/data/words/``): the titles
that stay outside person spans (``person_titles``: "Mayor Jane Roe" -> Jane Roe), portfolio words
(``portfolio_words``) and the job titles after them (``portfolio_titles``).
"""
from __future__ import annotations

import re
from functools import cache

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Span

from ..text.words import words
from ..world.demonyms import countries_of
from .word_flags import HYPHEN

SEPARATORS = frozenset({"/", "|", "•", "·", "©", "—", "–", "»", "«", ">", "<", "\\", ",", ";"})
BRACKETS = ("(", ")")  # one that a span does not close or open splits it (clean_pieces)
MAY_SPLIT = frozenset({*BRACKETS, HYPHEN})  # words that split a span in some places (clean_pieces)
WRAPPED_MIN_SHARE = 0.1  # of a text's single line breaks inside sentences: it is wrapped at a fixed width
LEADING_WORDS = frozenset({"the", "a", "an"})
_DEMONYM = re.compile(r"^[A-Z][a-z]+(ian|ean|ese|ish|ic)s?$")
_SENTENCE_PUNCT = re.compile(r"[.!?,;:\"“”]")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")

MENU_MIN_WORDS = 8
MENU_MIN_ITEMS = 4
_MENU_SEPARATOR = re.compile(r"\s[|•·»/]\s|\t")
_LINE_BREAK = re.compile(r"\n[ \t]*")
MENU_MAX_STOPWORD_SHARE = 0.1


def menu_lines(text: str) -> list[tuple[int, int]]:
    """Character ranges of lines that are lists of menu or icon words rather than prose.

    Such a line has no sentence punctuation and either at least ``MENU_MIN_WORDS`` words with
    almost no function words (English prose is about 40% stop words; a line of menu labels has
    none), or at least ``MENU_MIN_ITEMS`` short items between separators ("Home | World | ...").
    """
    ranges = []
    offset = 0
    for line in text.splitlines(keepends=True):
        if _is_menu(line):
            ranges.append((offset, offset + len(line)))
        offset += len(line)
    return ranges


def _is_menu(line: str) -> bool:
    if _SENTENCE_PUNCT.search(line):
        return False
    words = _WORD.findall(line)
    if len(words) >= MENU_MIN_WORDS:
        stop = sum(w.lower() in STOP_WORDS for w in words)
        if stop / len(words) <= MENU_MAX_STOPWORD_SHARE:
            return True
    # A bar of short items between separators: "Home | World | Sports | Weather | Opinion"
    items = [item for item in _MENU_SEPARATOR.split(line) if item.strip()]
    return len(items) >= MENU_MIN_ITEMS and all(len(_WORD.findall(item)) <= 3 for item in items)


def in_ranges(start: int, end: int, ranges: list[tuple[int, int]]) -> bool:
    return any(a <= start and end <= b for a, b in ranges)


def clean_pieces(span: Span, *, line_breaks: bool = True) -> list[tuple[int, int]]:
    """Token ranges of the name(s) inside an NER span.

    A leading article, trailing possessive 's, and punctuation, symbols and emoji at either end
    are trimmed ("Ashby 🙂" -> "Ashby"); separators such as " / " or "|", line breaks, a dash (a hyphen
    with spaces around it) and a parenthesis the span does not close or open split it ("Agency /
    Country's", "Ashby\nSpeaking" and "Ashby - Route 9" are two names each, "Fenwick Trust (FT" is
    "Fenwick Trust" and "FT"); a parenthesis closed inside it stays ("Fenwick Trust (FT)").
    ``line_breaks`` False: a text wrapped at a fixed width, whose single
    line breaks split nothing (``breaks_names``).
    """
    doc = span.doc
    pieces: list[tuple[int, int]] = []
    start = span.start
    unmatched = unmatched_brackets([t.text for t in span], span.start)
    for i in range(span.start, span.end + 1):
        if i == span.end or separates(doc[i], line_breaks=line_breaks) or i in unmatched or spaced_dash(doc, i):
            pieces.append(_trim(doc, start, i))
            start = i + 1
    return [(a, b) for a, b in pieces if b > a and any(c.isalpha() for c in doc[a:b].text)]


def separates(token, *, line_breaks: bool = True) -> bool:
    """A separator (``SEPARATORS``) or a break (``breaks_names``): no name runs across it."""
    return token.text in SEPARATORS or (token.is_space and breaks_names(token.text, line_breaks=line_breaks))


def spaced_dash(doc: Doc, i: int) -> bool:
    """Is token ``i`` a hyphen with a space on either side ("Ashby - Route 9"): a dash between two names,
    not the hyphen inside one ("Ashby-Fenwick")?"""
    return doc[i].text == HYPHEN and bool(doc[i].whitespace_) and i > 0 and bool(doc[i - 1].whitespace_)


def breaks_names(space: str, *, line_breaks: bool = True) -> bool:
    """Does this run of white space end a name? A paragraph break does; so does a line break, unless
    the text is wrapped at a fixed width (``line_breaks`` False, see ``hard_wrapped``: its line breaks
    fall between the words of a sentence, and of a name)."""
    return "\n\n" in space or (line_breaks and "\n" in space)


def hard_wrapped(text: str) -> bool:
    """Is the text wrapped at a fixed width? Some of its single line breaks (``WRAPPED_MIN_SHARE`` of
    them at least) fall inside a sentence, between a lower-case word or a comma and a lower-case word
    ("the convoy\nleft at dawn"); a page's headings, captions and paragraphs break nowhere such."""
    breaks = inside = 0
    for m in _LINE_BREAK.finditer(text):
        start, end = m.start(), m.end()
        while start > 0 and text[start - 1] in " \t":
            start -= 1
        before, after = text[start - 1 : start], text[end : end + 1]
        if before == "\n" or after == "\n":
            continue  # a paragraph break
        breaks += 1
        inside += bool(before) and (before.islower() or before == ",") and after.islower()
    return inside > 0 and inside >= WRAPPED_MIN_SHARE * breaks


def unmatched_brackets(texts: list[str], first: int = 0) -> set[int]:
    """Where among the tokens ``texts`` (numbered from ``first``) a parenthesis has no partner inside them."""
    opened: list[int] = []
    unmatched = set()
    for i, text in enumerate(texts, first):
        if text == BRACKETS[0]:
            opened.append(i)
        elif text == BRACKETS[1]:
            if opened:
                opened.pop()
            else:
                unmatched.add(i)
    return unmatched.union(opened)


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    while start < end and (doc[start].lower_ in LEADING_WORDS or _is_filler(doc[start])):
        start += 1
    while end > start and (_is_filler(doc[end - 1]) or doc[end - 1].lower_ in ("'s", "’s", "'", "’")):
        end -= 1
    return start, end


def _is_filler(token) -> bool:
    """Space, punctuation, symbols and emoji: no part of a name at its edges (parentheses stay)."""
    if token.is_space or token.text in SEPARATORS:
        return True
    return token.text not in BRACKETS and not any(c.isalnum() for c in token.text)


def after_titles(doc: Doc, start: int, end: int) -> int:
    """Where a person's name starts after leading titles: "Gen. Jane Roe" -> "Jane"."""
    titles = words("person_titles")
    while end - start > 1 and doc[start].lower_.rstrip(".") in titles:
        start += 1
        if start < end - 1 and doc[start].text == ".":
            start += 1
    return start


def after_place_part(doc: Doc, start: int, end: int) -> int:
    """Where a place's name starts after a lowercase word for a part of it and "of" (``place_part_words``):
    "[east of Ashby]" -> "Ashby", "[the outskirts of the Dunmore Valley]" -> "Dunmore Valley"."""
    i = start + (doc[start].lower_ in LEADING_WORDS)
    part = end - i >= 3 and doc[i + 1].lower_ == "of" and doc[i].text in words("place_part_words")
    if not part:  # the list is lower case: "East of England" is a name of its own
        return start
    i += 2
    return i + 1 if end - i > 1 and doc[i].lower_ in LEADING_WORDS else i


def through_capitalized_word(doc: Doc, end: int) -> int:
    """Where a PERSON span ends when NER left off a capitalized word that is otherwise a function word,
    as given names in romanized Chinese can be ("Vice Premier Wu [He] will"): capitalized right after
    the name, inside a sentence (a lower-case word follows; no period ends the name, "Jo Roe Jr. Much
    ..."), so no pronoun; not "I"."""
    if end + 1 >= len(doc) or not doc[end - 1].whitespace_ or doc[end - 1].text.endswith(".") \
            or doc[end].is_sent_start:
        return end
    word, after = doc[end], doc[end + 1]
    if (len(word) > 1 and word.is_alpha and word.is_title and word.lower_ in STOP_WORDS
            and after.is_alpha and after.is_lower):
        return end + 1
    return end


def with_title_article(doc: Doc, start: int) -> int:
    """Where an organization's name starts when a capitalized "The" mid-sentence is part of it, as in
    the titles of newspapers and magazines: "told The Ashby Courier", "an interview with The Fenwick
    Review" -> the "The"; at the start of a sentence ("The Ashby Courier said") or in a headline's
    capitalized words ("Protest Against The Board") the article is no part of the name."""
    if start < 2 or doc[start - 1].text != "The":
        return start
    before = doc[start - 2]
    return start - 1 if before.is_alpha and before.is_lower else start


def before_titles(doc: Doc, start: int, end: int) -> int:
    """Where a PERSON span ends before the title of a place's head: "[Ashby Governor]" -> "Ashby"
    (the place whose governor it is: ``toponyms`` then sees the place before "governor"). Only the
    titles that are also local nouns (mayor, governor, sheriff): "Gloria Major", "Evan King" stay."""
    titles = _head_titles()
    while end - start > 1 and doc[end - 1].lower_.rstrip(".") in titles and doc[end - 1].text[:1].isupper():
        end -= 1
    return end


@cache
def _head_titles() -> frozenset[str]:
    return words("person_titles") & words("local_nouns")


def looks_like_proper_name(text: str) -> bool:
    """An all-lowercase string is no proper name (menu words, icons, common nouns): has ``text`` a capital
    (a character that ``isupper``)? In ASCII the capitals are exactly what ``lower()`` changes."""
    return text != text.lower() if text.isascii() else any(c.isupper() for c in text)


def is_demonym(span: Span) -> bool:
    """'Norwegian troops', 'Chilean': adjectives of nationality are not entities.

    A one-word span counts when the tagger says adjective, or when it is a nationality word (a
    nationality suffix, -ian, -ese, -ish, ..., or a demonym of the data: "Kenyan", "Cuban") and the
    next word is lower-case (it is modifying a noun) or opens a title ("Kenyan President",
    "Slovak Prime Minister").
    """
    if len(span) != 1:
        return False
    token = span[0]
    nationality = _nationality_word(token.text)
    if token.tag_ == "JJ" or (token.tag_ == "NNPS" and nationality):
        return True
    following = token.nbor() if token.i + 1 < len(token.doc) else None
    return nationality and following is not None and (following.is_lower or _title_word(following.lower_))


def nationality_before_title(span: Span) -> bool:
    """A one-word span that is a nationality word before a title ("Slovak" of "Slovak Prime Minister"),
    whatever NER called it: a person's name ("Dawn English said") is followed by no title."""
    if len(span) != 1 or span.end >= len(span.doc):
        return False
    return _nationality_word(span[0].text) and _title_word(span.doc[span.end].lower_)


def nationality_description(written: str) -> bool:
    """"Norwegian defence ministry", "Kenyan armed forces": a nationality word (a demonym of the data)
    and lower-case words after it describe an organization, as the conventions' lower-case
    descriptions do; they do not name it (a capitalized "Norwegian Defence Ministry" does)."""
    first, _, rest = written.partition(" ")
    return bool(rest) and all(w.isalpha() and w.islower() for w in rest.split()) and bool(countries_of(first))


def _nationality_word(text: str) -> bool:
    """A word with a nationality suffix (-ian, -ese, -ish, ...) or a demonym of the data ("Kenyan")."""
    return bool(_DEMONYM.match(text)) or bool(countries_of(text))


def _title_word(word: str) -> bool:
    """A word that opens a person's or an office's title ("President", "Foreign", "Prime"): after a
    nationality word it is modified by it too ("Slovak Prime Minister")."""
    return word in words("person_titles") or word in words("portfolio_words") or word in words("title_openers")


@cache
def listed_given_names() -> frozenset[str]:
    """The given names of the name lists (``person_names``, ``slavic_given_names``), folded."""
    return words("person_names") | words("slavic_given_names")


def no_entity(span: Span, ner_label: str) -> bool:
    """An unresolved NER span that is no entity by the conventions: a description in lower case (kept
    only for the gazetteer to resolve: "the harbour board"), a nationality word before a person's title
    ("[Slovak] Prime Minister"), a demonym, an organization that is a title's portfolio."""
    return not looks_like_proper_name(span.text) or no_entity_word(span, ner_label)


def no_entity_word(span: Span, ner_label: str) -> bool:
    """``no_entity``'s tests of a one-word span (a longer span passes them all): a nationality word
    before a person's title, a demonym, an organization that is a title's portfolio."""
    if len(span) != 1:
        return False
    if ner_label == "PERSON":
        return nationality_before_title(span)
    return is_demonym(span) or (ner_label == "ORG" and is_title_part(span))


def is_title_part(span: Span) -> bool:
    """'Defense' in 'Defense Secretary Jane Roe' is part of a job title, not an organization.

    Nor is 'State' in 'Secretary of State'. 'Pentagon' in 'Pentagon spokesman' is an organization:
    only portfolio words (defense, foreign, state, ...) count.
    """
    if len(span) != 1 or span[0].lower_ not in words("portfolio_words"):
        return False
    doc, titles = span.doc, words("portfolio_titles")
    if span.end < len(doc) and doc[span.end].lower_ in titles:
        return True  # "Defense Secretary"
    return span.start >= 2 and doc[span.start - 1].lower_ == "of" and doc[span.start - 2].lower_ in titles


def has_running_words(span: Span) -> bool:
    """A lower-case content word inside ("Ashby reached Fenwick") means NER joined two names.

    Names keep function words in lower case ("Ministry of Defence", "Rostov-on-Don"), not verbs
    or common nouns.
    """
    return any(
        t.is_alpha and t.is_lower and t.lower_ not in STOP_WORDS and t.i > span.start
        for t in span[:-1]
    )


def coordinated_head(span: Span) -> int | None:
    """In 'the Republics of Norland and Sudland', the names are after 'of': return that token index.

    A plural common head ("Republics", "regions", "cities") followed by "of" introduces a list
    of names; the entities are the names, not the whole phrase.
    """
    for token in span:
        if token.lower_ == "of" and token.i > span.start:
            head = span.doc[token.i - 1]
            if head.tag_ in ("NNS", "NNPS") or (not head.tag_ and head.lower_.endswith("s")):
                return token.i + 1
    return None
