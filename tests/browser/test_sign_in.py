"""A person signs in with a real browser and lands on their home page, in English or French."""

from __future__ import annotations

import re

import pytest

from accounts.models import Role
from tests import factories
from tests.browser.conftest import sign_in as _sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_director_signs_in_and_reaches_the_workspace(page, cycle, program):
    user = factories.make_staff(role=Role.PROGRAM_DIRECTOR, program=program)
    user.set_password("a-long-demo-password")
    user.save()
    _sign_in(page, user.email, "a-long-demo-password")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url
    page.goto("/en/programs/workspace/")
    assert page.get_by_text(program.name_en).first.is_visible()


def test_a_wrong_password_is_refused_with_a_message_in_french(page, cycle):
    user = factories.make_user(language="fr")
    user.set_password("a-long-demo-password")
    user.save()
    _sign_in(page, user.email, "not-the-password", language="fr")
    assert "/accounts/login/" in page.url
    assert page.get_by_text(re.compile("adresse.*mot de passe|incorrect", re.I)).first.is_visible()
