"""The README keeps up with the code: every command is shown, every option it shows exists, and the
component's config keys are the factory's."""
from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from normalizer.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
COMMAND = "entity-normalizer"
ENDS = ("|", "#", ";", "&&", ">", "<")  # where a shell line stops being the command


def commands(group: click.Group = main, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and subcommand of the group, as paths: ('gazetteer', 'import', 'geonames')."""
    found = []
    for name, command in sorted(group.commands.items()):
        found.append((*path, name))
        if isinstance(command, click.Group):
            found += commands(command, (*path, name))
    return found


def invocations(text: str = README) -> list[list[str]]:
    """The words after each ``entity-normalizer`` of the README, in code blocks and `code spans`,
    up to the end of the shell command; and `code spans` that start with a command's name."""
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", text, flags=re.S | re.M)
    prose = re.sub(r"^```[a-z]*\n.*?^```", "", text, flags=re.S | re.M)
    pieces = [line for block in blocks for line in block.splitlines()] + re.findall(r"`([^`]+)`", prose)
    found = []
    for piece in re.findall(r"`([^`]+)`", prose):  # `annotate --conventions geoparse`: a command without its name
        if piece.split()[0] in main.commands:
            found.append(piece.split())
    for piece in pieces:
        for match in re.finditer(rf"(?:^|(?<=[\s/])){re.escape(COMMAND)}(?=\s|$)", piece):
            words = []
            for word in piece[match.end():].split():
                if word.startswith(ENDS):
                    break
                words.append(word)
            found.append(words)
    return found


def resolve(words: list[str]) -> tuple[tuple[str, ...], click.Command, list[str]]:
    """The command the words name, and the words after it."""
    command: click.Command = main
    path: tuple[str, ...] = ()
    while isinstance(command, click.Group) and words and words[0] in command.commands:
        command = command.commands[words[0]]
        path, words = (*path, words[0]), words[1:]
    return path, command, words


def test_the_readme_shows_entity_normalizer_commands():
    assert len(invocations()) > 10


@pytest.mark.parametrize("path", commands(), ids=" ".join)
def test_every_command_is_in_the_readme(path):
    shown = {resolve(words)[0][: len(path)] for words in invocations()}
    assert path in shown, f"README.md never shows `{COMMAND} {' '.join(path)}`"


def test_every_option_the_readme_shows_exists():
    wrong = []
    for words in invocations():
        path, command, rest = resolve(words)
        known = {opt for param in command.get_params(click.Context(command)) for opt in param.opts}
        for word in rest:
            option = word.split("=", 1)[0].rstrip(".,)")
            if option.startswith("-") and option != "-" and option not in known:
                wrong.append(f"{COMMAND} {' '.join(path)} {option}")
    assert wrong == []


def component_section() -> str:
    return README.split("## As a library and a spaCy component", 1)[1].split("\n## ", 1)[0]


def readme_config_keys() -> list[str]:
    """The backticked keys of the sentence that starts with "Config:" (those outside parentheses)."""
    text = component_section().split("Config:", 1)[1]
    keys, depth = [], 0
    for i, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "." and depth == 0 and text[i + 1 : i + 2].isspace():
            break
        elif char == "`" and depth == 0 and text[:i].count("`") % 2 == 0:
            keys.append(text[i + 1 : text.index("`", i + 1)])
    return keys


def test_the_readme_lists_the_component_config_keys():
    from spacy.language import Language

    import normalizer.pipeline.component  # noqa: F401  (registers the factory)

    default_config = Language.get_factory_meta("entity_normalizer").default_config
    assert readme_config_keys() == list(default_config)


def test_the_readme_names_every_rule_a_span_may_give_as_why():
    from normalizer.pipeline.mention import Why

    [row] = [line for line in README.splitlines() if line.startswith("| `why` |")]
    shown = set(re.findall(r"`([a-z-]+)`", row))
    assert {why.value for why in Why} - shown == set()
