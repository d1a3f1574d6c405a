"""Rules of the resolver that stand alone (normalizer/pipeline/resolve.py), on our own examples."""
import pytest

from normalizer.pipeline.resolve import body_of_water


@pytest.mark.parametrize(
    "key, preceding, water",
    [
        ("heron sea", "boats crossed the ", True),
        ("copper river", "fishing on The ", True),
        ("heron bay", "officials in ", False),  # no "the": the town may be meant
        ("heron bay", "the town of ", False),  # "of" comes last: the town
        ("bay", "the ", False),  # the word alone names no water
        ("heron bay area", "the ", False),  # it ends otherwise
    ],
)
def test_body_of_water(key, preceding, water):
    assert body_of_water(key, preceding) is water
