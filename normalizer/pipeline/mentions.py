"""Find the mentions of a document: NER spans and curated names, merged, then resolved.

1. NER spans with a wanted label are cleaned (article, possessive, separators), split when they
   list names the gazetteer knows ("Reuters and AFP", ``name_lists``), and dropped when they lie
   in a menu line or are all lower-case and unknown to the gazetteer. Then, in this order: the
   agency of a wire dateline is an organization ("ASHBY (Acme) -", ``agencies``), a credit line's
   names are people (``bylines``), NER spans over hyphenated compounds give way to the names
   inside ("pro-[Lisbon]", ``compounds``), a possessive splits a span (``possessives``), a place
   NER joined to a job title is a place ("[Ashby] Treasury Secretary", ``title_places``) and an
   organization joined to its event the organization ("[HL] Summit", ``events``).
2. Curated names are found in the text, longest first, where NER missed or mislabeled them;
   weak names never, acronyms only in capitals, proper names only capitalized.
3. Conflicts: the longer span wins ("Tartu County" over NER's "Tartu"); a curated name
   inside a PERSON span is dropped ("Dana Lincoln"); inside another unresolved NER span it is
   dropped too (nested names are not annotated), except after a plural head with "of"
   ("the Provinces of Tartu and Oulu").
4. Place spans NER got wrong are repaired on the text's evidence (``place_spans``): places it
   mislabeled or missed ("Paducah, Ky.", "near Oulu", datelines), names it cut short or took a
   settlement's word into ("[Ashby City] Manager"); then
   people's names NER missed or called organizations (``surnames``); a person's span ending in a
   company's legal form is the company ("Ashby Oyj", ``companies``), and a place span ending in an
   institution's head word the institution ("Ashby City Council", ``institutions``).
5. Resolution, twice: the second pass re-ranks ambiguous names with what the first resolved and
   with the document's other clues (place names inside its organizations' names, its
   nationality words); a company's short name the world layer took for a town is the company again
   ("Ashby" beside "Ashby Ltd", ``companies``); a name NER called a person's or an organization's that is a
   town near the document's towns is that town (``nearby``); acronyms the text defines (``acronyms``); then
   one sense per discourse, and place spans that are people.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import accumulate

from spacy.tokens import Doc
from spacy.vocab import Vocab

from ..gazetteer.names import NameIndex
from ..gazetteer.schema import PLACE_LABELS
from ..text.keys import fold
from . import (  # noqa: F401  (toponyms: tests/pipeline/test_mentions.py reads it here)
    acronyms,
    agencies,
    bylines,
    compounds,
    events,
    place_edges,
    place_spans,
    possessives,
    title_places,
    toponyms,
)
from .companies import companies_not_people, companies_not_towns
from .document_context import DocumentContext
from .facts import DocumentFacts
from .inner_names import InnerNames
from .institutions import institutions_not_places
from .mention import FOLLOWING_CHARS, Mention, Why
from .name_lists import listed_names
from .name_scan import scan_names
from .nearby import nearby_towns
from .region_readings import region_readings, town_readings, with_designators
from .resolve import MISLABELED_PLACE_LABELS, Context, Resolution, Resolver
from .rules import (
    LEADING_WORDS,
    MAY_SPLIT,
    _is_filler,
    after_place_part,
    after_titles,
    before_titles,
    clean_pieces,
    coordinated_head,
    has_running_words,
    in_ranges,
    looks_like_proper_name,
    nationality_description,
    no_entity_word,
    separates,
    through_capitalized_word,
    with_title_article,
)
from .surnames import untagged_surnames
from .titled_people import titled_people
from .twin_names import split_twin_names
from .word_flags import remembered

POSSESSIVES = ("'s", "’s")
CONTEXT_PASSES = 2  # re-resolution rounds with the document's context
INSTITUTION_LABELS = frozenset({"ORG", "FAC"})  # names whose place names are context ("Brackwell Council")
PART_OF_PLACE_LABELS = frozenset({"GPE", "LOC"})  # spans that may begin with a part of the place: "east of Ashby"


def find_mentions(doc: Doc, resolver: Resolver, *, labels: frozenset[str],
                  facts: DocumentFacts | None = None) -> list[Mention]:
    """All entity mentions of the document, resolved where possible, in text order.

    The stages run in this order, each taking the document's facts (``facts``, if the caller has
    them already) and the mentions so far and returning new mentions (the module docstring says
    what each does).
    """
    facts = DocumentFacts(doc) if facts is None else facts
    places = bool(labels & PLACE_LABELS) and resolver.world is not None
    ner = ner_mentions(facts, resolver.index, labels=labels)
    if places:
        ner = place_spans.with_datelines(facts, ner, resolver.world)
    ner = bylines.with_bylines(facts, agencies.with_agencies(facts, ner, resolver))
    ner = compounds.split_compounds(facts, ner, resolver)
    ner = possessives.split_possessives(facts, ner, resolver)
    ner = events.organizations_of_events(facts, title_places.places_in_titles(facts, ner, resolver), resolver)
    mentions = merge(facts, ner, scan_names(facts, resolver.index), resolver)
    mentions = titled_people(facts, mentions) if "PERSON" in labels else mentions
    mentions = institutions_not_places(facts, companies_not_people(facts, mentions))
    if places:
        mentions = place_spans.relabel_places(facts, mentions, resolver)
        mentions = place_edges.widen_place_names(facts, mentions, resolver.world)
        mentions = place_edges.without_settlement_word(facts, mentions, resolver)
        mentions = place_spans.with_abbreviated_containers(facts, mentions)
    mentions = untagged_surnames(facts, mentions, resolver.index) if "PERSON" in labels else mentions
    mentions = companies_not_towns(facts, resolve_mentions(facts, mentions, resolver))
    mentions = acronyms.defined_acronyms(facts, mentions)
    if labels & PLACE_LABELS:
        mentions = split_twin_names(facts, mentions, resolver)
        mentions = with_designators(facts, mentions, resolver)
        mentions = region_readings(facts, mentions, resolver)
        mentions = town_readings(facts, mentions, resolver)
    if places:
        mentions = nearby_towns(facts, mentions, resolver)
    mentions = not_entities(facts, mentions, resolver)
    mentions = place_spans.people_not_places(facts, mentions, resolver)
    kept = [m for m in mentions if _keep(facts, m) and m.label in labels]
    return [place_edges.take_abbreviation_period(facts, m) for m in kept]


def ner_mentions(facts: DocumentFacts, index: NameIndex, *, labels: frozenset[str]) -> list[Mention]:
    """NER's spans with a wanted label (and those NER often gives places), cleaned, outside menu
    lines, a person's titles left out, all-lowercase ones only when the gazetteer knows them."""
    doc, text = facts.doc, facts.text
    wanted = labels | MISLABELED_PLACE_LABELS if labels & PLACE_LABELS else labels
    ner = []
    edges = _EdgeCodes(doc.vocab, facts.orths)  # read at the edges of the wanted spans only
    for ent in facts.ents:
        label = ent.label_
        if label not in wanted or in_ranges(ent.start_char, ent.end_char, facts.junk):
            continue
        whole = text[ent.start_char : ent.end_char]
        pieces = _pieces(doc, ent.start, ent.end, edges, whole, line_breaks=not facts.wrapped)
        if len(pieces) > 1 and fold(facts.span_text(pieces[0][0], pieces[-1][1])) in index.by_fold:
            pieces = [(pieces[0][0], pieces[-1][1])]  # a name with its separator inside: "RFE/RL"
        for start, end in (part for piece in pieces for part in listed_names(facts, index, *piece)):
            if label == "PERSON":
                start = after_titles(doc, start, end)
                end = before_titles(doc, start, end)
                end = through_capitalized_word(doc, end) if end == ent.end else end
            elif label in PART_OF_PLACE_LABELS:
                start = after_place_part(doc, start, end)
            if label == "ORG":
                start = with_title_article(doc, start)
            written = whole if (start, end) == (ent.start, ent.end) else facts.span_text(start, end)
            if looks_like_proper_name(written) or fold(written) in index.by_fold:
                ner.append(Mention(start, end, label))
    return ner


