"""The questions of the online forms: structured letters (per discipline) and the support form.

A question is ``{"key": str, "type": "rating" | "text", "label_en": str, "label_fr": str}``.
Ratings go from 1 (poor) to 5 (outstanding).
"""

from __future__ import annotations

from typing import Any

from django.utils import translation

Question = dict[str, Any]

#: Used when no discipline has a form and no default form was set up by the administrator.
DEFAULT_STRUCTURED: list[Question] = [
    {
        "key": "medical_knowledge",
        "type": "rating",
        "label_en": "Medical knowledge",
        "label_fr": "Connaissances médicales",
    },
    {
        "key": "clinical_skills",
        "type": "rating",
        "label_en": "Clinical skills",
        "label_fr": "Compétences cliniques",
    },
    {
        "key": "communication",
        "type": "rating",
        "label_en": "Communication with patients and colleagues",
        "label_fr": "Communication avec les patients et les collègues",
    },
    {
        "key": "professionalism",
        "type": "rating",
        "label_en": "Professionalism",
        "label_fr": "Professionnalisme",
    },
    {
        "key": "context",
        "type": "text",
        "label_en": "How do you know the applicant, and for how long?",
        "label_fr": "Comment connaissez-vous le candidat, et depuis combien de temps ?",
    },
    {
        "key": "comments",
        "type": "text",
        "label_en": "Comments on the applicant's suitability for residency training",
        "label_fr": "Commentaires sur l'aptitude du candidat à la formation en résidence",
    },
]

DEFAULT_STRUCTURED_TITLE = ("Structured reference letter", "Lettre de recommandation structurée")

#: The applicant support form: a fixed short form.
SUPPORT_FORM: list[Question] = [
    {
        "key": "relationship",
        "type": "text",
        "label_en": "Your relationship to the applicant",
        "label_fr": "Votre lien avec le candidat",
    },
    {
        "key": "overall",
        "type": "rating",
        "label_en": "Overall, how strongly do you support this applicant?",
        "label_fr": "Dans l'ensemble, à quel point appuyez-vous ce candidat ?",
    },
    {
        "key": "support",
        "type": "text",
        "label_en": "Why do you support this application?",
        "label_fr": "Pourquoi appuyez-vous cette candidature ?",
    },
]

SUPPORT_FORM_TITLE = ("Applicant support form", "Formulaire d'appui du candidat")

TEXT_MAX_LENGTH = 5000


def label(question: Question) -> str:
    """The question's label in the active language."""
    if translation.get_language() == "fr":
        return str(question.get("label_fr") or question.get("label_en") or question["key"])
    return str(question.get("label_en") or question["key"])


def validate_questions(questions: Any) -> list[str]:
    """Problems with a form definition (empty when it is well formed)."""
    problems: list[str] = []
    if not isinstance(questions, list) or not questions:
        return ["questions must be a non-empty list"]
    keys: set[str] = set()
    for i, q in enumerate(questions):
        if not isinstance(q, dict):
            problems.append(f"question {i + 1} is not an object")
            continue
        key = q.get("key")
        if not isinstance(key, str) or not key:
            problems.append(f"question {i + 1} has no key")
        elif key in keys:
            problems.append(f"question {i + 1}: key {key!r} is used twice")
        else:
            keys.add(key)
        if q.get("type") not in ("rating", "text"):
            problems.append(f"question {i + 1}: type must be 'rating' or 'text'")
        if not q.get("label_en") or not q.get("label_fr"):
            problems.append(f"question {i + 1}: both label_en and label_fr are needed")
    return problems
