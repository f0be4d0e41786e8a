"""Two applicants link as a couple and rank program pairs together."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from applicants.models import Couple, CoupleStatus
from core.models import AuditEntry
from cycles.models import MilestoneKind
from cycles.selectors import milestone_at
from ranking.models import RankEntry, RankListVersion
from ranking.tests.conftest import apply
from tests import factories

pytestmark = pytest.mark.django_db

PAGE = reverse("ranking:couple")
INVITE = reverse("ranking:couple_invite")
EDIT = reverse("ranking:couple_edit")


@pytest.fixture
def partner(cycle):  # type: ignore[no-untyped-def]
    return factories.make_applicant(cycle=cycle, language="fr")


@pytest.fixture
def linked(applicant, partner, iteration):  # type: ignore[no-untyped-def]
    return Couple.objects.create(
        cycle=iteration.cycle, inviter=applicant, partner=partner, status=CoupleStatus.ACTIVE
    )


def test_an_invitation_by_match_identifier_emails_the_partner_in_their_language(
    as_user, applicant, partner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(applicant.user).post(INVITE, {"partner": partner.matching_id})
    assert response.status_code == 302
    couple = Couple.objects.get()
    assert (couple.inviter, couple.partner, couple.status) == (
        applicant,
        partner,
        CoupleStatus.PENDING,
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [partner.user.email]
    assert "/fr/ranking/couple/" in message.body
    assert "vous invite à vous classer en couple" in message.subject
    assert "Bonjour" in message.body
    assert AuditEntry.objects.filter(action="ranking.couple.invite").exists()


def test_an_invitation_by_e_mail_address_works_too(as_user, applicant, partner):
    as_user(applicant.user).post(INVITE, {"partner": partner.user.email.upper()})
    assert Couple.objects.filter(partner=partner).exists()


@pytest.mark.parametrize("value", ["", "A999999", "nobody@example.org"])
def test_an_unknown_partner_is_refused_with_a_message(as_user, applicant, value):
    response = as_user(applicant.user).post(INVITE, {"partner": value}, follow=True)
    assert "Check it with your partner" in response.content.decode()
    assert not Couple.objects.exists()


def test_inviting_yourself_or_a_linked_applicant_is_refused(
    as_user, applicant, partner, other_applicant, linked
):
    response = as_user(other_applicant.user).post(
        INVITE, {"partner": other_applicant.matching_id}, follow=True
    )
    assert "cannot invite yourself" in response.content.decode()
    response = as_user(other_applicant.user).post(
        INVITE, {"partner": partner.matching_id}, follow=True
    )
    assert "already linked in another couple" in response.content.decode()
    assert Couple.objects.count() == 1


def test_the_partner_accepts_and_the_couple_is_linked(
    as_user, applicant, partner, django_capture_on_commit_callbacks
):
    as_user(applicant.user).post(INVITE, {"partner": partner.matching_id})
    couple = Couple.objects.get()
    page = as_user(partner.user).get(PAGE).content.decode()
    assert "invites you to rank as a couple" in page
    with django_capture_on_commit_callbacks(execute=True):
        as_user(partner.user).post(
            reverse("ranking:couple_respond", args=[couple.pk]), {"answer": "accept"}
        )
    couple.refresh_from_db()
    assert couple.status == CoupleStatus.ACTIVE
    assert couple.accepted_at is not None
    assert mail.outbox[-1].to == [applicant.user.email]


def test_the_partner_may_decline(as_user, applicant, partner):
    as_user(applicant.user).post(INVITE, {"partner": partner.matching_id})
    couple = Couple.objects.get()
    as_user(partner.user).post(
        reverse("ranking:couple_respond", args=[couple.pk]), {"answer": "decline"}
    )
    couple.refresh_from_db()
    assert couple.status == CoupleStatus.DECLINED


def test_only_the_invited_partner_may_answer(as_user, applicant, partner, other_applicant):
    as_user(applicant.user).post(INVITE, {"partner": partner.matching_id})
    couple = Couple.objects.get()
    url = reverse("ranking:couple_respond", args=[couple.pk])
    for user in (applicant.user, other_applicant.user):
        assert as_user(user).post(url, {"answer": "accept"}).status_code == 403
    assert as_user(None).post(url, {"answer": "accept"}).status_code == 302
    couple.refresh_from_db()
    assert couple.status == CoupleStatus.PENDING


def test_a_linked_couple_ranks_pairs_and_either_member_may_edit_and_submit(
    as_user, applicant, partner, linked, quotas
):
    apply(applicant, quotas[0])
    apply(applicant, quotas[1])
    apply(partner, quotas[1])
    apply(partner, quotas[2])
    as_user(applicant.user).post(
        EDIT, {"op": "add", "quota": quotas[0].pk, "partner_quota": quotas[2].pk}
    )
    as_user(partner.user).post(EDIT, {"op": "add", "quota": quotas[1].pk, "partner_quota": "none"})
    as_user(partner.user).post(EDIT, {"op": "add", "quota": "none", "partner_quota": quotas[1].pk})
    pairs = list(
        RankEntry.objects.filter(rank_list__couple=linked)
        .order_by("position")
        .values_list("quota_id", "partner_quota_id")
    )
    assert pairs == [(quotas[0].pk, quotas[2].pk), (quotas[1].pk, None), (None, quotas[1].pk)]
    last = RankEntry.objects.get(rank_list__couple=linked, position=3)
    as_user(applicant.user).post(EDIT, {"op": "up", "entry": last.pk})
    as_user(partner.user).post(EDIT, {"op": "submit"})
    version = RankListVersion.objects.get(rank_list__couple=linked)
    assert [(e["quota"], e["partner_quota"]) for e in version.entries] == [
        (quotas[0].code, quotas[2].code),
        (None, quotas[1].code),
        (quotas[1].code, None),
    ]
    assert version.submitted_by == partner.user
    response = as_user(applicant.user).get(reverse("ranking:couple_pdf"))
    assert response.content.startswith(b"%PDF")


def test_a_pair_must_name_a_program_each_member_applied_to_and_not_be_empty(
    as_user, applicant, partner, linked, quotas
):
    apply(applicant, quotas[0])
    client = as_user(applicant.user)
    response = client.post(
        EDIT, {"op": "add", "quota": "none", "partner_quota": "none"}, follow=True
    )
    assert "at least one of you" in response.content.decode()
    response = client.post(
        EDIT, {"op": "add", "quota": quotas[0].pk, "partner_quota": quotas[0].pk}, follow=True
    )
    assert "did not apply to" in response.content.decode()
    response = client.post(EDIT, {"op": "add", "quota": "999999"}, follow=True)
    assert "Choose one of the programs" in response.content.decode()
    assert not RankEntry.objects.exists()


def test_the_individual_page_says_a_linked_couple_list_is_used_instead(as_user, applicant, linked):
    body = as_user(applicant.user).get(reverse("ranking:applicant")).content.decode()
    assert "is used in the match, not this list" in body


def test_an_applicant_outside_the_couple_cannot_edit_or_unlink_it(
    as_user, other_applicant, linked, director
):
    client = as_user(other_applicant.user)
    assert client.post(EDIT, {"op": "submit"}).status_code == 404
    assert client.get(reverse("ranking:couple_pdf")).status_code == 404
    url = reverse("ranking:couple_dissolve", args=[linked.pk])
    assert client.post(url).status_code == 403
    assert as_user(director).get(PAGE).status_code == 403
    assert as_user(None).get(PAGE).status_code == 302
    linked.refresh_from_db()
    assert linked.status == CoupleStatus.ACTIVE


def test_either_member_unlinks_before_the_deadline_but_not_after(
    as_user, applicant, partner, linked, iteration
):
    url = reverse("ranking:couple_dissolve", args=[linked.pk])
    deadline = milestone_at(iteration, MilestoneKind.APPLICANT_ROL_DEADLINE)
    with time_machine.travel(deadline + dt.timedelta(minutes=1)):
        response = as_user(partner.user).post(url, follow=True)
        assert "closed at the" in response.content.decode()
    linked.refresh_from_db()
    assert linked.status == CoupleStatus.ACTIVE
    as_user(partner.user).post(url)
    linked.refresh_from_db()
    assert linked.status == CoupleStatus.DISSOLVED
    assert AuditEntry.objects.filter(action="ranking.couple.dissolve").exists()


def test_the_inviter_may_cancel_a_pending_invitation(as_user, applicant, partner):
    as_user(applicant.user).post(INVITE, {"partner": partner.matching_id})
    couple = Couple.objects.get()
    as_user(applicant.user).post(reverse("ranking:couple_dissolve", args=[couple.pk]))
    couple.refresh_from_db()
    assert couple.status == CoupleStatus.DISSOLVED


def test_the_couple_page_is_in_french_under_the_french_prefix(as_user, applicant):
    body = as_user(applicant.user).get("/fr/ranking/couple/").content.decode()
    assert "Se classer en couple" in body
