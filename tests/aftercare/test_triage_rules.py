"""The triage file: every row tested, and the rule that one red or two ambers is red."""

from __future__ import annotations

import re
import tomllib

import pytest

from aftercare import triage
from aftercare.models import Grade

RAW = tomllib.loads(triage.RULES_FILE.read_text(encoding="utf-8"))

# Every answer of the file and the grade the clinical team agreed, written out
# again here so that a change to the file shows up as a failing row in review.
EXPECTED = {
    ("loose_stools", "none"): "green",
    ("loose_stools", "up_to_3"): "amber",
    ("loose_stools", "4_to_6"): "red",
    ("loose_stools", "7_or_more"): "red",
    ("blood_in_stool", "no"): "green",
    ("blood_in_stool", "yes"): "red",
    ("breathless", "no"): "green",
    ("breathless", "on_effort"): "amber",
    ("breathless", "at_rest"): "red",
    ("new_cough", "no"): "green",
    ("new_cough", "yes"): "amber",
    ("chest_pain", "no"): "green",
    ("chest_pain", "yes"): "red",
    ("fever", "no"): "green",
    ("fever", "not_measured"): "amber",
    ("fever", "37_5_to_37_9"): "amber",
    ("fever", "38_or_more"): "red",
    ("rash", "no"): "green",
    ("rash", "small_area"): "amber",
    ("rash", "large_or_blisters"): "red",
    ("yellow_skin", "no"): "green",
    ("yellow_skin", "yes"): "red",
    ("dark_urine", "no"): "green",
    ("dark_urine", "yes"): "amber",
    ("headache", "no"): "green",
    ("headache", "mild"): "green",
    ("headache", "severe"): "red",
    ("vision", "no"): "green",
    ("vision", "yes"): "red",
    ("thirst", "no"): "green",
    ("thirst", "yes"): "amber",
    ("confusion", "no"): "green",
    ("confusion", "yes"): "red",
    ("tiredness", "usual"): "green",
    ("tiredness", "limits_activities"): "amber",
    ("tiredness", "in_bed"): "red",
}
ROWS = [(q["id"], a["id"]) for q in RAW["question"] for a in q["answer"]]
ALL_GREEN = {
    q.id: next(c.id for c in q.choices if c.grade == Grade.GREEN)
    for q in triage.rules().questions.values()
}


def test_every_row_of_the_file_is_listed_here_once():
    assert sorted(ROWS) == sorted(EXPECTED)


@pytest.mark.parametrize(("question", "answer"), ROWS)
def test_each_answer_has_the_agreed_grade_and_a_source(question, answer):
    row = next(
        a for q in RAW["question"] if q["id"] == question for a in q["answer"] if a["id"] == answer
    )
    assert triage.answer_grade(question, answer) == EXPECTED[(question, answer)]
    assert len(row["source"]) > 40


@pytest.mark.parametrize(("question", "answer"), ROWS)
def test_each_answer_alone_among_greens_gives_its_own_grade(question, answer):
    """One red answer is red; one amber is amber; otherwise green."""
    grades = [triage.answer_grade(q, answer if q == question else a) for q, a in ALL_GREEN.items()]
    assert triage.overall_grade(grades) == EXPECTED[(question, answer)]


def test_two_ambers_make_red_and_one_amber_stays_amber():
    assert triage.overall_grade(["amber", "green", "amber"]) == Grade.RED
    assert triage.overall_grade(["amber", "green", "green"]) == Grade.AMBER
    assert triage.overall_grade(["green", "green"]) == Grade.GREEN
    assert triage.overall_grade(["green", "red"]) == Grade.RED


def test_new_cough_and_breathless_on_effort_together_are_red():
    """Two early signs of pneumonitis at once: call now."""
    answers = {**ALL_GREEN, "new_cough": "yes", "breathless": "on_effort"}
    grades = [triage.answer_grade(q, a) for q, a in answers.items()]
    assert triage.overall_grade(grades) == Grade.RED


def test_the_questions_cover_the_issues_pro_ctcae_items_in_four_screens():
    questions = triage.rules().questions
    assert set(questions) == {q for q, _ in EXPECTED}
    assert [g.id for g in triage.rules().groups] == [
        "bowels",
        "breathing",
        "fever_skin",
        "head_energy",
    ]


@pytest.mark.parametrize("language", ["hi", "mr"])
def test_every_text_is_written_in_each_language(language):
    rows = [*RAW["group"], *RAW["question"], *(a for q in RAW["question"] for a in q["answer"])]
    for row in rows:
        assert re.search(r"[\u0900-\u097F]", row[language]), row["id"]
        assert row[language] != row["en"]


def test_marathi_uses_the_letter_candra_a():
    texts = [row["mr"] for row in [*RAW["group"], *RAW["question"]]]
    assert not any("\u0905\u0945" in text for text in texts)


def test_the_file_says_it_awaits_clinical_review_until_reviewed():
    review = RAW["review"]
    assert review["reviewer"] or "Awaiting clinical review" in review["status"]
