"""Stage 2 of the corpus's provisional ids (:mod:`normalizer.corpus.identities`): the distinct names
of the corpus, with their counts, clustered into entities, and each cluster's id and name."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from ..text.acronyms import ACRONYM
from ..text.keys import fold, looks_slavic, slug, translit_key
from ..text.legal_forms import company_base
from ..text.name_order import family_first
from ..text.words import words as word_list
from .name_forms import (
    KIND_ORDER,
    NEW_PREFIX,
    SHORT_FORM_MATCH,
    Identity,
    Name,
    fitting,
    generation,
    given_key,
    initials,
    is_full_person,
    is_initial,
    name_words,
    same_generation,
    same_name,
    surname_key,
)


class _Clusters:
    """Union-find over names, joining always towards the smaller name, so the result is the same in any order."""

    def __init__(self, names: Iterable[Name]) -> None:
        self.parent = {name: name for name in names}

    def find(self, name: Name) -> Name:
        root = name
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[name] != root:
            self.parent[name], name = root, self.parent[name]
        return root

    def join(self, a: Name, b: Name) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            low, high = sorted((ra, rb))
            self.parent[high] = low

    def groups(self) -> dict[Name, list[Name]]:
        out: dict[Name, list[Name]] = {}
        for name in sorted(self.parent):
            out.setdefault(self.find(name), []).append(name)
        return out


def cluster(counts: Mapping[Name, int], *, acronyms: Mapping[tuple[Name, Name], int] | None = None,
            ) -> dict[Name, Identity]:
    """Stage 2: the identity of every distinct name, from the corpus's names and their counts."""
    clusters = _Clusters(counts)
    names = sorted(counts)  # every step reads them in this order: the same clusters in any order of documents
    by_key: dict[tuple[str, str], list[Name]] = {}
    for name in names:
        if not name.id and (name.kind != "person" or is_full_person(name.form)):
            by_key.setdefault((name.kind, translit_key(name.form) or fold(name.form)), []).append(name)
    for same in by_key.values():
        _join_alike(same, clusters)
    _join_kinds(names, clusters)
    _join_people(names, clusters)
    _join_companies(names, clusters)
    shorts = _join_double_surnames(names, clusters)
    _join_acronyms(acronyms or {}, clusters)
    return _identities(counts, clusters, shorts=shorts)


def _join_alike(names: list[Name], clusters: _Clusters) -> None:
    """Names of one transliteration key join when they are one name (:func:`~.name_forms.same_name`)."""
    for i, name in enumerate(names):
        for other in names[:i]:
            if same_name(name.form, other.form):
                clusters.join(other, name)


def _join_kinds(names: list[Name], clusters: _Clusters) -> None:
    """One name NER labels as different kinds in different documents ("Harbor Radio" ORG here,
    PERSON there; a name of two words or more also in another romanization, by
    :func:`~.name_forms.same_name`) is one entity: its mentions join, and the kind most of them got wins."""
    kinds: dict[str, list[Name]] = {}
    for name in names:
        if not name.id and (name.kind != "person" or is_full_person(name.form) or len(name_words(name.form)) == 1):
            key = translit_key(name.form) if len(name_words(name.form)) > 1 else ""
            kinds.setdefault(key or fold(name.form), []).append(name)
    for same in kinds.values():
        if len({n.kind for n in same}) > 1:
            _join_alike(same, clusters)


def _kind(members: list[Name], counts: Mapping[Name, int]) -> str:
    """The kind most mentions of the members' names of two words or more got (of all of them, when
    none has two: a surname NER called an organization does not outvote its person; a tie: the
    first of KIND_ORDER)."""
    several = [name for name in members if len(name_words(name.form)) > 1] or members
    written: Counter[str] = Counter({"person": 0} if not several else {})
    for name in several:
        written[name.kind] += counts[name]
    return min(written, key=lambda kind: (-written[kind], KIND_ORDER.index(kind)))