# What a word is at the edge of an NER span (rules.clean_pieces): one that is trimmed off the start, off
# the end, or that splits the span (a separator or paragraph break: trimmed off both, so the highest code).
_TRIM_START, _TRIM_END, _SPLITS = 1, 2, 4
_TRIMMED_AT_END = ("'s", "’s", "'", "’")  # rules._trim


def _edge_code(word) -> int:
    """What ``rules.clean_pieces`` does with this word (a Lexeme) at the edges or inside a span."""
    filler = _is_filler(word)
    code = _TRIM_START if filler or word.lower_ in LEADING_WORDS else 0
    code |= _TRIM_END if filler or word.lower_ in _TRIMMED_AT_END else 0
    return code | _SPLITS if separates(word) or word.text in MAY_SPLIT else code  # a bracket or a dash may split


class _EdgeCodes(Sequence[int]):
    """``_edge_code`` of each token of a document (its word ids: ``orths``), computed for the tokens read and
    remembered per word of the vocabulary (``word_flags.remembered``)."""

    def __init__(self, vocab: Vocab, orths: list[int]) -> None:
        self._vocab, self._orths, self._known = vocab, orths, remembered(vocab, _edge_code)

    def __len__(self) -> int:
        return len(self._orths)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self._code(orth) for orth in self._orths[i]]
        return self._code(self._orths[i])

    def _code(self, orth: int) -> int:
        code = self._known.get(orth)
        if code is None:
            code = self._known[orth] = _edge_code(self._vocab[orth])
        return code


