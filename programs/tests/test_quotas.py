"""Quotas and reversion: the school's PGME office sets the positions of each stream and where
unfilled positions go (an ordered chain), until ranking opens; directors read them."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from accounts.models import Role
from core.errors import DomainError
from core.models import AuditEntry
from cycles.models import MilestoneKind
from cycles.selectors import milestone_at
from programs import services
from programs.models import Quota
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle_and_iteration(db):  # type: ignore[no-untyped-def]
    """Interviews are over; ranking opens in ten days: quotas may still change."""
    return factories.make_cycle(phase="interviews_end")


def _post(quotas: dict[Quota, tuple[int, Quota | None]]) -> dict[str, str]:
    data = {}
    for quota, (positions, target) in quotas.items():
        data[f"q{quota.pk}-positions"] = str(positions)
        data[f"q{quota.pk}-reverts_to"] = str(target.pk) if target else ""
    return data


def _path(program):  # type: ignore[no-untyped-def]
    return f"/en/programs/{program.code}/quotas/"


def test_the_office_sets_positions_and_a_reversion_chain_shown_in_words(
    as_user, client, cycle, iteration, program, pgme
):
    sibling = factories.make_program(cycle=cycle, iteration=iteration, school=program.school)
    cmg, img = program.quotas.get(stream="CMG"), program.quotas.get(stream="IMG")
    sibling_cmg = sibling.quotas.get(stream="CMG")
    services.quota_update(actor=pgme, quota=sibling_cmg, positions=4, reverts_to=None)
    response = as_user(pgme).post(_path(program), _post({cmg: (5, sibling_cmg), img: (3, cmg)}))
    assert response.status_code == 302
    img.refresh_from_db()
    assert img.positions == 3 and img.reverts_to == cmg
    page = client.get(f"/en/programs/{program.code}/").content.decode()
    chain = page[page.index("International medical graduates") :]
    assert "Unfilled positions go, in this order, to:" in chain
    first, second = chain.index(f"{program.code} — Canadian"), chain.index(f"{sibling.code} — ")
    assert first < second  # A → B → C, in order
    assert "stay unfilled" in chain
    assert AuditEntry.objects.filter(action="programs.quota.updated").count() >= 3


def test_the_director_sees_the_quotas_read_only(as_user, program, director):
    cmg, img = program.quotas.get(stream="CMG"), program.quotas.get(stream="IMG")
    page = as_user(director).get(_path(program)).content.decode()
    assert "The school's PGME office sets these quotas" in page
    assert f'name="q{cmg.pk}-positions"' not in page
    response = as_user(director).post(_path(program), _post({cmg: (9, None), img: (1, None)}))
    assert response.status_code == 403
    cmg.refresh_from_db()
    assert cmg.positions == 2


def test_a_reversion_loop_is_refused_and_nothing_is_saved(as_user, program, pgme):
    cmg, img = program.quotas.get(stream="CMG"), program.quotas.get(stream="IMG")
    response = as_user(pgme).post(_path(program), _post({cmg: (7, img), img: (1, cmg)}))
    assert "loop" in response.content.decode()
    cmg.refresh_from_db()
    assert cmg.reverts_to is None and cmg.positions == 2


def test_reversion_stays_within_the_school_and_the_iteration(program, other_program, pgme):
    cmg = program.quotas.get(stream="CMG")
    with pytest.raises(DomainError, match="same school"):
        services.quota_update(
            actor=pgme, quota=cmg, positions=2, reverts_to=other_program.quotas.first()
        )


def test_quotas_are_final_once_ranking_opens(as_user, iteration, program, pgme):
    cmg, img = program.quotas.get(stream="CMG"), program.quotas.get(stream="IMG")
    opens = milestone_at(iteration, MilestoneKind.RANKING_OPENS)
    with time_machine.travel(opens + dt.timedelta(seconds=1)):
        page = as_user(pgme).get(_path(program)).content.decode()
        assert "Quotas and reversion are final" in page
        response = as_user(pgme).post(_path(program), _post({cmg: (9, None), img: (1, None)}))
        assert "closed" in response.content.decode()
    cmg.refresh_from_db()
    assert cmg.positions == 2


@pytest.mark.parametrize("persona", ["other_pgme", "other_director", "reviewer", "applicant"])
def test_others_neither_read_nor_set_the_quotas_page(as_user, program, persona, request):
    user = request.getfixturevalue(persona)
    user = getattr(user, "user", user)
    cmg, img = program.quotas.get(stream="CMG"), program.quotas.get(stream="IMG")
    assert as_user(user).get(_path(program)).status_code == 403
    response = as_user(user).post(_path(program), _post({cmg: (9, None), img: (1, None)}))
    assert response.status_code == 403
    cmg.refresh_from_db()
    assert cmg.positions == 2


def test_the_program_administrator_cannot_set_quotas_either(as_user, program):
    admin = factories.make_staff(role=Role.PROGRAM_ADMINISTRATOR, program=program)
    cmg = program.quotas.get(stream="CMG")
    assert as_user(admin).post(_path(program), _post({cmg: (9, None)})).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(as_user, program):
    assert "/accounts/login/" in as_user(None).get(_path(program))["Location"]
