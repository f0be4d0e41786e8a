"""The applicant's requests: draft, finalise (e-mail in the referee's language), re-send,
expiry, withdrawal, deadlines."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from core.errors import DomainError
from references import services
from references.models import Delivery, ReferenceKind, ReferenceRequest, ReferenceState
from references.tests.conftest import token_from_mail
from tests import factories

pytestmark = pytest.mark.django_db


def test_an_applicant_creates_a_draft_then_sends_it(
    as_user, applicant, django_capture_on_commit_callbacks
):
    client = as_user(applicant.user)
    response = client.post(
        "/en/references/new/",
        {
            "kind": ReferenceKind.STRUCTURED,
            "referee_name": "Dr Jean Roy",
            "referee_email": "roy@example.org",
            "referee_language": "fr",
            "discipline": "",
            "message": "Bonjour",
            "delivery": Delivery.EMAIL,
        },
    )
    request = ReferenceRequest.objects.get(applicant=applicant)
    assert response.status_code == 302
    assert request.state == ReferenceState.DRAFT
    assert request.reference_id.startswith("REF-") and len(request.reference_id) == 10
    assert request.discipline is None
    assert not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/references/{request.reference_id}/finalise/")
    request.refresh_from_db()
    assert request.state == ReferenceState.SENT
    assert request.sent_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["roy@example.org"]
    assert "vous demande une référence" in message.subject  # the referee's language
    token = token_from_mail()
    assert f"/fr/references/r/{token}/" in message.body  # the referee's page opens in French
    assert request.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(ReferenceRequest.objects.filter(pk=request.pk).values().first())
    page = client.get(f"/en/references/{request.reference_id}/").content.decode()
    assert "not received yet" in page


def test_a_finalised_request_cannot_be_edited(applicant, sent):
    request, _token = sent
    with pytest.raises(DomainError, match="cannot be changed"):
        services.reference_request_update(
            applicant=applicant,
            request=request,
            kind=ReferenceKind.NARRATIVE,
            referee_name="X",
            referee_email="x@example.org",
        )
    with pytest.raises(DomainError, match="already sent"):
        services.reference_request_finalise(applicant=applicant, request=request)


def test_a_draft_is_edited_and_bad_input_keeps_what_was_saved(as_user, applicant, draft):
    client = as_user(applicant.user)
    url = f"/en/references/{draft.reference_id}/edit/"
    response = client.post(
        url,
        {
            "kind": ReferenceKind.NARRATIVE,
            "referee_name": "Dr B",
            "referee_email": "",
            "referee_language": "en",
            "delivery": Delivery.EMAIL,
        },
    )
    assert response.status_code == 400
    assert "e-mail address" in response.content.decode()
    draft.refresh_from_db()
    assert draft.referee_name == "Dr Ada Tremblay"
    response = client.post(
        url,
        {
            "kind": ReferenceKind.NARRATIVE,
            "referee_name": "Dr B",
            "referee_email": "",
            "referee_language": "en",
            "delivery": Delivery.COVER_SHEET,
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.referee_name == "Dr B" and draft.delivery == Delivery.COVER_SHEET


def test_sending_again_issues_a_new_link_and_kills_the_old(
    as_user, applicant, sent, django_capture_on_commit_callbacks
):
    request, old = sent
    with django_capture_on_commit_callbacks(execute=True):
        services.reference_request_resend(applicant=applicant, request=request)
    new = token_from_mail()
    assert new != old
    client = as_user(None)
    response = client.get(f"/en/references/r/{old}/")
    assert response.status_code == 404
    assert "not valid" in response.content.decode()
    assert client.get(f"/en/references/r/{new}/").status_code == 200


def test_the_link_expires_after_the_configured_days(as_user, sent, settings):
    request, token = sent
    assert request.token_expires_at - timezone.now() > dt.timedelta(
        days=settings.REFERENCE_LINK_DAYS - 1
    )
    with time_machine.travel(
        timezone.now() + dt.timedelta(days=settings.REFERENCE_LINK_DAYS, hours=1)
    ):
        response = as_user(None).get(f"/en/references/r/{token}/")
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_withdrawing_kills_the_link(as_user, applicant, sent):
    request, token = sent
    response = as_user(applicant.user).post(f"/en/references/{request.reference_id}/withdraw/")
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == ReferenceState.WITHDRAWN
    response = as_user(None).get(f"/en/references/r/{token}/")
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


def test_a_received_reference_cannot_be_withdrawn(applicant, received):
    with pytest.raises(DomainError, match="already received"):
        services.reference_request_withdraw(applicant=applicant, request=received)


def test_requests_are_refused_before_opening_and_once_ranking_opens(db):
    for phase, words in (("before_opening", "not open yet"), ("ranking_opens", "closed")):
        cycle, _iteration = factories.make_cycle(phase=phase, current=False)
        applicant = factories.make_applicant(cycle=cycle)
        with pytest.raises(DomainError, match=words):
            services.reference_request_create(
                applicant=applicant,
                cycle=cycle,
                kind=ReferenceKind.NARRATIVE,
                referee_name="Dr A",
                referee_email="a@example.org",
            )
    assert not ReferenceRequest.objects.exists()


def test_a_deadline_message_is_shown_not_a_500(as_user, applicant, cycle, iteration):
    milestone = iteration.milestones.get(kind="ranking_opens")
    with time_machine.travel(milestone.at + dt.timedelta(minutes=1)):
        response = as_user(applicant.user).post(
            "/en/references/new/",
            {
                "kind": ReferenceKind.NARRATIVE,
                "referee_name": "Dr A",
                "referee_email": "a@example.org",
                "referee_language": "en",
                "delivery": Delivery.EMAIL,
            },
        )
    assert response.status_code == 400
    assert "closed" in response.content.decode()


def test_a_cover_sheet_is_a_pdf_with_a_fresh_link(as_user, applicant, draft):
    draft.delivery = Delivery.COVER_SHEET
    draft.referee_email = ""
    draft.save()
    services.reference_request_finalise(applicant=applicant, request=draft)
    assert not mail.outbox
    response = as_user(applicant.user).post(f"/en/references/{draft.reference_id}/cover-sheet/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    draft.refresh_from_db()
    assert draft.token_hash and draft.token_expires_at


def test_the_referee_email_is_in_english_when_chosen(
    applicant, cycle, django_capture_on_commit_callbacks
):
    request = services.reference_request_create(
        applicant=applicant,
        cycle=cycle,
        kind=ReferenceKind.SUPPORT_FORM,
        referee_name="Dr E",
        referee_email="e@example.org",
        referee_language="en",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.reference_request_finalise(applicant=applicant, request=request)
    assert "asks you for a reference" in mail.outbox[0].subject
    assert "Applicant support form" in mail.outbox[0].body


def test_the_references_page_makes_a_fixed_number_of_queries(
    as_user, applicant, cycle, program, django_assert_max_num_queries
):
    from references.tests.conftest import apply

    application = apply(applicant, program)
    for n in range(5):
        r = services.reference_request_create(
            applicant=applicant,
            cycle=cycle,
            kind=ReferenceKind.NARRATIVE,
            referee_name=f"Dr {n}",
            referee_email=f"d{n}@example.org",
        )
        services.reference_assign(applicant=applicant, request=r, application=application)
    client = as_user(applicant.user)
    with django_assert_max_num_queries(16):
        page = client.get("/en/references/")
    assert page.status_code == 200
    assert page.content.decode().count("not received yet") >= 5


def test_the_pages_are_in_french(as_user, applicant, sent):
    request, _token = sent
    page = as_user(applicant.user).get(f"/fr/references/{request.reference_id}/").content.decode()
    assert "Demandée le" in page and "Mes références" in page
