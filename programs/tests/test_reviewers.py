"""File reviewers: the director invites by e-mail (full or read-only access, per stream); the
invitee accepts through a single-use link signed in with the invited address; the director
changes their access or removes them, which takes effect at their next request."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
import time_machine
from django.core import mail

from accounts.models import Role, RoleAssignment
from core.models import AuditEntry
from core.permissions import can
from notifications.models import Notification
from programs import services
from programs.models import InvitationState, ReviewerInvitation
from tests import factories

pytestmark = pytest.mark.django_db


def _reviewers(program, lang="en"):  # type: ignore[no-untyped-def]
    return f"/{lang}/programs/{program.code}/reviewers/"


def _invite(client, program, email, *, access="full", streams=(), lang="en"):  # type: ignore[no-untyped-def]
    return client.post(
        _reviewers(program, lang), {"email": email, "access": access, "streams": list(streams)}
    )


def _link(email: str) -> str:
    """The path of the latest invitation link e-mailed to ``email``."""
    body = (
        Notification.objects.filter(kind="programs.reviewer_invitation", to_email=email)
        .order_by("-pk")
        .first()
        .body
    )
    return re.search(r"https://[^/\s]+(/\S+/programs/invitation/\S+/)", body).group(1)


def test_the_director_invites_by_e_mail_and_only_the_tokens_hash_is_stored(
    as_user, program, director
):
    response = _invite(as_user(director), program, "New.Reviewer@Example.org", lang="fr")
    assert response.status_code == 302
    invitation = ReviewerInvitation.objects.get(program=program)
    assert invitation.email == "new.reviewer@example.org"
    assert invitation.state == InvitationState.PENDING and invitation.invited_by == director
    mail_row = Notification.objects.get(kind="programs.reviewer_invitation")
    assert mail_row.language == "fr"  # no account: the director's language of the moment
    assert "Examinez les dossiers" in mail_row.subject
    token = _link("new.reviewer@example.org").rstrip("/").rsplit("/", 1)[1]
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(ReviewerInvitation.objects.values().get())
    page = as_user(director).get(_reviewers(program)).content.decode()
    assert "new.reviewer@example.org" in page and "Pending: sent on" in page
    assert AuditEntry.objects.filter(action="programs.reviewer.invited").exists()


def test_the_e_mail_is_in_the_invitees_language_when_they_have_an_account(
    as_user, program, director
):
    invitee = factories.make_user(language="fr")
    _invite(as_user(director), program, invitee.email, lang="en")
    mail_row = Notification.objects.get(kind="programs.reviewer_invitation")
    assert mail_row.language == "fr" and mail_row.recipient == invitee
    assert "/fr/programs/invitation/" in mail_row.body


def test_opening_the_link_signed_in_as_the_invitee_makes_them_a_reviewer(
    as_user, program, director
):
    invitee = factories.make_user()
    _invite(as_user(director), program, invitee.email, access="read_only", streams=["IMG"])
    response = as_user(invitee).get(_link(invitee.email))
    assert response.status_code == 302
    assert response["Location"] == f"/en/review/program/{program.code}/"
    assignment = RoleAssignment.objects.get(user=invitee, program=program)
    assert assignment.role == Role.FILE_REVIEWER
    assert assignment.read_only and assignment.streams == ["IMG"]
    assert as_user(invitee).get(response["Location"]).status_code == 200
    invitation = ReviewerInvitation.objects.get(program=program)
    assert invitation.state == InvitationState.ACTIVE and invitation.accepted_by == invitee
    page = as_user(director).get(_reviewers(program)).content.decode()
    assert "Active reviewers" in page and invitee.email in page and "read only" in page


def test_ticking_every_stream_means_every_stream(as_user, program, director):
    invitee = factories.make_user()
    _invite(as_user(director), program, invitee.email, streams=["CMG", "IMG"])
    as_user(invitee).get(_link(invitee.email))
    assert RoleAssignment.objects.get(user=invitee, program=program).streams == []


def test_the_link_works_once(as_user, program, director):
    invitee, someone = factories.make_user(), factories.make_user()
    _invite(as_user(director), program, invitee.email)
    link = _link(invitee.email)
    as_user(invitee).get(link)
    again = as_user(invitee).get(link, follow=True).content.decode()
    assert "You already accepted this invitation." in again
    other = as_user(someone).get(link).content.decode()
    assert "already used" in other
    assert not RoleAssignment.objects.filter(user=someone).exists()


def test_the_wrong_account_is_told_which_address_to_use(as_user, program, director):
    invitee, someone = "invitee@example.org", factories.make_user()
    _invite(as_user(director), program, invitee)
    page = as_user(someone).get(_link(invitee)).content.decode()
    assert (
        f"This invitation was sent to {invitee}, but you are signed in as {someone.email}" in page
    )
    assert "Sign out, then come back to this invitation" in page
    assert not RoleAssignment.objects.filter(user=someone).exists()
    assert ReviewerInvitation.objects.get().state == InvitationState.PENDING


def test_an_unverified_address_does_not_accept(as_user, program, director):
    from allauth.account.models import EmailAddress

    invitee = factories.make_user()
    EmailAddress.objects.filter(user=invitee).update(verified=False)
    _invite(as_user(director), program, invitee.email)
    as_user(invitee).get(_link(invitee.email))
    assert not RoleAssignment.objects.filter(user=invitee).exists()


def test_signed_out_the_page_asks_to_sign_in_and_comes_back(as_user, program, director):
    invitee = factories.make_user()
    _invite(as_user(director), program, invitee.email)
    link = _link(invitee.email)
    visitor = as_user(None)
    page = visitor.get(link).content.decode()
    assert "/en/accounts/login/?next=" in page and "/en/accounts/signup/?next=" in page
    assert not RoleAssignment.objects.filter(user=invitee).exists()
    response = visitor.post(
        f"/en/accounts/login/?next={link}",
        {"login": invitee.email, "password": factories.PASSWORD, "next": link},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/en/review/program/{program.code}/"
    assert RoleAssignment.objects.filter(user=invitee, role=Role.FILE_REVIEWER).exists()
    assert "You now review the files of" in response.content.decode()


def test_the_link_works_after_signing_up(as_user, program, director):
    _invite(as_user(director), program, "newcomer@example.org")
    link = _link("newcomer@example.org")
    visitor = as_user(None)
    visitor.get(link)
    password = "A-long-enough-passphrase-42"
    visitor.post(
        f"/en/accounts/signup/?next={link}",
        {"email": "newcomer@example.org", "password1": password, "password2": password},
    )
    confirm = re.search(r"https?://[^/\s]+(/\S+/confirm-email/\S+/)", mail.outbox[-1].body)
    visitor.post(confirm.group(1))
    response = visitor.post(
        "/en/accounts/login/",
        {"login": "newcomer@example.org", "password": password},
        follow=True,
    )
    assert "You now review the files of" in response.content.decode()
    assignment = RoleAssignment.objects.get(user__email="newcomer@example.org")
    assert assignment.program == program and assignment.role == Role.FILE_REVIEWER
    # opening the link now brings the reviewer to the files
    again = visitor.get(link)
    assert again["Location"] == f"/en/review/program/{program.code}/"


def test_an_expired_link_is_refused_and_sending_again_makes_a_new_one(as_user, program, director):
    invitee = factories.make_user()
    _invite(as_user(director), program, invitee.email)
    old = _link(invitee.email)
    invitation = ReviewerInvitation.objects.get()
    with time_machine.travel(invitation.expires_at + dt.timedelta(minutes=1)):
        page = as_user(invitee).get(old).content.decode()
        assert "This invitation expired on" in page
        assert "Link expired on" in as_user(director).get(_reviewers(program)).content.decode()
        as_user(director).post(
            f"/en/programs/{program.code}/reviewers/invitations/{invitation.pk}/",
            {"action": "resend"},
        )
        new = _link(invitee.email)
        assert new != old
        assert as_user(invitee).get(old).status_code == 404  # replaced
        as_user(invitee).get(new)
    assert RoleAssignment.objects.filter(user=invitee, role=Role.FILE_REVIEWER).exists()


def test_a_cancelled_invitation_stops_working_and_the_address_can_be_invited_again(
    as_user, program, director
):
    invitee = factories.make_user()
    _invite(as_user(director), program, invitee.email)
    link = _link(invitee.email)
    invitation = ReviewerInvitation.objects.get()
    as_user(director).post(
        f"/en/programs/{program.code}/reviewers/invitations/{invitation.pk}/",
        {"action": "cancel"},
    )
    assert "cancelled by the program" in as_user(invitee).get(link).content.decode()
    assert not RoleAssignment.objects.filter(user=invitee).exists()
    _invite(as_user(director), program, invitee.email)
    assert ReviewerInvitation.objects.filter(removed_at__isnull=True).count() == 1
    as_user(invitee).get(_link(invitee.email))
    assert RoleAssignment.objects.filter(user=invitee).exists()


def test_inviting_twice_or_inviting_staff_or_applicants_is_refused(
    as_user, program, director, reviewer, applicant
):
    client = as_user(director)
    _invite(client, program, "twice@example.org")
    page = _invite(client, program, "twice@example.org").content.decode()
    assert "was already invited" in page
    assert (
        "already reviews this program" in _invite(client, program, reviewer.email).content.decode()
    )
    assert "director or administrator" in _invite(client, program, director.email).content.decode()
    refused = _invite(client, program, applicant.user.email).content.decode()
    assert "as an applicant" in refused
    assert ReviewerInvitation.objects.count() == 1


def test_the_director_changes_a_reviewers_access_and_streams(as_user, program, director):
    invitee = factories.make_user()
    _invite(as_user(director), program, invitee.email)
    as_user(invitee).get(_link(invitee.email))
    application = _submitted_application(program, stream="CMG")
    assert can(invitee, "review.write", application)
    response = as_user(director).post(
        f"/en/programs/{program.code}/reviewers/{invitee.pk}/",
        {
            "action": "update",
            f"r{invitee.pk}-access": "read_only",
            f"r{invitee.pk}-streams": ["IMG"],
        },
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=invitee, program=program)
    assert assignment.read_only and assignment.streams == ["IMG"]
    invitee = type(invitee).objects.get(pk=invitee.pk)  # the next request
    assert not can(invitee, "review.write", application)
    assert not can(invitee, "application.review", application)  # CMG is out of their streams


def test_a_removed_reviewer_is_refused_at_their_next_request(as_user, program, director):
    invitee = factories.make_user()
    _invite(as_user(director), program, invitee.email)
    as_user(invitee).get(_link(invitee.email))
    reviewer_client = as_user(invitee)
    files = f"/en/review/program/{program.code}/"
    assert reviewer_client.get(files).status_code == 200
    response = as_user(director).post(
        f"/en/programs/{program.code}/reviewers/{invitee.pk}/", {"action": "remove"}
    )
    assert response.status_code == 302
    assert reviewer_client.get(files).status_code == 403  # the same session, right after
    assert not RoleAssignment.objects.filter(user=invitee).exists()
    assert ReviewerInvitation.objects.get().state == InvitationState.REMOVED
    page = as_user(director).get(_reviewers(program)).content.decode()
    assert "Reviewer removed on" in page
    assert AuditEntry.objects.filter(action="programs.reviewer.removed").exists()
    # invited again, they are back
    _invite(as_user(director), program, invitee.email)
    reviewer_client.get(_link(invitee.email))
    assert reviewer_client.get(files).status_code == 200


def test_a_reviewer_added_before_invitations_can_be_removed(as_user, program, director, reviewer):
    as_user(director).post(
        f"/en/programs/{program.code}/reviewers/{reviewer.pk}/", {"action": "remove"}
    )
    assert as_user(reviewer).get(f"/en/review/program/{program.code}/").status_code == 403


def _submitted_application(program, *, stream):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from applications.models import Application

    applicant = factories.make_applicant(cycle=program.cycle)
    return Application.objects.create(
        applicant=applicant,
        program=program,
        quota=program.quotas.get(stream=stream),
        status="submitted",
        submitted_at=timezone.now(),
    )


# --- Refusals ---------------------------------------------------------------------------------


@pytest.fixture
def read_only_reviewer(program):  # type: ignore[no-untyped-def]
    return factories.make_staff(role=Role.FILE_REVIEWER, program=program, read_only=True)


@pytest.fixture
def removed_reviewer(program, director):  # type: ignore[no-untyped-def]
    user = factories.make_staff(role=Role.FILE_REVIEWER, program=program)
    services.reviewer_remove(actor=director, program=program, reviewer_id=user.pk)
    return user


@pytest.fixture
def pgme(program):  # type: ignore[no-untyped-def]
    return factories.make_staff(role=Role.PGME_OFFICE, school=program.school)


REFUSED = [
    "other_director",
    "reviewer",
    "read_only_reviewer",
    "removed_reviewer",
    "pgme",
    "applicant",
]


@pytest.mark.parametrize("persona", REFUSED)
def test_only_the_director_and_administrator_manage_reviewers(as_user, program, persona, request):
    user = request.getfixturevalue(persona)
    client = as_user(getattr(user, "user", user))
    assert client.get(_reviewers(program)).status_code == 403
    assert _invite(client, program, "x@example.org").status_code == 403
    assert not ReviewerInvitation.objects.filter(email="x@example.org").exists()


@pytest.mark.parametrize("persona", REFUSED)
def test_others_cannot_resend_cancel_change_or_remove(as_user, program, director, persona, request):
    target = factories.make_staff(role=Role.FILE_REVIEWER, program=program)
    _invite(as_user(director), program, "pending@example.org")
    invitation = ReviewerInvitation.objects.get(email="pending@example.org")
    user = request.getfixturevalue(persona)
    client = as_user(getattr(user, "user", user))
    base = f"/en/programs/{program.code}/reviewers/"
    for path, data in (
        (f"{base}invitations/{invitation.pk}/", {"action": "cancel"}),
        (f"{base}invitations/{invitation.pk}/", {"action": "resend"}),
        (f"{base}{target.pk}/", {"action": "remove"}),
        (f"{base}{target.pk}/", {"action": "update", f"r{target.pk}-access": "read_only"}),
    ):
        assert client.post(path, data).status_code == 403
    assert ReviewerInvitation.objects.get(pk=invitation.pk).state == InvitationState.PENDING
    assignment = RoleAssignment.objects.get(user=target, program=program)
    assert not assignment.read_only


def test_the_program_administrator_manages_reviewers_too(as_user, program):
    admin = factories.make_staff(role=Role.PROGRAM_ADMINISTRATOR, program=program)
    assert _invite(as_user(admin), program, "y@example.org").status_code == 302


def test_another_programs_director_cannot_act_on_this_programs_invitation(
    as_user, program, director, other_program, other_director
):
    _invite(as_user(director), program, "pending@example.org")
    invitation = ReviewerInvitation.objects.get()
    path = f"/en/programs/{other_program.code}/reviewers/invitations/{invitation.pk}/"
    assert as_user(other_director).post(path, {"action": "cancel"}).status_code == 404
    assert ReviewerInvitation.objects.get().state == InvitationState.PENDING


def test_anonymous_visitors_are_sent_to_sign_in(as_user, program):
    assert "/accounts/login/" in as_user(None).get(_reviewers(program))["Location"]
    assert "/accounts/login/" in as_user(None).post(_reviewers(program), {})["Location"]


def test_an_unknown_link_is_not_found(as_user, program):
    assert as_user(None).get("/en/programs/invitation/not-a-token/").status_code == 404
