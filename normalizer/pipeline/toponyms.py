"""Place names NER gave the wrong label or missed: the text's own evidence that a name is a place.

The small English model often tags a town as PERSON ("Gainesville", "Glen Allen") or ORG
("Torrington"), or tags nothing at all ("Grand Prairie police"), and it misses all-caps
datelines. A name is taken as a place (label GPE, then resolved like any NER place span) only
when its very name (not an alternate name, not an acronym) is a place in the world layer *and*
the text says so with one of these cues:

* ``comma``: "City, State" - a comma and a US state (AP abbreviation or name) or a country
  follow, and a place of that name lies in it ("Gainesville, Fla.", "Glen Allen, Virginia").
* ``prep``: a locative preposition right before it ("in", "near", "outside", "around", ...).
* ``vote``: one label per discourse - NER tags the same name GPE/LOC elsewhere in the document.
* ``noun``: it modifies a local noun ("Danbury police", "a Coral Gables man", "Greer residents").
* ``plural``: a list ending in a plural place noun ("Barrow, Jackson and Madison counties").
* ``residence``: after ", of" / ", from" or a person's name and "of" ("Jane Roe, 41, of Grovetown,").
* ``townof``: after "town/city/village... of" ("the village of Glen Carbon").
* ``to``/``from``: a motion preposition ("flew to Butte"), not "according to".
* ``list``: coordinated (",", "and", "or") with a mention NER tagged as a place ("Decatur and Avondale").
* ``dateline``: an all-caps name opening the text, a line or a sentence (or after a date),
  followed by a dash, a colon, "(Agency)" or ", State" ("DANBURY, Conn. (AP) -", "TORRINGTON - ").
  It overrides NER's non-place label for those words.
* ``party``: a legislator's state or home after a party letter ("Rep. Jane Roe, D-Calif.",
  "(R-Elbow Lake)").
* ``capital``: it is a country's or a national capital's very name ("Tbilisi wants answers");
  for a PERSON span only a capital of ``CAPITAL_CUE_MIN_PEOPLE`` (Jordan, Chad and Victoria
  are people's names too).
* ``untagged``: the cues above also apply to runs of capitalized proper nouns that NER left
  untagged (not dates, languages or other entities; not part of a hyphenated name).

Never when the curated gazetteer knows the name (it decides), when a title stands before it
("Mayor Madison"), when the document uses it inside a longer person's name ("Jackson" with
"Andrew Jackson"), when a reporting verb follows ("Xinhua said"), or for an all-caps acronym.
Measured and rejected: "at" as a cue (more false than true places).
"""
from __future__ import annotations

import re
import weakref
from collections.abc import Callable
from itertools import compress

from spacy.attrs import ORTH, POS
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.parts_of_speech import PROPN
from spacy.tokens import Doc

from ..text.keys import fold, looks_like_acronym
from ..world.abbreviations import US_STATE_ABBREVIATIONS
from ..world.places import WorldPlaces
from .rules import PERSON_TITLES

# Prepositions after which a capitalized name is a place far more often than a person.
LOCATIVE_PREPOSITIONS = frozenset({
    "in", "near", "outside", "around", "across", "throughout", "within", "inside",
})
RELABELED_LABELS = frozenset({"PERSON", "ORG"})
CAPITAL_CUE_MIN_PEOPLE = 1_000_000
DASHES = frozenset({"-", "--", "---", "—", "–", "——"})
DATELINE_MIN_LETTERS = 4

# Nouns a place name modifies ("Danbury police", "a Coral Gables man", "Greer residents").
LOCAL_NOUNS = frozenset({
    "police", "resident", "residents", "native", "natives", "home", "homes", "man", "woman", "men",
    "women", "boy", "girl", "teen", "teenager", "couple", "family", "area", "officials", "neighborhood",
    "neighborhoods", "businesses", "mayor", "council", "schools", "suburb", "suburbs", "sheriff",
    "deputies", "detectives", "firefighters", "authorities", "voters", "community", "downtown",
})
# Plural place nouns after a list of names: "Barrow, Jackson and Madison counties".
PLURAL_PLACE_NOUNS = frozenset({
    "counties", "parishes", "townships", "boroughs", "rivers", "lakes", "creeks", "islands", "provinces",
})
# "the town of X", "the villages of X and Y"
PLACE_HEADS = frozenset({
    "town", "towns", "city", "cities", "village", "villages", "township", "suburb", "suburbs",
    "province", "district", "county", "hamlet", "borough", "region", "state",
})
REPORTING_VERBS = frozenset({
    "said", "says", "say", "told", "tells", "reported", "reports", "announced", "added", "wrote",
    "writes", "explained", "stated", "noted", "argued", "asked", "replied",
})
COORDINATORS = frozenset({",", "and", "or", "&"})
WORDS_REMEMBERED = 200_000  # per word test (word_codes), before starting afresh


