"""The applicant's own file and “can I apply here?” through the API."""

from __future__ import annotations

import pytest

from applicants.models import FileEntry
from tests import factories

pytestmark = pytest.mark.django_db
FILE = "/en/api/applicants/me/file"


def test_the_file_lists_groups_sections_entries_and_completeness(as_user, applicant):
    FileEntry.objects.create(
        applicant=applicant, section="work", language="en", data={"employer": "CHUM"}
    )
    FileEntry.objects.create(
        applicant=applicant, section="work", language="fr", data={"employer": "caché"}
    )
    out = as_user(applicant.user).get(FILE).json()
    assert out["languages"] == ["en"] and out["groups"][0]["key"] == "profile"
    work = next(s for g in out["groups"] for s in g["sections"] if s["key"] == "work")
    assert work["requirement"] == "required" and not work["complete"]  # the entry is incomplete
    assert [e["data"]["employer"] for e in work["entries"]] == ["CHUM"]  # French one is hidden
    assert 0 <= out["percent"] < 100


def test_the_file_comes_in_french(as_user, applicant):
    out = as_user(applicant.user).get(FILE.replace("/en/", "/fr/")).json()
    assert out["groups"][1]["title"] == "Formation"


def test_can_apply_gives_the_verdict_and_its_reasons(as_user, cycle, iteration):
    program = factories.make_program(cycle=cycle, iteration=iteration, streams={"IMG": 1})
    cmg = factories.make_applicant(cycle=cycle)
    out = as_user(cmg.user).get(f"/en/api/applicants/me/can-apply/{program.code}").json()
    assert out["allowed"] is False and out["quota"] is None
    stream = next(r for r in out["reasons"] if r["code"] == "stream")
    assert not stream["ok"] and "international medical graduates" in stream["message"]
    img = factories.make_applicant(cycle=cycle, img=True)
    out = as_user(img.user).get(f"/en/api/applicants/me/can-apply/{program.code}").json()
    assert out["allowed"] is True and out["quota"] == f"{program.code}-IMG"
    assert as_user(img.user).get("/en/api/applicants/me/can-apply/NOPE").status_code == 404


# --- Refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["director", "match_admin", None])
def test_only_applicants_have_a_file_and_a_verdict(as_user, program, persona, request):
    user = request.getfixturevalue(persona) if persona else None
    client = as_user(user)
    expected = 403 if user else 401
    assert client.get(FILE).status_code == expected
    assert client.get(f"/en/api/applicants/me/can-apply/{program.code}").status_code == expected


def test_an_applicant_sees_only_their_own_file(as_user, applicant, other_applicant):
    FileEntry.objects.create(
        applicant=other_applicant, section="work", language="en", data={"employer": "Secret"}
    )
    body = as_user(applicant.user).get(FILE).content.decode()
    assert "Secret" not in body and applicant.matching_id in body
