"""Project-wide pytest fixtures: personas for refusal tests, a cycle, a program."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import Role
from tests import factories


@pytest.fixture(autouse=True)
def _english_and_no_real_mail(settings):  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "en"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast tests
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _huey_immediate():  # type: ignore[no-untyped-def]
    """Run background jobs inside the test. The huey instance is built when Django starts,
    so the instance itself is switched, not the setting."""
    from huey.contrib.djhuey import HUEY

    before = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = before


@pytest.fixture
def cycle_and_iteration(db):  # type: ignore[no-untyped-def]
    return factories.make_cycle(phase="ranking_opens")


@pytest.fixture
def cycle(cycle_and_iteration):  # type: ignore[no-untyped-def]
    return cycle_and_iteration[0]


@pytest.fixture
def iteration(cycle_and_iteration):  # type: ignore[no-untyped-def]
    return cycle_and_iteration[1]


@pytest.fixture
def program(cycle, iteration):  # type: ignore[no-untyped-def]
    return factories.make_program(cycle=cycle, iteration=iteration)


@pytest.fixture
def other_program(cycle, iteration):  # type: ignore[no-untyped-def]
    return factories.make_program(cycle=cycle, iteration=iteration)


@pytest.fixture
def applicant(cycle):  # type: ignore[no-untyped-def]
    return factories.make_applicant(cycle=cycle)


@pytest.fixture
def other_applicant(cycle):  # type: ignore[no-untyped-def]
    return factories.make_applicant(cycle=cycle)


@pytest.fixture
def director(program):  # type: ignore[no-untyped-def]
    return factories.make_staff(role=Role.PROGRAM_DIRECTOR, program=program)


@pytest.fixture
def other_director(other_program):  # type: ignore[no-untyped-def]
    return factories.make_staff(role=Role.PROGRAM_DIRECTOR, program=other_program)


@pytest.fixture
def reviewer(program):  # type: ignore[no-untyped-def]
    return factories.make_staff(role=Role.FILE_REVIEWER, program=program)


@pytest.fixture
def match_admin(db):  # type: ignore[no-untyped-def]
    return factories.make_match_admin()


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def as_user():  # type: ignore[no-untyped-def]
    """``as_user(user)`` -> a test client signed in as ``user`` (None = anonymous)."""
    return client_for
