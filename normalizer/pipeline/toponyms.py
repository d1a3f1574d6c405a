"""Place names NER gave the wrong label or missed: the text's own evidence that a name is a place.

The small English model often tags a town as PERSON ("Ashby") or ORG ("Maple Grove"), or tags
nothing at all ("Spirit Lake police"), and it misses all-caps datelines. A name is taken as a
place (label GPE, then resolved like any NER place span) only when its very name (not an alternate
name, not an acronym) is a place in the world layer *and* the text says so. ``CUES`` are the ways
it can say so, tried in order, each a ``Why`` and a predicate of what is around the name (``Around``):
``comma`` ("Millbrook, Ala."), ``prep`` ("a farm near Ashby"), ``vote`` (NER tags the name as a
place elsewhere in the document), ``noun`` ("Ashby police"), ``plural`` ("Ashby and Fenwick
counties"), ``residence`` ("Jane Roe, 41, of Ashby"), ``townof`` ("the village of Spirit Lake"),
``titleof`` ("the bishop of Millbrook": a title held over a place),
``to``/``from`` ("flew to Ashby", not "according to"), ``visit`` ("toured Ashby"), ``capital`` (a
country's or capital's name; for a span NER tagged PERSON, one that is no common person's name, or a
major city's), ``form`` (an East Slavic place name's ending, -ivka, -ove, of a place in a
Cyrillic-script country).
The words they read are data (``normalizer/data/words/``: ``locative_prepositions``, ``local_nouns``, ...).

Found in :mod:`normalizer.pipeline.datelines`: ``dateline``, an all-caps name opening the text, a
line or a sentence (or after a date), followed by a dash, a colon, "(Agency)" or ", State"
("DUNMORE, Pa. (AP) -", "FENWICK - "), which overrides NER's non-place label for those words; and
the runs of capitalized proper nouns NER left untagged (not dates, languages or other entities; not
part of a hyphenated name), which the same cues may make places (``untagged``,
:mod:`normalizer.pipeline.place_spans`).

Never when the curated gazetteer knows the name (it decides), when a title stands before it
("Mayor Madison"), when the document uses it inside a longer person's name ("Jackson" with
"Andrew Jackson"), when a reporting verb follows ("the agency said"), or for an all-caps acronym.
Measured and rejected: "at" as a cue (more false than true places).
"""
from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence, Set
from functools import cache, lru_cache, partial

from ..text.keys import fold, looks_like_acronym
from ..text.translit import CYRILLIC_COUNTRIES
from ..text.words import words
from ..world.index import Place
from ..world.places import WorldPlaces
from .facts import DocumentFacts
from .mention import Why
from .word_flags import COORDINATORS, CUE_AFTER, CUE_BEFORE

RELABELED_LABELS = frozenset({"PERSON", "ORG"})
CAPITAL_CUE_MIN_PEOPLE = 1_000_000
MAJOR_CITY_MIN_PEOPLE = 250_000  # a city NER tagged PERSON is a place by its size alone (not a person's name)

COMPOUND_PREPOSITION_HEADS = ("according", "due")  # "according to", "due to": no motion
NAMES_REMEMBERED = 20_000  # names whose ``named`` places are kept, per world layer


class Around:
    """What the cues read around a name doc[start:end] of a document (its ``facts``; the name's text:
    ``written``, folded: ``key``): the word before it (``prev``, lower case, "" at the start) and the
    word before that (``second_before``, lower case, None at the start), the text after it
    (``following``), the names NER tagged as places in the document, NER's ``label`` for the name (None
    if untagged), and the places it names (``places``, looked up when a cue first asks). Words are read
    from the document's text, not from ``Token`` objects."""

    __slots__ = ("facts", "start", "end", "written", "world", "following", "place_names", "label",
                 "key", "prev", "second_before", "_places")

    def __init__(self, facts: DocumentFacts, start: int, end: int, written: str, world: WorldPlaces,
                 following: str = "", place_names: Set[str] = frozenset(), label: str | None = None) -> None:
        self.facts, self.start, self.end, self.written, self.world = facts, start, end, written, world
        self.following, self.place_names, self.label = following, place_names, label
        self.key = fold(written)
        self.prev = facts.token_lower(start - 1) if start > 0 else ""
        self.second_before: str | None = facts.token_lower(start - 2) if start > 1 else None
        self._places: tuple[Place, ...] | None = None

    @property
    def places(self) -> tuple[Place, ...]:
        """The places whose very name the name is (``named``)."""
        if self._places is None:
            self._places = named(self.world, self.written)
        return self._places