def place_cue(
    doc: Doc, start: int, end: int, *, world: WorldPlaces, following: str,
    place_names: set[str], person_parts: set[str], label: str | None = None, written: str | None = None,
) -> str | None:
    """Why the span doc[start:end] (NER's ``label``, None if untagged) is a place ("comma",
    "prep", "vote"), or None. ``written``: the span's text, when the caller has it.

    The cues are tried in the order of the module docstring; the text's cues are read first, as
    they cost nothing: a name with none of them, not followed by a state or country and not a
    country's or capital's name, needs no look-up of the places it names.
    """
    written = doc[start:end].text if written is None else written
    if not candidate(doc, start, end, person_parts, written=written):
        return None
    key = fold(written)
    cue = _text_cue(doc, start, end, key, place_names)
    if cue is None and key not in capital_names(world) and not world.containers(following):
        return None  # "comma" needs a state or country after the name, "capital" such a name
    places = named(world, written)
    if not places:
        return None
    if _in_container(world, places, following):
        return "comma"
    if cue is not None:
        return cue
    if any(_capital_cue(world, p, label) for p in places):
        return "capital"
    return None


def _text_cue(doc: Doc, start: int, end: int, key: str, place_names: set[str]) -> str | None:
    """The first of the cues "prep" to "to"/"from" that the words around doc[start:end] give."""
    prev = doc[start - 1].lower_ if start > 0 else ""
    if prev in LOCATIVE_PREPOSITIONS:
        return "prep"
    if key in place_names:
        return "vote"
    if end < len(doc) and doc[end].lower_ in LOCAL_NOUNS:
        return "noun"
    if _before_plural_noun(doc, end):
        return "plural"
    if prev not in ("of", "from", "to") or start < 2:
        return prev if prev in ("to", "from") else None
    before = doc[start - 2]
    if prev in ("of", "from") and (before.text == "," or before.ent_type_ == "PERSON"):
        return "residence"
    if prev == "of":
        return "townof" if before.lower_ in PLACE_HEADS else None
    return prev if before.lower_ not in ("according", "due") else None  # "flew to Butte", not "according to"


_CAPITAL_NAMES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def capital_names(world: WorldPlaces) -> frozenset[str]:
    """Folded names of the places that can give the "capital" cue: every country and national
    capital of the world layer (``_capital_cue`` says which for a PERSON span). Found once per layer."""
    names = _CAPITAL_NAMES.get(world)
    if names is None:
        capitals = (world.index.get(canonical_id) for canonical_id in world.capitals)
        names = world.index.names_of("country") | {fold(p.name) for p in capitals if p is not None}
        _CAPITAL_NAMES[world] = names
    return names


def _capital_cue(world: WorldPlaces, place, label: str | None) -> bool:
    """A country or national capital needs no other cue; for a PERSON span only a capital of a
    million people ("Tbilisi"): "Jordan", "Chad" and "Victoria" are also people's names."""
    if label == "PERSON":
        return place.canonical_id in world.capitals and place.population >= CAPITAL_CUE_MIN_PEOPLE
    return place.feature == "country" or place.canonical_id in world.capitals


def _before_plural_noun(doc: Doc, end: int) -> bool:
    """"Jackson and Barrow counties": capitalized names and coordinators, then a plural place noun."""
    k = end
    while k < len(doc) and k - end < 30:
        token = doc[k]
        if token.lower_ in PLURAL_PLACE_NOUNS:
            return True
        if not (token.lower_ in COORDINATORS or token.text[:1].isupper() or token.is_space):
            return False
        k += 1
    return False


def candidate(doc: Doc, start: int, end: int, person_parts: set[str], *, written: str | None = None) -> bool:
    """Could doc[start:end] (its text: ``written``) be a place at all, whatever the cue? Not an acronym
    ("SEC"), not a person's name elsewhere, not after a title, not the speaker of "said"."""
    written = doc[start:end].text if written is None else written
    if written.isupper() and looks_like_acronym(written):
        return False
    if fold(written) in person_parts or _after_title(doc, start):
        return False
    return not (end < len(doc) and doc[end].lower_ in REPORTING_VERBS)


