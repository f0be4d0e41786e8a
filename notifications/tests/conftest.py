from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture
def french_user(db):  # type: ignore[no-untyped-def]
    return factories.make_user(language="fr")


@pytest.fixture
def user(db):  # type: ignore[no-untyped-def]
    return factories.make_user(language="en")


@pytest.fixture
def flaky(settings):  # type: ignore[no-untyped-def]
    from notifications.tests.backends import FlakyBackend

    settings.EMAIL_BACKEND = "notifications.tests.backends.FlakyBackend"
    FlakyBackend.calls = 0
    FlakyBackend.failures = 1
    return FlakyBackend
