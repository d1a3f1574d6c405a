"""Find the mentions of a document: NER spans and curated names, merged, then resolved.

1. NER spans with a wanted label are cleaned (article, possessive, separators) and dropped
   when they lie in a menu line or are all lower-case and unknown to the gazetteer.
2. Curated names are found in the text, longest first, where NER missed or mislabeled them;
   weak names never, acronyms only in capitals, proper names only capitalized.
3. Conflicts: the longer span wins ("Kharkov region" over NER's "Kharkov"); a curated name
   inside a PERSON span is dropped ("Lloyd Austin"); inside another unresolved NER span it is
   dropped too (nested names are not annotated), except after a plural head with "of"
   ("the Republics of Donetsk").
4. Place spans NER got wrong are repaired on the text's evidence (``place_spans``): places it
   mislabeled or missed ("Gainesville, Fla.", "near Greer", datelines), names it cut short.
5. Resolution, twice: the second pass re-ranks ambiguous names with what the first resolved and
   with the document's other clues (place names inside its organizations' names, its
   nationality words); then one sense per discourse, and place spans that are people.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from itertools import accumulate, compress

from spacy.attrs import ORTH
from spacy.tokens import Doc

from ..gazetteer.names import NameIndex
from ..gazetteer.schema import PLACE_LABELS
from ..text.keys import case_compatible, fold, translit_key
from . import place_spans, toponyms
from .document_context import DocumentContext
from .facts import DocumentFacts
from .inner_names import InnerNames
from .mention import FOLLOWING_CHARS, Mention, Why
from .resolve import MISLABELED_PLACE_LABELS, Context, Resolution, Resolver
from .rules import (
    LEADING_WORDS,
    SEPARATORS,
    _is_filler,
    _separates,
    after_titles,
    clean_pieces,
    coordinated_head,
    has_running_words,
    in_ranges,
    is_demonym,
    is_title_part,
    looks_like_proper_name,
)

POSSESSIVES = ("'s", "’s")
CONTEXT_PASSES = 2  # re-resolution rounds with the document's context
INSTITUTION_LABELS = frozenset({"ORG", "FAC"})  # names whose place names are context ("Enfield Council")


def find_mentions(doc: Doc, resolver: Resolver, *, labels: frozenset[str]) -> list[Mention]:
    """All entity mentions of the document, resolved where possible, in text order.

    The stages run in this order, each taking the document's facts and the mentions so far and
    returning new mentions (the module docstring says what each does).
    """
    facts = DocumentFacts(doc)
    places = bool(labels & PLACE_LABELS) and resolver.world is not None
    ner = ner_mentions(facts, resolver.index, labels=labels)
    if places:
        ner = place_spans.with_datelines(facts, ner, resolver.world)
    mentions = merge(facts, ner, scan_names(facts, resolver.index), resolver)
    if places:
        mentions = place_spans.relabel_places(facts, mentions, resolver)
        mentions = place_spans.widen_place_names(facts, mentions, resolver.world)
        mentions = place_spans.with_abbreviated_containers(facts, mentions)
    mentions = resolve_mentions(facts, mentions, resolver)
    mentions = not_entities(facts, mentions, resolver)
    mentions = place_spans.people_not_places(facts, mentions, resolver)
    kept = [m for m in mentions if _keep(doc, m) and m.label in labels]
    return [place_spans.take_abbreviation_period(facts, m) for m in kept]


def ner_mentions(facts: DocumentFacts, index: NameIndex, *, labels: frozenset[str]) -> list[Mention]:
    """NER's spans with a wanted label (and those NER often gives places), cleaned, outside menu
    lines, a person's titles left out, all-lowercase ones only when the gazetteer knows them."""
    doc, text = facts.doc, facts.text
    wanted = labels | MISLABELED_PLACE_LABELS if labels & PLACE_LABELS else labels
    ner = []
    edges = None  # _edge_code of every token, read at the first wanted span
    for ent in doc.ents:
        label = ent.label_
        if label not in wanted or in_ranges(ent.start_char, ent.end_char, facts.junk):
            continue
        if edges is None:
            edges = toponyms.word_codes(doc, _edge_code)
        whole = text[ent.start_char : ent.end_char]
        for start, end in _pieces(doc, ent.start, ent.end, edges, whole):
            if label == "PERSON":
                start = after_titles(doc, start, end)
            if (start, end) == (ent.start, ent.end):
                written = whole
            else:
                last = doc[end - 1]
                written = text[doc[start].idx : last.idx + len(last)]  # doc[start:end].text
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
    return code | _SPLITS if _separates(word) else code