def in_container(at: Around) -> bool:
    """"Millbrook, Ala.": a state or country follows the comma, and a place of the name lies in it."""
    if not at.following.lstrip().startswith(","):
        return False  # no comma after the name, so no container (``WorldPlaces.containers``)
    containers = at.world.containers(at.following)
    return bool(containers) and _lies_in(at.places, containers)


def after_locative_preposition(at: Around) -> bool:
    """"a farm near Ashby": ``locative_prepositions``."""
    return at.prev in words("locative_prepositions")


def tagged_as_place_elsewhere(at: Around) -> bool:
    """One sense per discourse: NER tags the same name as a place elsewhere in the document."""
    return at.key in at.place_names


def before_local_noun(at: Around) -> bool:
    """"Ashby police", "a Millbrook man": ``local_nouns``."""
    end, codes = at.end, at.facts.flags
    return end < len(codes) and bool(codes[end] & CUE_AFTER) and at.facts.token_lower(end) in words("local_nouns")


def before_plural_place_noun(at: Around) -> bool:
    """"Ashby, Dunmore and Fenwick counties": ``plural_place_nouns``."""
    return _before_plural_noun(at.facts, at.end)


def of_residence(at: Around) -> bool:
    """"Jane Roe, 41, of Ashby", "the driver, from Ashby,": after a comma, or a person's name ("Jane Roe of Ashby")."""
    before = at.second_before
    return at.prev in ("of", "from") and before is not None and (
        before == "," or at.facts.doc[at.start - 2].ent_type_ == "PERSON")


def after_place_head(at: Around) -> bool:
    """"the village of Spirit Lake": ``place_heads`` and "of"."""
    return at.prev == "of" and at.second_before is not None and at.second_before in words("place_heads")


def after_territorial_title(at: Around) -> bool:
    """"the bishop of Millbrook", "the Earl of Fenwick": ``territorial_titles`` and "of"."""
    return at.prev == "of" and at.second_before is not None and at.second_before in words("territorial_titles")


def motion_to(at: Around) -> bool:
    """"flew to Ashby"; not "according to", "due to"."""
    return at.prev == "to" and not _compound_preposition(at)


def motion_from(at: Around) -> bool:
    """"drove from Ashby"; not "due from"."""
    return at.prev == "from" and not _compound_preposition(at)


def visited(at: Around) -> bool:
    """"visited Ashby", "toured Fenwick" (``visit_verbs``); for a span NER tagged PERSON, only a
    name that is no common person's name ("visited Jackson in hospital")."""
    return at.prev in words("visit_verbs") and not (at.label == "PERSON" and at.key in words("person_names"))


def _compound_preposition(at: Around) -> bool:
    return at.second_before is not None and at.second_before in COMPOUND_PREPOSITION_HEADS


def capital(at: Around) -> bool:
    """A country's or national capital's very name ("Tbilisi wants answers"; see ``_capital_cue``),
    or, for a span NER tagged PERSON, a major city's that is no common person's name."""
    if at.key not in own_cue_names(at.world):
        return False
    if at.key in capital_names(at.world) and any(_capital_cue(at.world, p, at.label) for p in at.places):
        return True
    return (at.label == "PERSON" and at.key in at.world.index.names_of_cities(MAJOR_CITY_MIN_PEOPLE)
            and at.key not in words("person_names")
            and any(p.feature == "city" and p.population >= MAJOR_CITY_MIN_PEOPLE for p in at.places))


def slavic_place_form(at: Around) -> bool:
    """A name ending as East Slavic place names do and surnames do not (``slavic_place_endings``:
    -ivka, -ove, -hrad ...) that is exactly a place of a Cyrillic-script country."""
    key = at.key
    if " " in key or len(key) < 6 or not key.endswith(_slavic_place_endings()):
        return False
    return any(place.country in CYRILLIC_COUNTRIES and place.feature == "city" for place in at.places)


@cache
def _slavic_place_endings() -> tuple[str, ...]:
    return tuple(sorted(words("slavic_place_endings"), key=len, reverse=True))


