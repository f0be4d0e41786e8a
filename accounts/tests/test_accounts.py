"""Sign-up, verification, password reset in the right language; my account."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts.models import User
from tests import factories

pytestmark = pytest.mark.django_db


def test_sign_up_sends_a_verification_email_in_the_page_language(client):
    response = client.post(
        "/fr/accounts/signup/",
        {
            "email": "nadia@example.org",
            "password1": "Un-mot-de-passe-2027",
            "password2": "Un-mot-de-passe-2027",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="nadia@example.org")
    assert user.language == "fr"
    (message,) = mail.outbox
    assert message.to == ["nadia@example.org"]
    assert message.subject == "[Jumelage] Confirmez votre adresse e-mail"


def test_an_unverified_user_cannot_sign_in(client):
    client.post(
        "/en/accounts/signup/",
        {
            "email": "new@example.org",
            "password1": "A-long-password-2027",
            "password2": "A-long-password-2027",
        },
    )
    client.logout()
    response = client.post(
        "/en/accounts/login/", {"login": "new@example.org", "password": "A-long-password-2027"}
    )
    assert response.status_code == 302
    assert "confirm-email" in response["Location"]
    assert "_auth_user_id" not in client.session


def test_password_reset_mail_follows_the_users_language(client):
    factories.make_user(email="fr@example.org", language="fr")
    client.post("/en/accounts/password/reset/", {"email": "fr@example.org"})
    (message,) = mail.outbox
    assert "mot de passe" in (message.subject + message.body).lower()


def test_my_account_changes_the_language_of_my_emails(as_user):
    user = factories.make_user(language="en")
    response = as_user(user).post("/en/account/", {"language": "fr"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "fr"


def test_allauth_pages_use_the_site_layout(client):
    page = client.get("/en/accounts/login/").content.decode()
    assert 'class="brand"' in page and "Skip to content" in page


def test_anonymous_visitors_are_sent_to_sign_in_from_my_account(client):
    response = client.get("/en/account/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