def _pieces(doc: Doc, start: int, end: int, edges: Sequence[int], written: str, *,
            line_breaks: bool = True) -> list[tuple[int, int]]:
    """``rules.clean_pieces(doc[start:end], line_breaks=...)`` (its text: ``written``): without reading the
    span's tokens when nothing splits it and its first and last words stay (most spans), else by clean_pieces."""
    codes = edges[start:end]
    if codes[0] & _TRIM_START or codes[-1] & _TRIM_END or max(codes) >= _SPLITS:
        return clean_pieces(doc[start:end], line_breaks=line_breaks)
    return [(start, end)] if any(map(str.isalpha, written)) else []


def merge(facts: DocumentFacts, ner: list[Mention], found: list[Mention], resolver: Resolver) -> list[Mention]:
    """NER spans and curated-name hits together: the longer wins, a hit inside a PERSON or another
    unresolved NER span goes. ``found`` is sorted and without overlaps (scan_names), so the hits
    overlapping a span are found by bisection: linear in the document's length."""
    doc = facts.doc
    keep_found = {id(g): True for g in found}
    ends = [g.end for g in found]  # increasing, as the hits are sorted and do not overlap
    out = []
    for n in ner:
        keep = True
        i = bisect_right(ends, n.start)  # the first hit that ends after the span starts
        while i < len(found) and found[i].start < n.end:
            g = found[i]
            i += 1
            if g.same(n):
                n = n.but(from_gazetteer=True)
                keep_found[id(g)] = False
            elif g.contains(n) or (not n.contains(g) and len(g) > len(n)):
                keep = False
            elif n.ner_label == "PERSON" or resolver.resolve(facts.span_text(n.start, n.end), label=n.ner_label):
                keep_found[id(g)] = False
            else:
                head = coordinated_head(doc[n.start:n.end])
                if (head is not None and g.start >= head) or has_running_words(doc[n.start:n.end]):
                    keep = False
                else:
                    keep_found[id(g)] = False
        if keep:
            out.append(n)
    kept = sorted((m.start, m.end) for m in out)
    starts = [start for start, _ in kept]
    furthest = list(accumulate((end for _, end in kept), max))  # the furthest end among the first k spans
    last_end = -1  # of the hits taken so far
    for g in found:
        before = bisect_left(starts, g.end)  # spans that start before the hit ends
        if keep_found[id(g)] and not (before and furthest[before - 1] > g.start) and last_end <= g.start:
            out.append(g)
            last_end = g.end
    return sorted(out, key=lambda m: m.start)


