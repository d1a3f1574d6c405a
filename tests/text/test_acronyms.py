"""The acronym of a name (normalizer.text.acronyms), one definition for the pipeline and the corpus."""
import pytest

from normalizer.text.acronyms import acronym_of, defined_after, stands_for


@pytest.mark.parametrize(("form", "acronym"), [
    ("Northern Grain Cooperative", "NGC"),
    ("Bank of the Lower Danube", "BLD"),  # small words left out
    ("Anglo-Baltic Shipping", "ABS"),  # hyphens split words
])
def test_acronym_of(form, acronym):
    assert acronym_of(form) == acronym


@pytest.mark.parametrize(("acronym", "form", "expected"), [
    ("NGC", "Northern Grain Cooperative", True),
    ("A&B", "Atlas and Borealis", True),  # an ampersand inside stands for "and"
    ("NGc", "Northern Grain Cooperative", False),  # not all capitals
    ("N", "Northern", False),  # one letter is no acronym
    ("NG", "Northern Grain Cooperative", False),
])
def test_stands_for(acronym, form, expected):
    assert stands_for(acronym, form) is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("the Northern Grain Cooperative (NGC) said", "NGC"),
    ("the Northern Grain Cooperative(NGC) said", "NGC"),
    ("the Northern Grain Cooperative (XYZ) said", None),  # not its acronym
    ("the Northern Grain Cooperative, NGC, said", None),  # no parentheses
])
def test_defined_after(text, expected):
    form = "Northern Grain Cooperative"
    assert defined_after(text, text.index(form) + len(form), form) == expected
