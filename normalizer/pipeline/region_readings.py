"""Region readings: a bare city name that the text plainly uses for the region of the same name.

Many regions are named after their centre (an oblast, a province, a governorate), and news writes
the bare name for either. The name reads as the region, not the city, when the words around it
say so; each cue is a general pattern of English, the region is looked up by its own name
("<name> <designator>", as the gazetteer or the world layer knows it), and nothing changes when
there is no such region:

* a designator shared across a coordination, after it: "the Ashby and Dunmore oblasts",
  "Ashby, Dunmore and Fenwick regions", "the Ashby and Dunmore People's Republics";
* a designator before it, with "of": "the provinces of Ashby and Dunmore", "the region of Ashby";
* a region's head: "the governor of Ashby", "Ashby's governor", "the Ashby regional administration".

Before them, :func:`with_designators` gives a name followed by a singular designator ("the Ashby
district") the word and the area's reading.

The designators and heads are word lists (``region_designators``, ``region_heads``). A mention
that resolved to a region already, or to a place that is no city, town or village, is left alone;
the city stays among the alternatives.

The other way round (:func:`town_readings`): a name the world layer resolved to a region is the town
of that name in the same country when the text says it is a town ("the town of Ashby", "the
villages of Ashby and Dunmore": ``settlement_heads``); the region stays among the alternatives.
"""
from __future__ import annotations

from ..gazetteer.schema import PLACE_LABELS
from ..text.keys import looks_slavic
from ..text.translit import CYRILLIC_COUNTRIES
from ..text.words import table, words
from .facts import DocumentFacts
from .mention import Mention, Why
from .resolve import Resolution, Resolver
from .word_flags import REGION_CUE

SETTLEMENT_TYPES = frozenset({"city", "town", "village"})
REGION_TYPES = frozenset({"region", "republic"})
JOINERS = frozenset({",", "and", "or", "&"})
MAX_DESIGNATOR_WORDS = 3  # "people 's republics"


def region_readings(facts: DocumentFacts, mentions: list[Mention], resolver: Resolver) -> list[Mention]:
    """The mentions, with each bare city name the text uses for its region resolved to the region."""
    if not any(map(REGION_CUE.__and__, facts.flags)):  # most documents: no word that could give a cue
        return mentions
    mentions = list(mentions)
    ordered = sorted(range(len(mentions)), key=lambda k: mentions[k].start)
    for chain in _chains(facts, [mentions[k] for k in ordered], [k for k in ordered]):
        last = mentions[chain[-1]]
        trailing = _trailing_designator(facts, last)  # NER took the designator in: "[Dunmore oblasts]"
        if trailing is not None:
            mentions[chain[-1]] = last = last.but(end=last.end - trailing[0])
        designator = (trailing[1] if trailing else _designator_after(facts, last)) \
            or _designator_before(facts, mentions[chain[0]])
        heads = designator is None and len(chain) == 1 and _head_next_to(facts, mentions[chain[0]])
        if designator is None and not heads:
            if trailing is not None:
                mentions[chain[-1]] = last.but(end=last.end + trailing[0])  # as it was
            continue
        for k in chain:
            region = _region(facts, mentions[k], designator or "region", resolver)
            if region is not None:
                mentions[k] = mentions[k].but(Why.REGION, resolution=region, ner_label="GPE")
            elif k == chain[-1] and trailing is not None:
                mentions[k] = last.but(end=last.end + trailing[0])
    return mentions