def named(world: WorldPlaces, written: str):
    """Places whose very name (not an alternate name) is ``written``."""
    key = fold(written)
    return [p for p, match in world.candidates(written) if match == "fold" and fold(p.name) == key]


def _after_title(doc: Doc, start: int) -> bool:
    i = start - 1
    if i >= 0 and doc[i].text == ".":
        i -= 1
    return i >= 0 and doc[i].lower_.rstrip(".") in PERSON_TITLES


def _in_container(world: WorldPlaces, places, following: str) -> bool:
    """"Gainesville, Fla.": a state or country follows the comma and a namesake lies in it."""
    containers = world.containers(following)
    return any(p.country == c.country and (c.feature == "country" or p.admin1 == c.admin1)
               for p in places for c in containers)


def datelines(doc: Doc, world: WorldPlaces) -> list[tuple[int, int]]:
    """Token ranges of all-caps datelines naming a world place: "BEIRUT (Reuters) —", "AUSTIN, Texas"."""
    out = []
    n = len(doc)
    caps = word_codes(doc, _caps_lexeme)
    resume = 0  # a dateline's words are not looked at again as the start of another
    for i in compress(range(n), caps):
        if i < resume or (i > 0 and not _opens(doc, i)):
            continue
        j = i
        while j < n and (caps[j] or (j > i and caps[j - 1] and j + 1 < n and caps[j + 1] and doc[j].text == ".")):
            j += 1
        end = j
        if end < n and doc[end].text == "." and doc[end - 1].text.upper() in ("CO", "ST", "MT", "FT"):
            end += 1
        written = doc[i:end].text
        if (sum(c.isalpha() for c in written) >= DATELINE_MIN_LETTERS and _dateline_tail(doc, end)
                and named(world, written)):
            out.append((i, end))
        resume = max(j, i + 1)
    return out


def _caps_lexeme(lexeme) -> bool:
    return _caps_text(lexeme.orth_)


def _caps_text(text: str) -> bool:
    """An all-caps word, maybe with periods after it or apostrophes in it ("U.S.", "O'HARE")."""
    text = text.rstrip(".")
    return bool(text) and text.replace("'", "").replace("’", "").isalpha() and text.isupper()


def _opens(doc: Doc, i: int) -> bool:
    """Start of a line, a sentence, or after a date ("March 24, 2009 MANSFIELD --")."""
    prev = doc[i - 1]
    if prev.is_space and "\n" in prev.text:
        return True
    if prev.text in (".", "!", "?", "\n") or prev.text.endswith("\n"):
        return True
    return prev.like_num


def _dateline_tail(doc: Doc, end: int) -> bool:
    """What follows a dateline: a dash, "(Agency)", or ", State" then either."""
    n = len(doc)
    k = end
    while k < n and doc[k].is_space:
        k += 1
    if k < n and doc[k].text == ",":
        return k + 1 < n and doc[k + 1].text[:1].isupper()
    if k < n and doc[k].text in ("(", ":"):
        return True
    return k < n and (doc[k].text in DASHES or set(doc[k].text) <= set("-—–"))


_PARTY_STATE = re.compile(r"(?<![\w-])[DRI]-((?:[A-Z][\w'’]*\.?)(?:[ -]?[A-Z][\w'’]*\.?){0,2})")


def party_homes(doc: Doc, world: WorldPlaces, *, text: str) -> list[tuple[int, int]]:
    """"Rep. Jane Doe, D-Calif.", "Sen. John Roe (R-Elbow Lake)": a legislator's state or home town
    (``text`` is ``doc.text``)."""
    out = []
    for m in _PARTY_STATE.finditer(text):
        name = m.group(1)
        stripped = name.rstrip(".")
        abbreviation = fold(name).replace(" ", "") in US_STATE_ABBREVIATIONS
        if not (abbreviation or _state_name(world, stripped) or named(world, stripped)):
            continue
        end = m.end(1) if abbreviation else m.start(1) + len(stripped)  # "Calif." keeps its period
        span = doc.char_span(m.start(1), end, alignment_mode="expand")
        if span is not None and span.text.rstrip(".") and span.start_char >= m.start(1) - 2:
            out.append((span.start, span.end))
    return out


