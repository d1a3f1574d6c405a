"""A company's legal form at the end of its name ("Corp", "Ltd", "GmbH", "Oyj"): one definition for
the pipeline (a person's span ending in one is a company; a company's short name is no town) and
for the provisional ids (the name without it is the same company: "Fenwick" and "Fenwick AG")."""
from __future__ import annotations

from .keys import fold
from .words import words


def is_legal_form(word: str) -> bool:
    """Is ``word`` as written a company's legal form (``company_designators``), capitalized, maybe with
    its period ("Inc.")?"""
    return word[:1].isupper() and word.lower().rstrip(".") in words("company_designators")


def company_base(name: str) -> str | None:
    """The folded name without its trailing legal form ("Ashby Motor Corp." -> "ashby motor"; a comma
    before it goes too), or None for a name that does not end in one or is nothing else."""
    parts = name.split()
    if len(parts) < 2 or not is_legal_form(parts[-1]):
        return None
    return fold(" ".join(parts[:-1]).rstrip(",")) or None
