"""A company's legal form at the end of its name, on our own names."""
import pytest

from normalizer.text.legal_forms import company_base, is_legal_form


@pytest.mark.parametrize(("word", "expected"), [
    ("Ltd", True), ("Ltd.", True), ("Inc.", True), ("GmbH", True), ("PLC", True), ("Oyj", True),
    ("ltd", False),  # a legal form is capitalized
    ("Bank", False), ("Group", False), ("Sa", False),  # "Sá" is a surname; "SA" is left out with it
])
def test_is_legal_form(word, expected):
    assert is_legal_form(word) is expected


@pytest.mark.parametrize(("name", "expected"), [
    ("Ashby Motor Corp.", "ashby motor"),
    ("Fenwick, Inc.", "fenwick"),
    ("Fenwick AG", "fenwick"),
    ("Fenwick Bank", None),
    ("Ltd", None),  # nothing but the legal form
    ("Fenwick", None),
])
def test_company_base(name, expected):
    assert company_base(name) == expected
