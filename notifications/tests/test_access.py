"""The match administrator's outbox page and API, and who is refused."""

from __future__ import annotations

import pytest
from django.core import mail

from notifications.models import Notification, NotificationState
from notifications.services import notify

pytestmark = pytest.mark.django_db

PAGE = "/en/notifications/outbox/"
API = "/en/api/notifications/outbox"


def _row(key: str, kind: str = "deadline.application", **fields) -> Notification:  # type: ignore[no-untyped-def]
    row = notify(
        kind=kind,
        to_email=f"{key}@example.org",
        language="en",
        dedupe_key=key,
        subject_template="notifications/email/deadline.application_subject.txt",
        body_template="notifications/email/deadline.application.txt",
        context={"applicant": {"first_name": "Ada"}, "url": f"https://x/r/TOKEN-{key}/"},
    )
    if fields:
        Notification.objects.filter(pk=row.pk).update(**fields)
        row.refresh_from_db()
    return row


def test_the_administrator_sees_counts_filters_and_masked_links(as_user, match_admin):
    _row("a", state=NotificationState.SENT)
    _row("b", state=NotificationState.FAILED, attempts=6, last_error="SMTPDataError: 554")
    _row("c", kind="reference.request")
    page = as_user(match_admin).get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "1 failed" in html and "1 sent" in html and "1 waiting to be sent" in html
    assert "TOKEN-a" in html  # an ordinary body can be read
    assert "TOKEN-c" not in html  # the referee's link never shows
    assert "SMTPDataError: 554" in html
    failed_only = as_user(match_admin).get(PAGE, {"state": "failed"}).content.decode()
    assert "b@example.org" in failed_only and "a@example.org" not in failed_only
    by_kind = as_user(match_admin).get(PAGE, {"kind": "reference.request"}).content.decode()
    assert "c@example.org" in by_kind and "a@example.org" not in by_kind


def test_a_bad_filter_is_explained_not_a_500(as_user, match_admin):
    _row("a")
    page = as_user(match_admin).get(PAGE, {"state": "exploded"}, follow=True)
    assert page.status_code == 200
    assert "That filter is not available" in page.content.decode()
    assert "a@example.org" in page.content.decode()


def test_the_administrator_retries_a_failed_email(
    as_user, match_admin, django_capture_on_commit_callbacks
):
    row = _row("b", state=NotificationState.FAILED, attempts=6)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(match_admin).post(f"/en/notifications/outbox/{row.pk}/retry/")
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.state == NotificationState.SENT and row.attempts == 1
    assert [m.to for m in mail.outbox] == [["b@example.org"]]


def test_retrying_an_email_that_did_not_fail_says_why(as_user, match_admin):
    row = _row("a", state=NotificationState.SENT)
    page = as_user(match_admin).post(f"/en/notifications/outbox/{row.pk}/retry/", follow=True)
    assert "Only an e-mail that failed can be sent again" in page.content.decode()
    assert mail.outbox == []


@pytest.mark.parametrize("persona", ["applicant", "director", "reviewer"])
def test_applicants_and_program_staff_are_refused(as_user, persona, request):
    user = request.getfixturevalue(persona)
    user = user.user if hasattr(user, "user") else user
    row = _row("b", state=NotificationState.FAILED)
    assert as_user(user).get(PAGE).status_code == 403
    assert as_user(user).post(f"/en/notifications/outbox/{row.pk}/retry/").status_code == 403
    assert as_user(user).get(API).status_code == 403
    assert as_user(user).post(f"{API}/{row.pk}/retry").status_code == 403
    row.refresh_from_db()
    assert row.state == NotificationState.FAILED


def test_anonymous_visitors_are_sent_to_sign_in(as_user):
    row = _row("b", state=NotificationState.FAILED)
    page = as_user(None).get(PAGE)
    assert page.status_code == 302 and "login" in page["Location"]
    assert as_user(None).post(f"/en/notifications/outbox/{row.pk}/retry/").status_code == 302
    assert as_user(None).get(API).status_code == 401
    assert as_user(None).post(f"{API}/{row.pk}/retry").status_code == 401


def test_the_api_gives_counts_and_rows_without_bodies(as_user, match_admin):
    _row("a", state=NotificationState.SENT)
    row = _row("b", state=NotificationState.FAILED)
    data = as_user(match_admin).get(API, {"state": "failed"}).json()
    assert data["counts"]["failed"] == 1 and data["counts"]["sent"] == 1
    assert [item["to_email"] for item in data["items"]] == ["b@example.org"]
    assert "body" not in data["items"][0]
    assert as_user(match_admin).get(API, {"state": "nope"}).status_code == 422
    retried = as_user(match_admin).post(f"{API}/{row.pk}/retry")
    assert retried.status_code == 200 and retried.json()["state"] == "pending"
    again = as_user(match_admin).post(f"{API}/{row.pk}/retry")
    assert again.status_code == 409


def test_the_django_admin_is_read_only_and_masks_the_referees_link(as_user):
    from accounts.models import User

    root = User.objects.create_superuser(email="root@example.org", password="x-long-password")
    row = _row("c", kind="reference.request")
    other = _row("a")
    admin = as_user(root)
    assert admin.get("/en/admin/notifications/notification/").status_code == 200
    page = admin.get(f"/en/admin/notifications/notification/{row.pk}/change/")
    assert page.status_code == 200
    assert "TOKEN-c" not in page.content.decode()
    assert "private link" in page.content.decode()
    shown = admin.get(f"/en/admin/notifications/notification/{other.pk}/change/")
    assert "TOKEN-a" in shown.content.decode()
    assert admin.get("/en/admin/notifications/notification/add/").status_code == 403


def test_the_outbox_page_makes_a_fixed_number_of_queries(
    as_user, match_admin, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _row("a")
    client = as_user(match_admin)
    with CaptureQueriesContext(connection) as few:
        client.get(PAGE)
    for n in range(10):
        _row(f"more{n}", state=NotificationState.SENT)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(PAGE)
