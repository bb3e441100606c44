"""Devanagari text is spelled with sequences a browser can draw without a dotted circle.

A vowel sign (matra), virama or nukta belongs to the consonant before it, and
anusvara, candrabindu or visarga to a letter; typed anywhere else (at the start
of a word, after a space or after an independent vowel) the browser draws it on
a dotted circle. The usual slip is "reaction" typed with अ (U+0905) + the sign U+0945 instead of the one
letter ॲ.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def _chars(*ranges: tuple[int, int]) -> frozenset[str]:
    return frozenset(chr(code) for start, end in ranges for code in range(start, end + 1))


CONSONANTS = _chars((0x0915, 0x0939), (0x0958, 0x095F), (0x0978, 0x097F))
INDEPENDENT_VOWELS = _chars((0x0904, 0x0914), (0x0960, 0x0961), (0x0972, 0x0977))
VOWEL_SIGNS = _chars(
    (0x093A, 0x093B), (0x093E, 0x094C), (0x094E, 0x094F), (0x0955, 0x0957), (0x0962, 0x0963)
)
NUKTA = "\u093c"
VIRAMA = "\u094d"
# Candrabindu, anusvara, visarga (and the inverted candrabindu).
SIGNS = _chars((0x0900, 0x0903))
# One letter each, where the pair is a typing slip that shows a dotted circle.
COMPOSED_LETTERS = {
    "\u0905\u0945": "\u0972",  # U+0905 + U+0945 -> ॲ
    "\u0905\u0949": "\u0911",  # अ + ॉ -> ऑ
}
CATALOGUES = sorted((BASE_DIR / "locale").glob("*/LC_MESSAGES/django.po"))
SEED_FILES = sorted((BASE_DIR / "content" / "seed").glob("*.md"))
TEMPLATES = sorted(
    path for path in (BASE_DIR / "templates").rglob("*") if path.suffix in {".html", ".txt"}
)
# User-facing text written in code, such as the languages' own names in settings.
APP_SOURCES = sorted(
    path
    for app in ("uhapo", "booking", "content", "outbox")
    for path in (BASE_DIR / app).rglob("*.py")
)


def _name(char: str) -> str:
    return f"U+{ord(char):04X}"


def _problem(previous: str, char: str) -> str | None:
    """Why `char` cannot follow `previous` ("" at the start of a line), or None."""
    pair = previous + char
    if pair in COMPOSED_LETTERS:
        letter = COMPOSED_LETTERS[pair]
        return f"{pair!r} ({_name(previous)} {_name(char)}) should be {letter!r} ({_name(letter)})"
    after_consonant = previous in CONSONANTS or previous == NUKTA
    if char in VOWEL_SIGNS:
        if previous in VOWEL_SIGNS:
            return f"two vowel signs in a row: {pair!r} ({_name(previous)} {_name(char)})"
        if not after_consonant:
            return f"vowel sign {char!r} ({_name(char)}) with no consonant before it"
    elif char == VIRAMA and not after_consonant:
        return f"virama ({_name(char)}) with no consonant before it"
    elif char == NUKTA and previous not in CONSONANTS:
        return f"nukta ({_name(char)}) with no consonant before it"
    elif char in SIGNS and not (
        after_consonant or previous in VOWEL_SIGNS or previous in INDEPENDENT_VOWELS
    ):
        return f"sign {char!r} ({_name(char)}) with no letter before it"
    return None


def invalid_sequences(text: str, previous: str = "") -> Iterator[str]:
    """What is wrong in `text`, each with the few characters around it."""
    for index, char in enumerate(text):
        problem = _problem(text[index - 1] if index else previous, char)
        if problem:
            start = max(index - 4, 0)
            yield f"{problem} in {text[start : index + 4]!r}"


def _file_lines(path: Path) -> Iterator[tuple[int, str, str]]:
    """(line number, text, the character before it) of each line of a plain text file."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        yield number, line, ""


def _msgstr_lines(path: Path) -> Iterator[tuple[int, str, str]]:
    """The translated lines of a .po file; a msgstr's continuation lines carry on its text."""
    in_msgstr, previous = False, ""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("msgstr"):
            in_msgstr, previous = True, ""
            text = line.partition(" ")[2]
        elif line.startswith('"') and in_msgstr:
            text = line
        else:
            in_msgstr = False
            continue
        text = text.strip().removeprefix('"').removesuffix('"')
        yield number, text, previous
        previous = text[-1:] or previous


def _problems(path: Path, lines: Iterable[tuple[int, str, str]]) -> list[str]:
    where = path.relative_to(BASE_DIR)
    return [
        f"{where}:{number}: {problem}"
        for number, text, previous in lines
        for problem in invalid_sequences(text, previous)
    ]


@pytest.mark.parametrize(
    "text",
    [
        "रिॲक्शन",
        "ऑक्टोबर",
        "क्षमा",
        "अंग",
        "आँख",
        "ज़िंदगी",
        "दुःख",
        "कॅन्सर",
        "र्‍हस्व",  # Marathi eyelash ra: र, virama, zero-width joiner
        "Dr. Sharma",
    ],
)
def test_well_formed_words_pass(text):
    assert list(invalid_sequences(text)) == []


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("रि\u0905\u0945क्शन", "should be 'ॲ'"),
        ("\u0905\u0949फिस", "should be 'ऑ'"),
        ("ा", "no consonant before it"),
        ("नमस्ते ि", "no consonant before it"),
        ("कोे", "two vowel signs in a row"),
        ("क ्", "virama"),
        ("अ़", "nukta"),
        (" ं", "with no letter before it"),
        ("क्ं", "with no letter before it"),
    ],
)
def test_malformed_sequences_are_found(text, reason):
    problems = list(invalid_sequences(text))
    assert len(problems) == 1
    assert reason in problems[0]


def test_the_files_to_check_are_found():
    assert {path.parent.parent.name for path in CATALOGUES} >= {"hi", "mr"}
    assert len(SEED_FILES) > 20
    assert len(TEMPLATES) > 20
    assert BASE_DIR / "uhapo" / "settings.py" in APP_SOURCES


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.parent.parent.name)
def test_catalogue_translations_have_no_invalid_devanagari(path):
    problems = _problems(path, _msgstr_lines(path))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "paths",
    [SEED_FILES, TEMPLATES, APP_SOURCES],
    ids=["guide seed files", "templates", "app sources"],
)
def test_text_files_have_no_invalid_devanagari(paths):
    problems = [problem for path in paths for problem in _problems(path, _file_lines(path))]
    assert not problems, "\n".join(problems)
