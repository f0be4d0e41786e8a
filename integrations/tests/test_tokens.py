"""Organisation tokens: only an active organisation of the right kind with an unrevoked token."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from integrations.auth import OrganisationToken
from integrations.models import Organisation, OrganisationKind
from integrations.services import token_issue, token_revoke

pytestmark = pytest.mark.django_db


def _request(raw: str | None):  # type: ignore[no-untyped-def]
    headers = {} if raw is None else {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    return RequestFactory().post("/api/x", **headers)


def test_a_token_identifies_its_organisation_and_is_stored_only_as_a_digest() -> None:
    mcc = Organisation.objects.create(name="MCC", kind=OrganisationKind.MCC)
    token, raw = token_issue(actor=None, organisation=mcc)
    assert raw not in token.digest and raw.startswith(token.prefix)
    assert OrganisationToken(OrganisationKind.MCC)(_request(raw)) == mcc


def test_refused_wrong_kind_revoked_inactive_missing_or_unknown() -> None:
    mcc = Organisation.objects.create(name="MCC", kind=OrganisationKind.MCC)
    school = Organisation.objects.create(name="School", kind=OrganisationKind.SCHOOL)
    _, mcc_raw = token_issue(actor=None, organisation=mcc)
    school_token, school_raw = token_issue(actor=None, organisation=school)
    only_mcc = OrganisationToken(OrganisationKind.MCC)
    assert only_mcc(_request(school_raw)) is None
    assert only_mcc(_request(None)) is None
    assert only_mcc(_request("jmlg_not-a-token")) is None
    token_revoke(actor=None, token=school_token)
    assert OrganisationToken(OrganisationKind.SCHOOL)(_request(school_raw)) is None
    mcc.active = False
    mcc.save()
    assert only_mcc(_request(mcc_raw)) is None