def resolve_mentions(facts: DocumentFacts, mentions: list[Mention], resolver: Resolver) -> list[Mention]:
    """Resolve without context, then ``CONTEXT_PASSES`` times again with what the other names of the
    document say; then one sense per discourse: mentions written the same way take the
    best-informed resolution among them."""
    doc, text, starts, ends = facts.doc, facts.text, facts.starts, facts.ends
    bounds = [(starts[m.start], ends[m.end - 1]) for m in mentions]  # as facts.span_text, following, preceding
    written, following, preceding = ([text[first:last] for first, last in bounds],
                                     [text[last : last + FOLLOWING_CHARS] for _, last in bounds],
                                     [text[max(0, first - FOLLOWING_CHARS) : first] for first, _ in bounds])
    keys = [fold(w) for w in written]
    readings = [resolver.reading(*around) for around in zip(written, following, preceding)]
    resolutions: list[Resolution | None] = [None] * len(mentions)  # this stage's working state
    generics = {k: any(n.variant.kind == "generic" for n in resolver.index.by_fold.get(k, ())) for k in set(keys)}
    cues: list[str | None] = [None] * len(mentions)  # the cue country each mention was last resolved with

    def resolve(i: int, context: Context | None, done: dict[tuple, Resolution | None]) -> Resolution | None:
        """Mention ``i`` with ``context``, once per pass (``done``) for mentions of the same text, label, cue and
        reading (a name's mentions share a pass's context); each gets its own object (``_one_sense``)."""
        label = mentions[i].ner_label
        asked = (written[i], label, cues[i], readings[i])
        if asked in done:
            return None if done[asked] is None else done[asked].copy()
        done[asked] = resolver.resolve(written[i], label=label, from_ner=label is not None, cue_country=cues[i],
                                       context=context, following=following[i], preceding=preceding[i])
        return done[asked]

    first: dict[tuple, Resolution | None] = {}  # the pass without context's resolutions, by what they were asked
    for i in range(len(mentions)):
        cues[i] = _cue_country(doc, mentions, resolutions, i) if generics[keys[i]] else None
        resolutions[i] = resolve(i, None, first)
    inside = _names_inside_organizations(facts, mentions, resolutions, resolver) if resolver.world else []
    document = DocumentContext(resolver, mentions, keys, written, inside=inside, nationalities=facts.nationalities)
    document.tally(resolutions)
    taken: dict[str, tuple[Context, int]] = {}  # per name: the context it was last given, and its version
    for _ in range(CONTEXT_PASSES):
        same: dict[str, bool] = {}  # per name reached in this pass: is its context the one of the last pass?
        done: dict[tuple, Resolution | None] = {}  # this pass's resolutions, by what they were asked
        for i in range(len(mentions)):
            found, key = resolutions[i], keys[i]
            if not found or (not generics[key] and resolver.settled(found, mentions[i].ner_label)):
                continue  # no context can change it
            if key not in same:  # what the *other* names of the document say, as resolved so far
                version = document.version(key)
                same[key] = key in taken and taken[key][1] == version
                if not same[key]:
                    taken[key] = (document.leaving_out(key), version)
            cue = _cue_country(doc, mentions, resolutions, i) if generics[key] else None
            if same[key] and cue == cues[i]:
                continue  # resolved in the last pass with this very context and cue: the same again
            cues[i] = cue
            resolutions[i] = resolve(i, taken[key][0], done)
            document.update(i, resolutions[i])
    return _one_sense(mentions, keys, resolutions, following, resolver)