def _pieces(doc: Doc, start: int, end: int, edges: list[int], written: str) -> list[tuple[int, int]]:
    """``rules.clean_pieces(doc[start:end])`` (its text: ``written``): without reading the span's tokens
    when nothing splits it and its first and last words stay (most spans), else by clean_pieces itself."""
    if edges[start] & _TRIM_START or edges[end - 1] & _TRIM_END or max(edges[start:end]) >= _SPLITS:
        return clean_pieces(doc[start:end])
    return [(start, end)] if any(c.isalpha() for c in written) else []


def scan_names(facts: DocumentFacts, index: NameIndex) -> list[Mention]:
    """Curated, free-matchable names in the text outside menu lines: longest match at each start, no overlaps."""
    doc, text = facts.doc, facts.text
    hits: list[Mention] = []
    limit = index.max_words * 2 + 1
    for i in name_starts(doc, index):
        if hits and i < hits[-1].end:
            continue
        best, first = None, doc[i].idx
        for end in range(i + 1, min(len(doc), i + limit) + 1):
            last = doc[end - 1]
            if (last.is_space and "\n\n" in last.text) or last.text in SEPARATORS:
                break  # a name does not run across a paragraph, a comma or a slash
            written = text[first : last.idx + len(last)]
            key, skeleton = fold(written), translit_key(written)
            if key not in index.prefixes and skeleton not in index.prefixes:
                break
            if last.lower_ in POSSESSIVES or not any(c.isalnum() for c in last.text):
                continue
            names = index.free.get(key) or _one_entry(index.free_translit.get(skeleton))
            if names and any(case_compatible(n.variant.name, written) for n in names):
                best = end
        if best is not None:
            hits.append(Mention(i, best, None, from_gazetteer=True))
    return [m for m in hits if not in_ranges(*_chars(doc, m), facts.junk)]


def name_starts(doc: Doc, index: NameIndex) -> list[int]:
    """The tokens where ``scan_names`` can find a name, in order: exactly those its first step does not
    reject (a word or a number, capitalized unless a number, whose own fold key or skeleton begins a
    free name: ``NameIndex.can_start``). Remembered per word of the vocabulary (``NameIndex.start_words``),
    so a document costs one array of word ids and a look-up per token."""
    orths = doc.to_array(ORTH).tolist()
    known = index.start_words(doc.vocab)
    starts = list(map(known.get, orths))
    if None in starts:  # words not met before
        for i, start in enumerate(starts):
            if start is None:
                orth = orths[i]
                if orth not in known:
                    lexeme = doc.vocab[orth]
                    known[orth] = index.can_start(lexeme.orth_, is_alpha=lexeme.is_alpha, like_num=lexeme.like_num)
                starts[i] = known[orth]
    return list(compress(range(len(orths)), starts))