def _join_people(names: list[Name], clusters: _Clusters) -> None:
    fulls: dict[str, list[Name]] = {}
    for name in names:
        if name.kind == "person" and is_full_person(name.form):
            fulls.setdefault(surname_key(name.form), []).append(name)
    for same_surname in fulls.values():  # curated people are only there for the short forms to fit
        _join_full_names([n for n in same_surname if not n.id], clusters)
    shorts = [n for n in names if n.kind == "person" and not is_full_person(n.form)]
    orphans: dict[str, list[Name]] = {}
    for short in shorts:
        key = surname_key(short.form)
        roots = {clusters.find(f) for f in fitting(short.form, fulls.get(key, ()))}
        if len(roots) == 1:
            clusters.join(roots.pop(), short)
        elif key not in fulls:
            orphans.setdefault(key, []).append(short)
    # A one-word name NER called an organization that looks like a Slavic surname ("Verkhovsky" as
    # ORG) and fits the one person of that surname in the corpus is that person (a place's label is
    # trusted more: "Testenko" a place elsewhere stays one).
    for name in names:
        if name.kind == "org" and not name.id and len(name_words(name.form)) == 1 and looks_slavic(name.form):
            roots = {clusters.find(f) for f in fitting(name.form, fulls.get(surname_key(name.form), ()))}
            if len(roots) == 1:
                clusters.join(roots.pop(), name)
    # With no full name of that surname in the corpus, the bare surname and one set of initials are one person.
    for same in orphans.values():
        if len({initials(s.form) for s in same if len(name_words(s.form)) > 1}) <= 1:
            for i, short in enumerate(same):
                for other in same[:i]:
                    if same_name(name_words(short.form)[-1], name_words(other.form)[-1]):
                        clusters.join(other, short)


def _join_companies(names: list[Name], clusters: _Clusters) -> None:
    """A company's name without its legal form ("Fenwick") joins the company of that name with it
    ("Fenwick AG", :func:`~normalizer.text.legal_forms.company_base`) when the corpus has one such
    company only (not "Fenwick AG" and "Fenwick Inc", unless they are one already)."""
    companies: dict[str, set[Name]] = {}
    for name in names:
        base = company_base(name.form) if name.kind == "org" and not name.id else None
        if base:
            companies.setdefault(base, set()).add(name)
    if not companies:
        return
    for name in names:
        if name.kind == "org" and not name.id and fold(name.form) in companies:
            roots = {clusters.find(full) for full in companies[fold(name.form)]}
            if len(roots) == 1:
                clusters.join(roots.pop(), name)


def _join_double_surnames(names: list[Name], clusters: _Clusters) -> set[Name]:
    """A person's two family names on their own ("Rojas Medina" of "Ana Lucia Rojas Medina"), as
    Spanish and Portuguese names are shortened: a name of two words that ends one person's name of
    the corpus, and no other's, is that person; the names joined so, which are short forms. The
    person's name has four words or more, or three of which the first is a given name of the name
    list (not "Councilman Tom Rojas"); the pair is a person's, or an organization's (NER takes the
    pair for one) whose two words are both names of the list. Names written family name first are
    left out ("Kim Jong Un" does not end in a double surname)."""
    tails: dict[tuple[str, str], set[Name]] = {}
    for name in names:
        words = name_words(name.form)
        if name.kind == "person" and is_full_person(name.form) and not family_first(words) and (
                len(words) >= 4 or (len(words) == 3 and fold(words[0]) in word_list("person_names"))):
            tails.setdefault((fold(words[-2]), fold(words[-1])), set()).add(name)
    joined = set()
    for name in names:
        words = name_words(name.form)
        if name.id or len(words) != 2 or is_initial(words[0]) or not (name.kind == "person" or (
                name.kind == "org" and all(fold(w) in word_list("person_names") for w in words))):
            continue
        roots = {clusters.find(full) for full in tails.get((fold(words[0]), fold(words[1])), ())}
        if len(roots) == 1:
            clusters.join(roots.pop(), name)
            joined.add(name)
    return joined


