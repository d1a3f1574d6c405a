"""Acronyms and the names they shorten: one definition for the pipeline and the corpus pass.

An acronym is two to eight capital letters (an ampersand inside: "AT&T"); a name's acronym is the
initials of its capitalized words, the small words of ``acronym_stop_words`` left out ("Bank of
the North" -> "BN"; hyphens split words).
"""
from __future__ import annotations

import re

from .words import words

ACRONYM = re.compile(r"[A-Z][A-Z&]{1,7}")


def acronym_of(form: str) -> str:
    """The initials of a name's capitalized words: "Northern Grain Cooperative" -> "NGC"."""
    kept = [w for w in form.replace("-", " ").split() if w.lower() not in words("acronym_stop_words")]
    return "".join(w[0] for w in kept if w[:1].isupper())


def stands_for(acronym: str, form: str) -> bool:
    """Is ``acronym`` (as written: "NGC", "AT&T") the acronym of the name ``form``?"""
    return bool(ACRONYM.fullmatch(acronym)) and acronym_of(form) == acronym.replace("&", "")


_IN_PARENTHESES = re.compile(r"\s*\(([^()]{2,8})\)")


def defined_after(text: str, end: int, form: str) -> str | None:
    """The acronym the text defines for the name ``form`` that ends at ``end``: "... Cooperative (NGC)"
    -> "NGC" (in parentheses right after it, and the name's acronym), else None."""
    found = _IN_PARENTHESES.match(text, end)
    return found.group(1) if found and stands_for(found.group(1), form) else None
