"""``load_yaml`` builds its values in one pass over the parser's events; here it is checked against a plain
reference (PyYAML's composer, then a recursive build) and against the order in which errors used to come.

Every test runs with libyaml (where PyYAML has it) and with PyYAML's pure-Python parser.
"""
from __future__ import annotations

import math

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normalizer.errors import GazetteerError
from normalizer.gazetteer import yamlio
from normalizer.gazetteer.yamlio import LineDict, LineList, load_yaml

PARSERS = ["libyaml", "python"] if yamlio.LIBYAML else ["python"]


@pytest.fixture(autouse=True, params=PARSERS)
def parser(request, monkeypatch):
    monkeypatch.setattr(yamlio, "LIBYAML", request.param == "libyaml")
    return request.param


def reference(text: str):
    """What ``load_yaml`` should give for a file it accepts, built the straightforward way, as a tree."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    constructor = yaml.SafeLoader("")

    def scalar(node):
        if node.tag == "tag:yaml.org,2002:str":
            return node.value
        if node.tag == "tag:yaml.org,2002:bool" and node.value.lower() not in ("true", "false"):
            return node.value  # YAML 1.1's yes/no/on/off stay strings
        return constructor.construct_object(node)

    def written(node):
        return {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"} & {node.tag} and node.value

    def build(node):
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            pairs = [(scalar(k), k.start_mark.line + 1, v) for k, v in node.value]
            return ("map", line, {k: n for k, n, _ in pairs}, {k: written(v) for k, _, v in pairs if written(v)},
                    [(_leaf(k), build(v)) for k, _, v in pairs])
        if isinstance(node, yaml.SequenceNode):
            return ("seq", line, [v.start_mark.line + 1 for v in node.value],
                    {i: written(v) for i, v in enumerate(node.value) if written(v)}, [build(v) for v in node.value])
        return _leaf(scalar(node))

    return _leaf(None) if node is None else build(node)  # load_yaml gives None for no document too


def _leaf(value):
    """A scalar with its type (so 1, 1.0 and True differ) and NaN equal to NaN."""
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


def tree(value):
    """What ``load_yaml`` gave, in the reference's form, checking the classes on the way."""
    if isinstance(value, dict):
        assert type(value) is LineDict
        return ("map", value.line, value.lines, dict(value.written), [(_leaf(k), tree(v)) for k, v in value.items()])
    if isinstance(value, list):
        assert type(value) is LineList
        return ("seq", value.line, value.lines, dict(value.written), [tree(v) for v in value])
    return _leaf(value)


TEXTS = [
    "",
    "# only a comment\n",
    "---\n",
    "--- plain\n",
    "- id: place:kyiv\n  name: Kyiv\n  lat: 50.45\n  lon: 30.52\n  variants: [Kiev, 'Kyjiw', \"Київ\"]\n",
    "[yes, No, on, OFF, true, False, TRUE, ~, null, '', 0o17, 0x1f, 010, 1_000, 1e3, .5, -.inf, .NaN, 1984]\n",
    "[2002-12-14, 2001-12-14t21:59:43.10-05:00, '2002-12-14', !!str 2002-12-14, !!int '12', !!float 1, !!bool yes]\n",
    "a:\n  - b\n  -   c: 1\n      d: 2\n  - - nested\n    - 7\ne: {f: [1, {g: 2.5}], h: []}\ni: {}\n",
    "text: |\n  line one\n  line two\nfolded: >-\n  folded\n  text\nkept: |+\n  x\n\n",
    "? complex key\n: value\n? 12\n: twelve\n1.5: one and a half\ntrue: yes\n~: null key\n2002-12-14: a date\n",
    "- " * 30 + "deep\n- shallow\n",
    "[" * 49 + "at the limit" + "]" * 49 + "\n",
    "!!str [tagged, seq]\n",
    "!!map {a: 1}\n",
    "%YAML 1.1\n--- !!str 3\n...\n",
    "- O'Brien\n- Kup'yans'k\n- 'It''s'\n- \"\\u00e9\\t\"\n- 112 Ukraine\n",
    "a: 1\n\nb:\n\n  - 2\n\n# note\nc: 3  # trailing\n",
    "a: 'tab\there'\n# a tab, so the pure-Python parser reads it with either setting:\tb\n",
]


@pytest.mark.parametrize("text", TEXTS)
def test_one_pass_gives_what_the_reference_gives(text):
    assert tree(load_yaml(text, path="t.yaml")) == reference(text)


def test_no_written_forms_is_the_shared_empty_mapping():
    data = load_yaml("- {a: x}\n- [y]\n", path="t.yaml")
    assert data.written is LineList.written and data[0].written is LineDict.written
    assert data[1].written is LineList.written


# --- random documents: the same trees as the reference

SCALARS = ["Kyiv", "Ashby town", "yes", "No", "on", "true", "False", "~", "null", "1984", "1_984", "0x1F", "0o17",
           "010", "1.5", ".5", "-.inf", ".NaN", "1e3", "2002-12-14", "'quoted'", '"double \\u00e9"', "''",
           "!!str 12", "!!int '7'", "Ворожба", "O'Brien", "-1", "+12"]
