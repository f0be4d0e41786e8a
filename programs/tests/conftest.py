"""Fixtures of the programs tests: the school's PGME office, a complete description."""

from __future__ import annotations

import pytest

from accounts.models import Role
from programs.models import SECTION_KEYS
from tests import factories


def full_content(tag: str = "v2") -> dict[str, str]:
    """Every section in both languages, each text naming its section, language and ``tag``."""
    return {
        f"{key}_{lang}": f"{key} {'English' if lang == 'en' else 'français'} {tag}"
        for key in SECTION_KEYS
        for lang in ("en", "fr")
    }


def description_post(content: dict[str, str], *, action: str, language: str = "en", **extra):  # type: ignore[no-untyped-def]
    return {**content, "training_language": language, "action": action, **extra}


@pytest.fixture
def pgme(program):  # type: ignore[no-untyped-def]
    return factories.make_staff(role=Role.PGME_OFFICE, school=program.school)


@pytest.fixture
def other_pgme(other_program):  # type: ignore[no-untyped-def]
    return factories.make_staff(role=Role.PGME_OFFICE, school=other_program.school)