# The cues, tried in this order; the first that holds is the one given.
CUES: tuple[tuple[Why, Callable[[Around], bool]], ...] = (
    (Why.COMMA, in_container),
    (Why.PREP, after_locative_preposition),
    (Why.VOTE, tagged_as_place_elsewhere),
    (Why.NOUN, before_local_noun),
    (Why.PLURAL, before_plural_place_noun),
    (Why.RESIDENCE, of_residence),
    (Why.TOWN_OF, after_place_head),
    (Why.TITLE_OF, after_territorial_title),
    (Why.TO, motion_to),
    (Why.FROM, motion_from),
    (Why.VISIT, visited),
    (Why.CAPITAL, capital),
    (Why.FORM, slavic_place_form),
)
# The word_flags bit the word a cue reads has: the word before the name (``CUE_BEFORE``) or the one
# after it (``CUE_AFTER``). Without it the cue cannot hold, and ``place_cue`` does not ask it.
NEEDS: dict[Why, int] = {
    Why.PREP: CUE_BEFORE, Why.NOUN: CUE_AFTER, Why.PLURAL: CUE_AFTER,
    Why.RESIDENCE: CUE_BEFORE, Why.TOWN_OF: CUE_BEFORE, Why.TITLE_OF: CUE_BEFORE,
    Why.TO: CUE_BEFORE, Why.FROM: CUE_BEFORE,
    Why.VISIT: CUE_BEFORE,
}
# The cues ``place_cue`` asks, in ``CUES``'s order, for each set of cue-word bits around a name (by its value):
# those that need no cue word, and those whose cue word is there.
_ASKED: tuple[tuple[tuple[Why, Callable[[Around], bool]], ...], ...] = tuple(
    tuple((why, holds) for why, holds in CUES if not NEEDS.get(why, 0) or NEEDS.get(why, 0) & present)
    for present in range((CUE_BEFORE | CUE_AFTER) + 1))


def place_cue(
    facts: DocumentFacts, start: int, end: int, *, world: WorldPlaces, following: str,
    place_names: Set[str], person_parts: Set[str], label: str | None = None, written: str | None = None,
) -> Why | None:
    """The first of ``CUES`` that says the span doc[start:end] of the document (its ``facts``; NER's
    ``label``, None if untagged) is a place, or None; none counts unless the name is a world place's
    very name. ``written``: the span's text, when the caller has it.

    The places the name names are looked up only when a cue holds, or when "comma" (a state or
    country after the name) or "capital" (a country's or capital's name) asks: most names need none.
    Whether the name could be a place at all (``candidate``) is asked once a cue holds (most names
    have none).
    """
    written = facts.span_text(start, end) if written is None else written
    at = Around(facts, start, end, written, world, following, place_names, label)
    codes = facts.flags
    present = (CUE_BEFORE if start > 0 and codes[start - 1] & CUE_BEFORE else 0) | (
        CUE_AFTER if end < len(codes) and codes[end] & CUE_AFTER else 0)  # the cue words around it, as bits
    for why, holds in _ASKED[present]:
        if holds(at):
            return why if candidate(facts, start, end, person_parts, written=written) and at.places else None
    return None


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


_OWN_CUE_NAMES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def own_cue_names(world: WorldPlaces) -> frozenset[str]:
    """Folded names that may give the "capital" cue by themselves: ``capital_names`` and the major
    cities' (``MAJOR_CITY_MIN_PEOPLE``). Found once per layer."""
    names = _OWN_CUE_NAMES.get(world)
    if names is None:
        names = _OWN_CUE_NAMES[world] = capital_names(world) | world.index.names_of_cities(MAJOR_CITY_MIN_PEOPLE)
    return names


def _capital_cue(world: WorldPlaces, place, label: str | None) -> bool:
    """A country or national capital needs no other cue; for a PERSON span only one that is no
    common person's name (``person_names``: "Jordan", "Chad" and "Victoria" are), or a capital of a
    million people ("Tbilisi", "Paris")."""
    national = place.feature == "country" or place.canonical_id in world.capitals
    if label == "PERSON":
        return (national and fold(place.name) not in words("person_names")) or (
            place.canonical_id in world.capitals and place.population >= CAPITAL_CUE_MIN_PEOPLE)
    return national


def _before_plural_noun(facts: DocumentFacts, end: int) -> bool:
    """"Ashby and Fenwick counties": capitalized names and coordinators, then a plural place noun (each
    a word with the ``CUE_AFTER`` bit)."""
    k = end
    plurals = words("plural_place_nouns")
    text, starts, ends, codes = facts.text, facts.starts, facts.ends, facts.flags
    while k < len(starts) and k - end < 30:
        if not codes[k] & CUE_AFTER:
            return False
        word = text[starts[k] : ends[k]]
        folded = word.lower()
        if folded in plurals:
            return True
        if not (folded in COORDINATORS or word[:1].isupper() or word.isspace()):
            return False
        k += 1
    return False


