"""Text preparation: lone surrogates, invisible format characters and long-text pieces, offsets kept true."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalizer.text.prepare import (
    REPLACEMENT,
    piece_bounds,
    repair_surrogates,
    visible,
    without_format_characters,
)

FORMAT_CHARACTERS = ["\u200b", "\u200c", "\u200d", "\u00ad", "\u2060", "\ufeff", "\u202e", "\u202c", "\u2066",
                     "\u200e"]


@pytest.mark.parametrize(("text", "expected", "count"), [
    ("plain", "plain", 0),
    ("Lviv \ud800 market", f"Lviv {REPLACEMENT} market", 1),
    ("\udfff\ud83d", REPLACEMENT * 2, 2),
    ("an emoji 🙂 is no surrogate", "an emoji 🙂 is no surrogate", 0),
])
def test_repair_surrogates_keeps_length(text, expected, count):
    repaired, replaced = repair_surrogates(text)
    assert (repaired, replaced) == (expected, count)
    assert len(repaired) == len(text)


@pytest.mark.parametrize(("text", "clean"), [
    ("Odesa", "Odesa"),
    ("Od\u200besa", "Odesa"),
    ("Ode\u00adsa\u200d", "Odesa"),
    ("\u202eOdesa\u202c port", "Odesa port"),
    ("\ufeffBOM first", "BOM first"),
    ("Zürich stays", "Zürich stays"),
])
def test_visible_removes_format_characters_and_maps_back(text, clean):
    prepared = visible(text)
    assert prepared.text == clean == without_format_characters(text)
    for start in range(len(clean)):
        for end in range(start + 1, len(clean) + 1):
            original = text[prepared.start(start):prepared.end(end)]
            assert without_format_characters(original) == clean[start:end]
            assert original[0] == clean[start] and original[-1] == clean[end - 1]


@given(st.text(alphabet=st.sampled_from(["a", "B", " ", "é", *FORMAT_CHARACTERS]), max_size=40))
@settings(max_examples=200, deadline=None)
def test_visible_positions_point_at_the_same_characters(text):
    prepared = visible(text)
    for i, char in enumerate(prepared.text):
        assert text[prepared.start(i)] == char
        assert text[prepared.end(i + 1) - 1] == char


def test_short_text_is_one_piece():
    assert piece_bounds("Short text.", max_length=1000) == [(0, 11)]


@pytest.mark.parametrize(("text", "cut_after"), [
    ("First paragraph here.\n\nSecond paragraph goes on and on.", "here.\n\n"),
    ("A line that runs.\nAnother line that runs on and on.", "runs.\n"),
    ("One sentence ends. Then the next one runs on and on.", "ends. "),
    ("words without any sentence end in the whole long line", "sentence "),
])
def test_pieces_cut_at_the_best_break(text, cut_after):
    bounds = piece_bounds(text, max_length=len(text) - 1, piece_length=30)
    assert bounds[0] == (0, text.index(cut_after) + len(cut_after))
    assert bounds[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:]))


def test_pieces_without_any_break_are_cut_at_the_limit():
    bounds = piece_bounds("x" * 95, max_length=50, piece_length=40)
    assert bounds == [(0, 40), (40, 80), (80, 95)]


@given(st.text(alphabet=st.sampled_from(["a", "b", " ", ".", "\n"]), min_size=1, max_size=400),
       st.integers(min_value=5, max_value=60))
@settings(max_examples=200, deadline=None)
def test_pieces_cover_the_text_in_order_within_the_limit(text, size):
    bounds = piece_bounds(text, max_length=size, piece_length=size)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:]))
    assert all(0 < end - start <= size for start, end in bounds)


@pytest.mark.parametrize("text", [
    "talks with Volodymyr Zelensky and " * 40,  # spaces only: never between two capitalized words
    "they flew to St. Petersburg on Monday. " * 40,  # "St. Petersburg" is no sentence end
    "a letter from Volodymyr\nZelensky arrived\n" * 40,  # a name wrapped onto the next line
])
def test_pieces_are_not_cut_inside_a_name(text):
    bounds = piece_bounds(text, max_length=100, piece_length=100)
    assert len(bounds) > 5
    for _, end in bounds[:-1]:
        before, after = text[:end].split()[-1], text[end:].split()[0]
        assert not (before[:1].isupper() and after[:1].isupper()), (before, after)