def _join_full_names(names: list[Name], clusters: _Clusters) -> None:
    """Full names of one surname key, the most specific first ("Paul R. Nwosu" before "Paul Nwosu"):
    each joins the one group whose every name it agrees with (the given-name key, no middle names
    that differ); a name that agrees with two groups stays on its own."""
    groups: list[list[Name]] = []
    for name in sorted(names, key=lambda n: (-len(name_words(n.form)), not generation(n.form), n.form)):
        fitting = [g for g in groups if all(_same_person(name.form, other.form) for other in g)]
        if len(fitting) == 1:
            fitting[0].append(name)
            clusters.join(fitting[0][0], name)
        elif not fitting:
            groups.append([name])


def _same_person(a: str, b: str) -> bool:
    return (given_key(a) == given_key(b) and _middles_agree(a, b) and same_generation(a, b)
            and all(same_name(x, y, slavic=looks_slavic(a) and looks_slavic(b))
                    for x, y in ((name_words(a)[0], name_words(b)[0]), (name_words(a)[-1], name_words(b)[-1]))))


def _middles_agree(a: str, b: str) -> bool:
    """"Adaeze N. Okafor" and "Adaeze Okafor" may be one person; "… N. Okafor" and "… T. Okafor" not,
    nor a name with two more words than the other (two names run together: "Adaeze Okafor Bola Okafor")."""
    first, second = set(initials(a)[1:]), set(initials(b)[1:])
    return (first <= second or second <= first) and abs(len(name_words(a)) - len(name_words(b))) <= 1


def _join_acronyms(acronyms: Mapping[tuple[Name, Name], int], clusters: _Clusters) -> None:
    meanings: dict[Name, set[Name]] = {}
    for acronym, expansion in acronyms:
        if acronym in clusters.parent and expansion in clusters.parent:
            meanings.setdefault(acronym, set()).add(clusters.find(expansion))
    for acronym, roots in sorted(meanings.items()):
        if len(roots) == 1:
            clusters.join(acronym, roots.pop())


def _best(members: list[Name], counts: Mapping[Name, int], shorts: set[Name] = frozenset()) -> Name:
    def preference(name: Name) -> tuple:
        full = (name.kind != "person" or is_full_person(name.form)) and name not in shorts
        acronym = bool(ACRONYM.fullmatch(name.form))
        return (not full, acronym, -counts[name], -len(name.form), name.form)

    return min(members, key=preference)


def _identities(counts: Mapping[Name, int], clusters: _Clusters, *, shorts: set[Name] = frozenset(),
                ) -> dict[Name, Identity]:
    """Each cluster's identity; ``shorts``: names of two words or more that are short forms all the same."""
    named = []
    out: dict[Name, Identity] = {}
    for members in clusters.groups().values():
        curated = {m for m in members if m.id}
        if len(curated) == 1 and _kind([m for m in members if not m.id], counts) == "person":
            # short forms of a curated person the corpus names in full (unless most call them something else)
            person = curated.pop()
            for member in members:
                out[member] = Identity(person.id, person.form, "person", SHORT_FORM_MATCH)
            continue
        unknown = [m for m in members if not m.id] or members
        kind = _kind(unknown, counts)
        best = _best([m for m in unknown if m.kind == kind], counts, shorts)
        named.append((f"{NEW_PREFIX}:{kind}:{slug(best.form) or 'unnamed'}", best.form, kind, members))
    taken: Counter[str] = Counter()
    for base, shown, kind, members in sorted(named, key=lambda n: (n[0], n[3])):
        taken[base] += 1
        identity = Identity(base if taken[base] == 1 else f"{base}-{taken[base]}", shown, kind)
        for member in members:
            out[member] = identity
    return out
