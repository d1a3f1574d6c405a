"""Which word of a person's name is the family name (own examples; invented people)."""
import pytest

from normalizer.text.name_order import family_first, family_name, given_names


@pytest.mark.parametrize(
    "name, first",
    [
        ("Wang Junhao", True),  # pinyin given name
        ("Zhao Yi", True),
        ("Kim Min-seok", True),  # a Korean given name, hyphenated
        ("Park Seo Yeon", True),  # the same, written as two words
        ("Chen Kuo-hua", True),  # Wade-Giles, hyphenated
        ("Lee Daniels", False),  # a family name of the list, a Western given name: family name last
        ("Kim Porter", False),
        ("Chang Whitfield", False),
        ("Lee Foley", False),  # no syllable of those romanizations ends in y
        ("Kim Jae Won", True),
        ("Lee Harvey Brennan", False),
        ("Adaeze Okafor", False),  # not a family name of the list
        ("Wang", False),  # one word: nothing to order
        ("Wang JUNHAO", False),  # capitals: an acronym or a heading, not a given name
        ("Kim Min-seok Bae Ho", False),  # too many words for one such name
        ("Li Wen-", False),  # half a hyphenated name
    ],
)
def test_family_first(name, first):
    assert family_first(name.split()) is first


def test_family_name_and_given_names_follow_the_order():
    assert (family_name(["Wang", "Junhao"]), given_names(["Wang", "Junhao"])) == ("Wang", ["Junhao"])
    assert (family_name(["Lee", "Daniels"]), given_names(["Lee", "Daniels"])) == ("Daniels", ["Lee"])
    assert given_names(["Park", "Seo", "Yeon"]) == ["Seo", "Yeon"]