def town_readings(facts: DocumentFacts, mentions: list[Mention], resolver: Resolver) -> list[Mention]:
    """The mentions, with each name the text calls a town ("the town of Ashby") that the world layer
    resolved to a region resolved to the most populous town of that name (or of an alternate name)
    in the region's country, if there is one."""
    world, out = resolver.world, []
    for mention in mentions:
        found = mention.resolution
        if world is None or found is None or found.variant_kind != "geonames" or found.entry.type != "region" \
                or not _after_settlement_head(facts, mention.start):
            out.append(mention)
            continue
        written = facts.span_text(mention.start, mention.end)
        country = found.entry.country
        towns = [p for p in world.folded_candidates(written) if p.feature == "city" and p.country == country]
        if not towns:
            out.append(mention)
            continue
        town = max(towns, key=lambda p: p.population)
        alternatives = [(found.entry.canonical_id, found.score)] + [
            a for a in found.alternatives if a[0] != town.canonical_id]
        resolution = Resolution(world.entry_for(town), found.variant_name, found.variant_kind, found.match_kind,
                                found.score, alternatives[:3])
        out.append(mention.but(Why.TOWN, resolution=resolution))
    return out


def _after_settlement_head(facts: DocumentFacts, start: int) -> bool:
    """"the town of [Ashby]", "the villages of Dunmore and [Ashby]": a ``settlement_heads`` word, "of",
    then names and joiners up to the mention."""
    i = start - 1
    while i > 0 and (facts.token_lower(i) in JOINERS or facts.token_text(i)[:1].isupper()):
        i -= 1
    return i > 0 and facts.token_lower(i) == "of" and facts.token_lower(i - 1) in words("settlement_heads")


def with_designators(facts: DocumentFacts, mentions: list[Mention], resolver: Resolver) -> list[Mention]:
    """A place's name followed by a word for an administrative area (``place_designators``: "the
    Ashby district", "Dunmore raion") takes the word in: the mention is the area, resolved by the
    whole name when the gazetteer or the world layer knows it, else left for a new id.

    Only for places of the Cyrillic-script countries (or unknown names that look Slavic), where
    such a district is an official unit named after its centre and news names it so; elsewhere
    "the Lancaster district" is an area of the town, and geoparsing corpora mark the town's name
    alone (measured on LGL and TR-News: 14 of their toponyms lost when every place took the word)."""
    taken: set[int] | None = None  # the tokens of the mentions, gathered when first asked
    n, word = len(facts.orths), facts.token_text
    out = []
    for mention in mentions:
        end = mention.end
        if end >= n or word(end).lower() not in words("place_designators"):
            out.append(mention)
            continue
        taken = {i for m in mentions for i in range(m.start, m.end)} if taken is None else taken
        if (end not in taken and _placeish(mention, facts) and facts.ends[end - 1] < facts.starts[end]
                and _slavic_unit(facts, mention)
                and not (end + 1 < n and word(end + 1)[:1].isupper())):  # "Ashby Region Council"
            name = facts.span_text(mention.start, end + 1)
            found = resolver.resolve(name, label="GPE")
            if found is not None and found.entry.type in SETTLEMENT_TYPES:
                found = None  # "Ashby district" is not the town Ashby
            mention = mention.but(Why.WIDENED, end=end + 1, ner_label="GPE", resolution=found)
        out.append(mention)
    return out


def _slavic_unit(facts: DocumentFacts, mention: Mention) -> bool:
    found = mention.resolution
    if found is not None:
        return found.entry.country in CYRILLIC_COUNTRIES
    return looks_slavic(facts.span_text(mention.start, mention.end))


def _chains(facts: DocumentFacts, ordered: list[Mention], indexes: list[int]) -> list[list[int]]:
    """Runs of place mentions joined by commas, "and", "or" ("Ashby, Dunmore and Fenwick")."""
    chains: list[list[int]] = []
    previous: Mention | None = None
    for mention, k in zip(ordered, indexes):
        if not _placeish(mention, facts):
            previous = None
            continue
        between = [facts.token_text(i).lower() for i in range(previous.end, mention.start)] \
            if previous is not None and 0 < mention.start - previous.end <= 2 else None
        if between and all(w in JOINERS for w in between):
            chains[-1].append(k)
        else:
            chains.append([k])
        previous = mention
    return chains