def candidate(facts: DocumentFacts, start: int, end: int, person_parts: Set[str], *,
              written: str | None = None) -> bool:
    """Could doc[start:end] of the document (its ``facts``; the span's text: ``written``) be a place at
    all, whatever the cue? Not an acronym ("SEC"), not a person's name elsewhere, not after a title,
    not the speaker of "said" (but "the bishop of Ashby said": after "of", the one who speaks is before it)."""
    written = facts.span_text(start, end) if written is None else written
    if written.isupper() and looks_like_acronym(written):
        return False
    if fold(written) in person_parts or _after_title(facts, start):
        return False
    if end < len(facts.orths) and facts.token_lower(end) in words("reporting_verbs"):
        return start > 0 and facts.token_lower(start - 1) == "of"
    return True


def named(world: WorldPlaces, written: str) -> tuple[Place, ...]:
    """Places whose very name (not an alternate name) is ``written``: remembered per world layer and
    name (``NAMES_REMEMBERED``), as the world layer's own look-ups are (names repeat across documents)."""
    lookup = _NAMED.get(world)
    if lookup is None:
        lookup = _NAMED[world] = lru_cache(maxsize=NAMES_REMEMBERED)(partial(_named, world))
    return lookup(written)


_NAMED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _named(world: WorldPlaces, written: str) -> tuple[Place, ...]:
    key = fold(written)
    return tuple(p for p, match in world.candidates(written) if match == "fold" and fold(p.name) == key)


def _after_title(facts: DocumentFacts, start: int) -> bool:
    """Any of ``person_titles`` right before, with or without its period ("Mayor Ashby", "Sen . Ashby");
    one that is a common word too (``ambiguous_titles``) only capitalized ("Miss Ashby", not "to miss
    Ashby")."""
    i = start - 1
    if i >= 0 and facts.token_text(i) == ".":
        i -= 1
    if i < 0:
        return False
    title = facts.token_lower(i).rstrip(".")
    return title in words("person_titles") and (
        title not in words("ambiguous_titles") or facts.token_text(i)[:1].isupper())


def _in_container(world: WorldPlaces, places, following: str) -> bool:
    """"Millbrook, Ala.": a state or country follows the comma and a namesake lies in it."""
    return _lies_in(places, world.containers(following))


def _lies_in(places: Sequence[Place], containers: list[Place]) -> bool:
    return any(p.country == c.country and (c.feature == "country" or p.admin1 == c.admin1)
               for p in places for c in containers)


def capitalized_runs(facts: DocumentFacts, taken: set[int]) -> list[tuple[int, int]]:
    """Runs of capitalized words outside every mention ("in Spirit Lake"): names NER missed (their
    words: ``facts.name_words``)."""
    runs = []
    start = last = -2  # the run being read: doc[start:last + 1]
    for i in facts.name_words:
        if i in taken:
            continue
        if i != last + 1:
            if start >= 0 and not _glued(facts, start, last + 1):
                runs.append((start, last + 1))
            start = i
        last = i
    if start >= 0 and not _glued(facts, start, last + 1):
        runs.append((start, last + 1))
    return runs


def _glued(facts: DocumentFacts, start: int, end: int) -> bool:
    """A run that is part of a hyphenated name ("Ashby-Fenwick", "the Smith-Ashby report"): a hyphen
    right before it or right after it, with no space between (read from the token offsets)."""
    text, starts, ends = facts.text, facts.starts, facts.ends
    if start > 0 and ends[start - 1] == starts[start] and text[starts[start - 1] : ends[start - 1]] == "-":
        return True
    return end < len(starts) and ends[end - 1] == starts[end] and text[starts[end] : ends[end]] == "-"


def may_have_cue(codes: list[int], start: int, end: int, key: str, place_names: Set[str],
                 own_names: Set[str]) -> bool:
    """False when ``place_cue`` is sure to find no cue for doc[start:end] (folded: ``key``), read from the
    document's ``word_flags`` (``codes``): no word before it that may give one ("in", "of", "from", "to"), none after
    it (a local or plural place noun, a coordinator or a comma, a capitalized word or a space), neither
    a name NER tagged as a place elsewhere ("vote") nor a country's, capital's or major city's name
    (``own_names``: the world layer's ``own_cue_names``, which the caller reads once)."""
    if (start > 0 and codes[start - 1] & CUE_BEFORE) or (end < len(codes) and codes[end] & CUE_AFTER):
        return True
    return key in place_names or key in own_names or (
        " " not in key and key.endswith(_slavic_place_endings()))