# Keys whose values all differ (1984, 31, '7', None, a date, 1.5, True, 'yes', ...): no duplicates.
KEYS = ["id", "name", "yes", "No", "1984", "0x1F", "'7'", "~", "2002-12-14", "1.5", "true", "Київ", "'a b'"]

documents = st.recursive(
    st.sampled_from(SCALARS),
    lambda inner: st.tuples(st.sampled_from(["seq", "map"]), st.booleans(), st.lists(
        st.tuples(st.sampled_from(KEYS), inner), max_size=4, unique_by=lambda pair: pair[0],
    )),
    max_leaves=20,
)


def render(doc, indent: int = 0, flow: bool = False) -> str:
    """A document as YAML text, each collection in block or flow style as drawn (flow inside flow)."""
    if isinstance(doc, str):
        return doc
    kind, as_flow, pairs = doc
    if flow or as_flow or not pairs:
        inner = [render(v, flow=True) if kind == "seq" else f"{k}: {render(v, flow=True)}" for k, v in pairs]
        return ("[{}]" if kind == "seq" else "{{{}}}").format(", ".join(inner))
    pad, lines = " " * indent, []
    for key, value in pairs:
        lead = "-" if kind == "seq" else f"{key}:"
        nested = not isinstance(value, str) and not value[1] and value[2]
        lines.append(f"{pad}{lead}\n{render(value, indent + 2)}" if nested else f"{pad}{lead} {render(value)}")
    return "\n".join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(documents)
def test_random_documents_give_what_the_reference_gives(doc):
    text = render(doc) + "\n"
    assert tree(load_yaml(text, path="t.yaml")) == reference(text)


# --- errors come in the order they came when the nodes were composed first and built after: a refusal
# (anchor, tag, depth) or invalid YAML anywhere before any problem found while building

VALID_YAML_HINT = "(check indentation and that names containing ': ' or '#' are quoted)"
DUPLICATE = "duplicate key 'a' (first on line 1) (YAML would silently keep only the last one; merge them into one key)"
DEEP = ("nested more than 50 levels deep (a gazetteer or patch file needs 7 levels at most; look for an unclosed "
        "'[' or '{')")
ANCHOR = ("not allowed: YAML anchors and aliases (&name / *name) (found &{}; write the value out in full wherever "
          "it is needed)")
TAG = "not allowed: the YAML tag {} (gazetteer and patch files need no tags; to make a number a name, put it in quotes)"
UNCLOSED = "not valid YAML: expected the node content, but found '<stream end>' " + VALID_YAML_HINT
TWICE = "- a: 1\n  a: 2\n"

ORDER = [
    ("a: 1\na: 2\nb: [\n", 4, UNCLOSED),
    ("a: 1\na: 2\nb: &x 3\n", 3, ANCHOR.format("x")),
    ("a: 1\na: 2\nb: !foo 3\n", 3, TAG.format("!foo")),
    ("a: 1\na: 2\nb: " + "[" * 60 + "]" * 60 + "\n", 3, DEEP),
    ("a: 1\na: 2\n---\nb: 2\n", 3, "not valid YAML: but found another document " + VALID_YAML_HINT),
    ("a: 1\na: 2\n...\n", 2, DUPLICATE),
    ("? [a, &x b]\n: 1\n", 1, ANCHOR.format("x")),
    ("? {a: 1}\n: 1\n", 1, "a key must be a plain word"),
    ("? {a: 1}\n: 1\nb: [\n", 4, UNCLOSED),
    ("<<: {a: 1}\nb: &y 2\n", 2, ANCHOR.format("y")),
    ("- 2022-13-45\n- !!python/name:os.system x\n", 2, TAG.format("!!python/name:os.system")),
    ("- 2022-13-45\n- 2022-14-45\n", 1,
     "cannot read '2022-13-45' as YAML reads it (month must be in 1..12) (put it in quotes if it is text)"),
    ("- key: =\n" + TWICE, 1,
     "not valid YAML: could not determine a constructor for the tag 'tag:yaml.org,2002:value' " + VALID_YAML_HINT),
    (TWICE + "- key: =\n", 2, DUPLICATE),
    (TWICE + "- " + "[" * 48 + "x" + "]" * 48 + "\n", 2, DUPLICATE),  # 50 levels: the file list, 48, the name
    (TWICE + "- " + "[" * 49 + "x" + "]" * 49 + "\n", 3, DEEP),
    ("- [{a: 1, a: 2}]\n", 1, DUPLICATE),
]


@pytest.mark.parametrize("text, line, message", ORDER)
def test_errors_come_in_the_order_of_compose_then_build(text, line, message):
    with pytest.raises(GazetteerError) as info:
        load_yaml(text, path="t.yaml")
    assert (info.value.line, str(info.value)) == (line, f"t.yaml:{line}: {message}")