def _state_name(world: WorldPlaces, name: str) -> bool:
    return any(p.feature == "admin1" and fold(p.name) == fold(name) for p, _ in world.index.candidates(name, limit=5))


def capitalized_runs(doc: Doc, taken: set[int], *, words: list[int] | None = None) -> list[tuple[int, int]]:
    """Runs of capitalized words outside every mention ("in Grand Prairie"): names NER missed. ``words``:
    the document's ``run_word`` codes, if at hand."""
    words = word_codes(doc, run_word) if words is None else words
    pos = doc.to_array(POS).tolist()
    runs = []
    start = last = -2  # the run being read: doc[start:last + 1]
    for i in [i for i, word in enumerate(words) if word & NAME_WORD]:
        if i in taken or pos[i] not in (0, PROPN):  # a name word has no part of speech or PROPN
            continue
        if i != last + 1:
            if start >= 0 and not _glued(doc, start, last + 1):
                runs.append((start, last + 1))
            start = i
        last = i
    if start >= 0 and not _glued(doc, start, last + 1):
        runs.append((start, last + 1))
    return runs


def _glued(doc: Doc, start: int, end: int) -> bool:
    """A run that is part of a hyphenated name ("Miami-Dade", "Zorra-Tavistock")."""
    before = doc[start - 1] if start > 0 else None
    after = doc[end] if end < len(doc) else None
    if before is not None and not before.whitespace_ and before.text == "-":
        return True
    return after is not None and not doc[end - 1].whitespace_ and after.text == "-"


# What a word is around a capitalized run (run_word): a name word (with a PROPN or no part of speech),
# a word before a name that may give a cue, a word after one that may.
NAME_WORD, CUE_BEFORE, CUE_AFTER = 1, 2, 4
_CUE_BEFORE_WORDS = LOCATIVE_PREPOSITIONS | {"of", "from", "to"}  # prep, residence, townof, to, from
_CUE_AFTER_WORDS = LOCAL_NOUNS | PLURAL_PLACE_NOUNS | COORDINATORS  # noun, plural (and a comma: comma)


def run_word(lexeme) -> int:
    """NAME_WORD | CUE_BEFORE | CUE_AFTER bits of a word (a Lexeme) for ``capitalized_runs`` and ``may_have_cue``."""
    text, lower = lexeme.orth_, lexeme.lower_
    bits = NAME_WORD if lexeme.is_alpha and text[:1].isupper() and lower not in STOP_WORDS else 0
    bits |= CUE_BEFORE if lower in _CUE_BEFORE_WORDS else 0
    after = lower in _CUE_AFTER_WORDS or text[:1].isupper() or text[:1] == "," or lexeme.is_space
    return bits | CUE_AFTER if after else bits


def may_have_cue(words: list[int], start: int, end: int, key: str, place_names: set[str],
                 world: WorldPlaces) -> bool:
    """False when ``place_cue`` is sure to find no cue for doc[start:end] (folded: ``key``), read from the
    document's ``run_word`` codes: no word before it that may give one ("in", "of", "from", "to"), none after
    it (a local or plural place noun, a coordinator or a comma, a capitalized word or a space), neither
    a name NER tagged as a place elsewhere ("vote") nor a country's or capital's name."""
    if (start > 0 and words[start - 1] & CUE_BEFORE) or (end < len(words) and words[end] & CUE_AFTER):
        return True
    return key in place_names or key in capital_names(world)


_WORD_CODES: dict[Callable, tuple[object, dict[int, int]]] = {}


def word_codes(doc: Doc, test: Callable) -> list[int]:
    """``test(lexeme)`` (an int) for each token of the document: remembered per word of the vocabulary,
    for one vocabulary at a time (its words' flags are its own), so a document costs one array of
    word ids and a look-up per token."""
    orths = doc.to_array(ORTH).tolist()
    vocab, known = _WORD_CODES.get(test, (None, None))
    if vocab is not doc.vocab or len(known) > WORDS_REMEMBERED:
        known = {}
        _WORD_CODES[test] = (doc.vocab, known)
    codes = list(map(known.get, orths))
    if None in codes:  # words not met before
        for i, code in enumerate(codes):
            if code is None:
                orth = orths[i]
                if orth not in known:
                    known[orth] = int(test(doc.vocab[orth]))
                codes[i] = known[orth]
    return codes