def _placeish(mention: Mention, facts: DocumentFacts) -> bool:
    found = mention.resolution
    if found is not None:
        return found.entry.type in SETTLEMENT_TYPES | REGION_TYPES
    return mention.ner_label in PLACE_LABELS or _trailing_designator(facts, mention) is not None


def _trailing_designator(facts: DocumentFacts, mention: Mention) -> tuple[int, str] | None:
    """(words, singular) of a plural designator that ends an unresolved mention ("Dunmore Oblasts")."""
    if mention.resolution is not None or not facts.flags[mention.end - 1] & REGION_CUE:
        return None  # a designator ends in a REGION_CUE word
    designators = table("region_designators")
    for size in range(min(MAX_DESIGNATOR_WORDS, len(mention) - 1), 0, -1):
        written = _words(facts, mention.end - size, mention.end)
        if written in designators and written != designators[written].lower():
            return size, designators[written]
    return None


def _designator_after(facts: DocumentFacts, mention: Mention) -> str | None:
    """The singular of a plural designator right after the chain's last name ("... and Dunmore oblasts")."""
    designators = table("region_designators")
    for size in range(MAX_DESIGNATOR_WORDS, 0, -1):
        if mention.end + size <= len(facts.orths) and facts.flags[mention.end + size - 1] & REGION_CUE:
            written = _words(facts, mention.end, mention.end + size)
            if written in designators and written != designators[written].lower():
                return designators[written]
    return None


def _designator_before(facts: DocumentFacts, mention: Mention) -> str | None:
    """A designator and "of" right before the chain ("the provinces of Ashby and ...")."""
    if mention.start < 2 or facts.token_text(mention.start - 1).lower() != "of" \
            or not facts.flags[mention.start - 2] & REGION_CUE:  # a designator ends in a REGION_CUE word
        return None
    designators = table("region_designators")
    for size in range(MAX_DESIGNATOR_WORDS, 0, -1):
        start = mention.start - 1 - size
        if start >= 0 and (written := _words(facts, start, mention.start - 1)) in designators:
            return designators[written]
    return None


def _head_next_to(facts: DocumentFacts, mention: Mention) -> bool:
    """"the governor of Ashby", "Ashby governor", "Ashby's governor", "the Ashby regional council"."""
    heads, n = words("region_heads"), len(facts.orths)
    if mention.start >= 2 and facts.token_text(mention.start - 1).lower() == "of" \
            and facts.token_text(mention.start - 2).lower() in heads:
        return True
    after = [facts.token_text(i).lower() for i in range(mention.end, min(n, mention.end + 2))]
    if after[:1] and after[0] in ("'s", "’s"):
        after = after[1:]
    return bool(after) and after[0] in heads


def _words(facts: DocumentFacts, start: int, end: int) -> str:
    """The words of doc[start:end], lower case, joined by spaces, a possessive glued to its word."""
    return " ".join(facts.token_text(i).lower() for i in range(start, end)).replace(" 's", "'s").replace(" ’s", "’s")


def _region(facts: DocumentFacts, mention: Mention, designator: str, resolver: Resolver) -> Resolution | None:
    """The region of the mention's name with the designator, if the mention is a settlement of
    that name (or unresolved) and such a region exists in the same country."""
    found = mention.resolution
    if found is not None and found.entry.type not in SETTLEMENT_TYPES:
        return None
    name = facts.span_text(mention.start, mention.end)
    region = resolver.resolve(f"{name} {designator}", label="GPE")
    if region is None or region.entry.type not in REGION_TYPES:
        return None
    if found is not None and found.entry.country and region.entry.country \
            and found.entry.country != region.entry.country:
        return None
    city = [(found.entry.canonical_id, found.score)] if found is not None else []
    return Resolution(region.entry, name, region.variant_kind, region.match_kind, region.score,
                      city + [a for a in region.alternatives if a[0] not in dict(city)])
