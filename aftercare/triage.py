"""The triage rules, read from the one reviewed file aftercare/triage_rules.toml.

Pure functions of the answers: every answer has a grade in the file; one red
or two or more ambers make the check-in red, one amber makes it amber.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.utils import translation

from aftercare.models import Grade

RULES_FILE = Path(__file__).resolve().parent / "triage_rules.toml"
LANGUAGES = ("en", "hi", "mr")


def _texts(row: Mapping[str, Any]) -> dict[str, str]:
    return {language: row[language] for language in LANGUAGES}


def _in_language(texts: Mapping[str, str]) -> str:
    return texts.get(translation.get_language() or "en") or texts["en"]


@dataclass(frozen=True)
class Choice:
    id: str
    grade: str
    source: str
    texts: dict[str, str]

    @property
    def text(self) -> str:
        return _in_language(self.texts)


@dataclass(frozen=True)
class Question:
    id: str
    group: str
    item: str
    texts: dict[str, str]
    choices: tuple[Choice, ...]

    @property
    def text(self) -> str:
        return _in_language(self.texts)

    def choice(self, answer: str) -> Choice:
        return next(c for c in self.choices if c.id == answer)


@dataclass(frozen=True)
class Group:
    id: str
    texts: dict[str, str]
    questions: tuple[Question, ...]

    @property
    def title(self) -> str:
        return _in_language(self.texts)


@dataclass(frozen=True)
class Rules:
    groups: tuple[Group, ...]
    red_if_reds_at_least: int
    red_if_ambers_at_least: int
    amber_if_ambers_at_least: int
    review: dict[str, str]

    @property
    def questions(self) -> dict[str, Question]:
        return {q.id: q for group in self.groups for q in group.questions}


@lru_cache(maxsize=1)
def rules() -> Rules:
    """The file, checked: every answer graded green, amber or red, with a source."""
    data = tomllib.loads(RULES_FILE.read_text(encoding="utf-8"))
    questions = [
        Question(
            id=q["id"],
            group=q["group"],
            item=q["item"],
            texts=_texts(q),
            choices=tuple(
                Choice(
                    id=a["id"], grade=Grade(a["grade"]).value, source=a["source"], texts=_texts(a)
                )
                for a in q["answer"]
            ),
        )
        for q in data["question"]
    ]
    groups = tuple(
        Group(
            id=g["id"],
            texts=_texts(g),
            questions=tuple(q for q in questions if q.group == g["id"]),
        )
        for g in data["group"]
    )
    placed = {q.id for group in groups for q in group.questions}
    if placed != {q.id for q in questions} or len(placed) != len(questions):
        raise ValueError("every question belongs to exactly one known group, once")
    return Rules(groups=groups, review=data["review"], **data["rules"])


def answer_grade(question: str, answer: str) -> str:
    """The grade the file gives this answer; KeyError/StopIteration for one it does not know."""
    return rules().questions[question].choice(answer).grade


def overall_grade(grades: Iterable[str]) -> str:
    """One red, or two or more ambers, is red; one amber is amber; else green."""
    grades = list(grades)
    config = rules()
    reds, ambers = grades.count(Grade.RED), grades.count(Grade.AMBER)
    if reds >= config.red_if_reds_at_least or ambers >= config.red_if_ambers_at_least:
        return Grade.RED
    if ambers >= config.amber_if_ambers_at_least:
        return Grade.AMBER
    return Grade.GREEN