def _one_sense(mentions: list[Mention], keys: list[str], resolutions: list[Resolution | None], following: list[str],
               resolver: Resolver) -> list[Mention]:
    """The mentions with their resolutions, one sense per discourse: the best-informed world-layer
    resolution of a name decides for all its mentions, one followed by its state or country
    ("Dover, Delaware") first, then one NER tagged as a place, then the surest."""
    best: dict[str, tuple[bool, bool, float, Resolution]] = {}
    for i, (mention, key) in enumerate(zip(mentions, keys)):
        found = resolutions[i]
        if found and found.variant_kind == "geonames":
            located = bool(resolver.world.containers(following[i])) if resolver.world is not None else False
            rank = (located, mention.ner_label in PLACE_LABELS, found.score, found)
            if key not in best or rank[:3] > best[key][:3]:
                best[key] = rank
    out = []
    for mention, key, found in zip(mentions, keys, resolutions):
        if found and found.variant_kind == "geonames" and best[key][3] is not found:
            out.append(mention.but(Why.ONE_SENSE, resolution=best[key][3]))
        elif found is mention.resolution:
            out.append(mention)  # a value: nothing to change
        else:
            out.append(mention.but(resolution=found))
    return out


def not_entities(facts: DocumentFacts, mentions: list[Mention], resolver: Resolver) -> list[Mention]:
    """Unresolved mentions an analyst recorded as no entity (``not:`` without an id) lose their label."""
    if not resolver.not_entities:
        return mentions
    return [m.but(ner_label=None) if m.resolution is None and resolver.is_not_entity(  # _keep drops it
        facts.span_text(m.start, m.end), m.ner_label, before=facts.preceding(m.start, FOLLOWING_CHARS),
        after=facts.following(m.start, m.end, FOLLOWING_CHARS)) else m for m in mentions]


def _names_inside_organizations(
    facts: DocumentFacts, mentions: list[Mention], resolutions: list[Resolution | None], resolver: Resolver,
) -> list[str]:
    """Place names inside unresolved organization and facility names ("Brackwell" in "Brackwell
    Council"): where the document's institutions are says where the story is. Context only; they
    are mentions of their own only under the geoparsing conventions (geoparse.py)."""
    finder, names, starts, ends = InnerNames(resolver), [], facts.starts, facts.ends
    seen: dict[tuple, list[str]] = {}  # per organization name met (its text and tokens): the names inside
    for mention, found in zip(mentions, resolutions):
        if found is None and mention.ner_label in INSTITUTION_LABELS:
            start, end, first = mention.start, mention.end, starts[mention.start]
            written = (facts.span_text(start, end), *(starts[i] - first for i in range(start, end)),
                       *(ends[i] - first for i in range(start, end)))
            if written not in seen:
                seen[written] = finder.names_in(facts, start, end)
            names.extend(seen[written])
    return names


def _cue_country(doc: Doc, mentions: list[Mention], resolutions: list[Resolution | None], i: int) -> str | None:
    """The country a generic name ("Health Ministry") belongs to: "Norway's ..." or "... of Norway"."""
    mention = mentions[i]
    for k in range(max(0, i - 1), min(len(mentions), i + 2)):
        other, found = mentions[k], resolutions[k]
        if k == i or not found or found.entry.type != "country":
            continue
        between = doc[other.end : mention.start].text.strip() if other.end <= mention.start else None
        after = doc[mention.end : other.start].text.strip() if mention.end <= other.start else None
        if between in POSSESSIVES or between == "" or after == "of":
            return found.entry.country
    return None


def _keep(facts: DocumentFacts, mention: Mention) -> bool:
    """Is the mention kept: resolved, or an NER span that is an entity (``rules.no_entity``, its tests of
    a one-word span only on one: no Span made for the others); never an organization described by a
    nationality word and lower-case words (``rules.nationality_description``)?"""
    start, end = mention.start, mention.end
    if mention.label == "ORG" and end - start > 1 and nationality_description(facts.span_text(start, end)):
        return False  # "the Norwegian defence ministry": a description, resolved or not
    if mention.resolution:
        return True
    if mention.ner_label is None:
        return False
    if not looks_like_proper_name(facts.span_text(start, end)):
        return False  # a description in lower case
    return end - start > 1 or not no_entity_word(facts.doc[start:end], mention.ner_label)
