"""Analysts' judgements that stick: "this name is not that entry", "this name is no entity".

Written in the gazetteer YAML (parsed in ``schema.py``):

* in an entry, ``not: [Lyman, {name: Lyman, label: PERSON}, {name: Washington, context: Washington said}]``:
  the name (in that NER label, in that context) is not this entry;
* as an item without id, ``- not: [Stockpix Images]``: the name is not an entity at all.

A judgement covers a mention when the names are the same up to case, accents and romanization
(the ``fold`` or ``translit_key`` of ``normalizer/text/keys.py``), its ``label`` (if any) is NER's
label of the mention, and its ``context`` (if any) is the text around the mention: the words the
context has before the name end the text before the mention, the words after it start the text
after. Pure functions, no I/O: the resolver and ``suggest`` both use them.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from ..text.keys import fold, translit_key
from .schema import Entry, Rejection

_APOSTROPHES = re.compile(r"[’‘ʼʹ`´ʻ′]")
_SPACES = re.compile(r"\s+")


def same_name(judged: str, written: str) -> bool:
    """Is ``written`` the judged name, up to case, accents, punctuation and romanization?"""
    if fold(judged) == fold(written):
        return True
    skeleton = translit_key(judged)
    return bool(skeleton) and skeleton == translit_key(written)


def _squash(text: str) -> str:
    return _SPACES.sub(" ", _APOSTROPHES.sub("'", text)).casefold()


def context_matches(context: str, name: str, *, before: str, after: str) -> bool:
    """Do the words around ``name`` in ``context`` stand around the mention?

    ``context="Washington said"`` matches a mention with ``after`` starting " said ...".
    """
    found = re.search(re.escape(name), context, re.IGNORECASE)
    if found is None:  # the schema refuses such a context; be safe anyway
        return False
    head, tail = _squash(context[: found.start()]), _squash(context[found.end():])
    return _squash(before).endswith(head) and _squash(after).startswith(tail)


def covers(rejection: Rejection, text: str, label: str | None, *, before: str = "", after: str = "") -> bool:
    """Does this one judgement apply to a mention written ``text`` that NER labelled ``label``?"""
    if not same_name(rejection.name, text):
        return False
    if rejection.label is not None and rejection.label != label:
        return False
    if rejection.context is not None:
        return context_matches(rejection.context, rejection.name, before=before, after=after)
    return True


def is_rejected(entry: Entry, text: str, label: str | None, *, before: str = "", after: str = "") -> bool:
    """True when an analyst recorded that this mention is not ``entry`` (its ``not:`` list).

    ``label`` is NER's label of the mention (None for a name found in running text);
    ``before``/``after`` are some text on either side of it (40 characters are plenty).
    """
    return any(covers(r, text, label, before=before, after=after) for r in entry.rejected)


def is_not_entity(
    judgements: Iterable[Rejection], text: str, label: str | None, *, before: str = "", after: str = ""
) -> bool:
    """True when an id-less ``- not: [...]`` item says this mention is no entity at all."""
    return any(covers(r, text, label, before=before, after=after) for r in judgements)


def rejection_for(entry: Entry, text: str, label: str | None, *, before: str = "", after: str = "") -> Rejection | None:
    """The first judgement of ``entry`` that covers the mention (to explain it), else None."""
    return next((r for r in entry.rejected if covers(r, text, label, before=before, after=after)), None)
