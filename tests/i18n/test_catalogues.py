"""The Hindi and Marathi catalogues: complete, consistent, and holding every string we mark."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils.translation.template import templatize

from tests.i18n.conftest import OTHER_LANGUAGES

BASE_DIR = Path(settings.BASE_DIR)
LOCALE_DIR = BASE_DIR / "locale"
# What makemessages is run over (see the Makefile's neighbours in README): the project,
# less the virtualenv, collected static files, local data, benchmarks and tests.
SKIPPED_DIRS = {".venv", "staticfiles", "var", "node_modules", "bench", "tests", "migrations"}
GETTEXT_FUNCTIONS = {
    "_": ("msgid",),
    "gettext": ("msgid",),
    "gettext_lazy": ("msgid",),
    "gettext_noop": ("msgid",),
    "pgettext": ("msgctxt", "msgid"),
    "pgettext_lazy": ("msgctxt", "msgid"),
    "ngettext": ("msgid", "msgid_plural"),
    "ngettext_lazy": ("msgid", "msgid_plural"),
    "npgettext": ("msgctxt", "msgid", "msgid_plural"),
    "npgettext_lazy": ("msgctxt", "msgid", "msgid_plural"),
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")
TAG = re.compile(r"</?[a-z][^<>]*>")
DEVANAGARI = re.compile(r"[\u0900-\u097F]")
# Left as they are in every language.
SAME_IN_EVERY_LANGUAGE = {"SMS"}


def _catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))


def _project_files(pattern: str) -> list[Path]:
    return [
        path
        for path in BASE_DIR.rglob(pattern)
        if not SKIPPED_DIRS.intersection(path.relative_to(BASE_DIR).parts)
    ]


def _calls(tree: ast.AST) -> list[tuple[str | None, str]]:
    """(context, msgid) of each gettext-style call with literal arguments."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        roles = GETTEXT_FUNCTIONS.get(name or "")
        if not roles or len(node.args) < len(roles):
            continue
        values = dict(zip(roles, node.args, strict=False))
        if not all(
            isinstance(values[role], ast.Constant) and isinstance(values[role].value, str)
            for role in roles
        ):
            continue
        context = values["msgctxt"].value if "msgctxt" in values else None
        found.append((context, values["msgid"].value))
    return found


def _template_calls(path: Path) -> list[tuple[str | None, str]]:
    """The strings a template marks, as makemessages sees them (via Django's templatize)."""
    source = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    found = []
    for match in re.finditer(r"\b(n?p?gettext)\(", source):
        # Read one balanced call with Python's tokenizer, then parse it.
        text = source[match.start() :]
        depth, end = 0, None
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.string == "(":
                depth += 1
            elif token.string == ")":
                depth -= 1
                if depth == 0:
                    end = token.end
                    break
        lines = text.splitlines(keepends=True)
        call = "".join(lines[: end[0] - 1]) + lines[end[0] - 1][: end[1]]
        found += _calls(ast.parse(call.strip(), mode="eval"))
    return found


def _marked_strings() -> set[tuple[str | None, str]]:
    marked: set[tuple[str | None, str]] = set()
    for path in _project_files("*.py"):
        marked.update(_calls(ast.parse(path.read_text(encoding="utf-8"))))
    for path in _project_files("*.html") + _project_files("*.txt"):
        if "templates" in path.relative_to(BASE_DIR).parts:
            marked.update(_template_calls(path))
    return marked


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_no_message_is_untranslated_or_fuzzy(language):
    catalogue = _catalogue(language)
    assert catalogue.metadata["Language"] == language
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, untranslated
    assert not fuzzy, fuzzy
    assert catalogue.percent_translated() == 100
    assert len(catalogue.translated_entries()) > 500


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_every_string_marked_in_code_and_templates_is_in_the_catalogue(language):
    """Catches a string marked after the last makemessages run."""
    in_catalogue = {(entry.msgctxt, entry.msgid) for entry in _catalogue(language)}
    marked = _marked_strings()
    assert len(marked) > 400
    missing = sorted(marked - in_catalogue, key=str)
    assert not missing, f"run makemessages and translate: {missing}"


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_placeholders_survive_translation(language):
    for entry in _catalogue(language).translated_entries():
        sources = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
        targets = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        expected = sorted(PLACEHOLDER.findall(sources[-1]))
        for target in targets:
            assert sorted(PLACEHOLDER.findall(target)) == expected, (entry.msgid, target)
        # Markup in a message (a link to 112, <strong>) is kept as it is.
        assert sorted(TAG.findall(entry.msgid)) == sorted(TAG.findall(targets[0])), entry.msgid


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_translations_are_written_in_devanagari(language):
    for entry in _catalogue(language).translated_entries():
        if entry.msgid in SAME_IN_EVERY_LANGUAGE or (entry.msgctxt or "").startswith(
            "date pattern"
        ):
            continue
        words = PLACEHOLDER.sub("", TAG.sub("", entry.msgid))
        if not re.search(r"[A-Za-z]{2,}", words):
            continue
        target = entry.msgstr or entry.msgstr_plural[0]
        assert DEVANAGARI.search(target), (entry.msgid, target)


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_the_compiled_catalogue_matches_the_po_file(language):
    mo_path = LOCALE_DIR / language / "LC_MESSAGES" / "django.mo"
    assert mo_path.exists()
    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in polib.mofile(str(mo_path))}
    for entry in _catalogue(language).translated_entries():
        if not entry.msgid_plural:
            assert compiled[(entry.msgctxt, entry.msgid)] == entry.msgstr


# One word for one thing: a nurse's form and a family's page must not say "dose" two ways
# (the second avoided spelling is खुराक, without the nukta, written as escapes).
PREFERRED_TERMS = {"hi": {"डोज़": "ख़ुराक", "\u0916\u0941\u0930\u093e\u0915": "ख़ुराक"}}


@pytest.mark.parametrize("language", sorted(PREFERRED_TERMS))
def test_each_catalogue_and_guide_page_says_dose_one_way(language):
    texts = [entry.msgstr for entry in _catalogue(language)]
    seed_dir = BASE_DIR / "content" / "seed"
    texts += [path.read_text(encoding="utf-8") for path in seed_dir.glob(f"*.{language}.md")]
    for avoided, preferred in PREFERRED_TERMS[language].items():
        found = [text[:60] for text in texts if avoided in text]
        assert not found, f"{avoided!r} where the catalogue says {preferred!r}: {found}"