def _one_entry(names):
    """Transliteration-key hits count in free text only when they point to a single entry."""
    if names and len({n.entry.canonical_id for n in names}) == 1:
        return names
    return None


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
            elif n.ner_label == "PERSON" or resolver.resolve(doc[n.start:n.end].text, label=n.ner_label):
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
    doc = facts.doc
    spans = [doc[m.start : m.end] for m in mentions]
    written = [span.text for span in spans]
    following = [facts.following(m.start, m.end, FOLLOWING_CHARS) for m in mentions]
    preceding = [facts.preceding(m.start, FOLLOWING_CHARS) for m in mentions]
    keys = [fold(w) for w in written]
    resolutions: list[Resolution | None] = [None] * len(mentions)  # this stage's working state
    generics = {key: any(n.variant.kind == "generic" for n in resolver.index.by_fold.get(key, ())) for key in keys}

    def resolve(i: int, context: Context | None) -> Resolution | None:
        mention = mentions[i]
        generic = generics[keys[i]]
        return resolver.resolve(
            written[i],
            label=mention.ner_label,
            from_ner=mention.ner_label is not None,
            cue_country=_cue_country(doc, mentions, resolutions, i) if generic else None,
            context=context,
            following=following[i],
            preceding=preceding[i],
        )

    for i in range(len(mentions)):
        resolutions[i] = resolve(i, None)
    inside = _names_inside_organizations(facts, mentions, resolutions, resolver) if resolver.world else []
    document = DocumentContext(resolver, mentions, keys, written, inside=inside, nationalities=facts.nationalities)
    for i, found in enumerate(resolutions):
        document.update(i, found)
    for _ in range(CONTEXT_PASSES):
        contexts: dict[str, Context] = {}
        for i in range(len(mentions)):
            found = resolutions[i]
            if not found or not (found.alternatives or resolver.world is not None):
                continue
            if keys[i] not in contexts:  # what the *other* names of the document say, as resolved so far
                contexts[keys[i]] = document.leaving_out(keys[i])
            resolutions[i] = resolve(i, contexts[keys[i]])
            document.update(i, resolutions[i])
    # The best-informed mention decides: one followed by its state or country ("Paris, Illinois"),
    # then one NER tagged as a place, then the surest.
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
        else:
            out.append(mention.but(resolution=found))
    return out


def not_entities(facts: DocumentFacts, mentions: list[Mention], resolver: Resolver) -> list[Mention]:
    """Unresolved mentions an analyst recorded as no entity (``not:`` without an id) lose their label."""
    if not resolver.not_entities:
        return mentions
    out = []
    for mention in mentions:
        if mention.resolution is None and resolver.is_not_entity(
            facts.doc[mention.start : mention.end].text, mention.ner_label,
            before=facts.preceding(mention.start, FOLLOWING_CHARS),
            after=facts.following(mention.start, mention.end, FOLLOWING_CHARS),
        ):
            mention = mention.but(ner_label=None)  # _keep drops it
        out.append(mention)
    return out


def _names_inside_organizations(
    facts: DocumentFacts, mentions: list[Mention], resolutions: list[Resolution | None], resolver: Resolver,
) -> list[str]:
    """Place names inside unresolved organization and facility names ("Enfield" in "Enfield
    Council"): where the document's institutions are says where the story is. Context only; they
    are mentions of their own only under the geoparsing conventions (geoparse.py)."""
    finder = InnerNames(resolver)
    doc = facts.doc
    names = []
    for mention, found in zip(mentions, resolutions):
        if found is None and mention.ner_label in INSTITUTION_LABELS:
            span = doc[mention.start : mention.end]
            names.extend(finder.names_inside(doc, span, person_parts=facts.person_parts, lowered=facts.lowered))
    return names


def _cue_country(doc: Doc, mentions: list[Mention], resolutions: list[Resolution | None], i: int) -> str | None:
    """The country a generic name ("Defense Ministry") belongs to: "Russia's ..." or "... of Russia"."""
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


def _keep(doc: Doc, mention: Mention) -> bool:
    if mention.resolution:
        return True
    if mention.ner_label is None:
        return False
    span = doc[mention.start : mention.end]
    if mention.ner_label == "PERSON":
        return True
    return not (is_demonym(span) or (mention.ner_label == "ORG" and is_title_part(span)))


def _chars(doc: Doc, mention: Mention) -> tuple[int, int]:
    span = doc[mention.start : mention.end]
    return span.start_char, span.end_char
