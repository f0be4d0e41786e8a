import pytest
import time_machine
from django.urls import reverse

from matchruns.models import MatchRun, RunKind
from matchruns.services import match_run
from matchruns.tests.conftest import after_deadlines, release

ADMIN_HOME = reverse("matchruns:admin_home")


def test_the_administrator_sees_phase_counts_and_runs(world, iteration, match_admin, as_user):
    run = match_run(actor=match_admin, iteration=iteration)
    response = as_user(match_admin).get(ADMIN_HOME)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Rank order list entry opens" in body
    assert "3 applicant lists" in body and "1 couple list" in body
    assert run.snapshot_sha256 in body
    assert reverse("matchruns:download", args=[run.pk, "instance"]) in body


@pytest.mark.parametrize("persona", ["applicant", "director", "reviewer", "pgme"])
def test_the_administration_page_is_refused_to_everyone_else(persona, request, as_user):
    user = request.getfixturevalue(persona)
    user = getattr(user, "user", user)
    assert as_user(user).get(ADMIN_HOME).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(db, as_user):
    response = as_user(None).get(ADMIN_HOME)
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_run_button_starts_a_dry_run_in_the_background(world, iteration, match_admin, as_user):
    response = as_user(match_admin).post(
        reverse("matchruns:run_start"), {"kind": "dry", "iteration": iteration.pk}, follow=True
    )
    assert response.status_code == 200
    run = MatchRun.objects.get()
    assert run.kind == RunKind.DRY and run.created_by == match_admin


def test_a_refused_official_run_is_shown_on_the_page(world, iteration, match_admin, as_user):
    client = as_user(match_admin)
    response = client.post(
        reverse("matchruns:run_start"), {"kind": "official", "iteration": iteration.pk}
    )
    assert response.status_code == 302
    assert not MatchRun.objects.exists()
    # Refused before the deadline: nothing runs; the button is not even offered.
    assert "Run the official match" not in client.get(ADMIN_HOME).content.decode()


def test_a_failed_run_is_listed_with_its_reason(
    world, iteration, match_admin, as_user, monkeypatch
):
    import matchengine

    monkeypatch.setattr(matchengine, "solve", lambda *a, **k: 1 / 0)
    as_user(match_admin).post(reverse("matchruns:run_start"), {"kind": "dry"})
    body = as_user(match_admin).get(ADMIN_HOME).content.decode()
    assert "Recent refused runs" in body and "ZeroDivisionError" in body


@pytest.mark.parametrize("persona", ["applicant", "director", None])
def test_starting_a_run_is_refused_to_non_administrators(world, persona, request, as_user):
    user = request.getfixturevalue(persona) if persona else None
    user = getattr(user, "user", user)
    response = as_user(user).post(reverse("matchruns:run_start"), {"kind": "dry"})
    assert response.status_code in (302, 403)
    if user is not None:
        assert response.status_code == 403
    assert not MatchRun.objects.exists()


def test_the_administrator_downloads_snapshot_and_dry_result(
    world, iteration, match_admin, as_user
):
    run = match_run(actor=match_admin, iteration=iteration)
    client = as_user(match_admin)
    instance = client.get(reverse("matchruns:download", args=[run.pk, "instance"]))
    assert instance.status_code == 200 and instance.content.decode() == run.snapshot
    result = client.get(reverse("matchruns:download", args=[run.pk, "result"]))
    assert result.status_code == 200 and result.json()["assignments"]
    assert client.get(reverse("matchruns:download", args=[run.pk, "other"])).status_code == 404


def test_the_official_result_file_leaves_the_server_only_at_release(
    world, iteration, match_admin, as_user
):
    with time_machine.travel(after_deadlines(iteration)):
        run = match_run(actor=match_admin, iteration=iteration)
    url = reverse("matchruns:download", args=[run.pk, "result"])
    with time_machine.travel(release(iteration).timestamp() - 1):
        assert as_user(match_admin).get(url).status_code == 404
    with time_machine.travel(release(iteration)):
        assert as_user(match_admin).get(url).status_code == 200


@pytest.mark.parametrize("persona", ["applicant", "director", "pgme"])
def test_downloads_are_refused_to_everyone_but_the_administrator(
    world, iteration, match_admin, persona, request, as_user
):
    run = match_run(actor=match_admin, iteration=iteration)
    user = request.getfixturevalue(persona)
    user = getattr(user, "user", user)
    for what in ("instance", "result"):
        url = reverse("matchruns:download", args=[run.pk, what])
        assert as_user(user).get(url).status_code == 403
    assert as_user(None).get(url).status_code == 302


def test_the_django_admin_lists_runs_read_only_with_a_run_button(
    world, iteration, match_admin, as_user
):
    match_admin.is_staff = True
    match_admin.save()
    client = as_user(match_admin)
    changelist = client.get(reverse("admin:matchruns_matchrun_changelist"))
    assert changelist.status_code == 200
    assert "Run the match now" in changelist.content.decode()
    client.post(reverse("admin:matchruns_matchrun_run_now"))
    run = MatchRun.objects.get()
    page = client.get(reverse("admin:matchruns_matchrun_change", args=[run.pk]))
    assert page.status_code == 200
    assert run.snapshot_sha256 in page.content.decode()


def test_the_django_admin_refuses_staff_who_are_not_match_administrators(world, director, as_user):
    director.is_staff = True
    director.save()
    response = as_user(director).get(reverse("admin:matchruns_matchrun_changelist"))
    assert response.status_code == 403
    as_user(director).post(reverse("admin:matchruns_matchrun_run_now"))
    assert not MatchRun.objects.exists()


def test_the_administration_page_takes_a_fixed_number_of_queries(
    world, iteration, match_admin, as_user, django_assert_max_num_queries
):
    for _ in range(3):
        match_run(actor=match_admin, iteration=iteration)
    client = as_user(match_admin)
    with django_assert_max_num_queries(15):
        assert client.get(ADMIN_HOME).status_code == 200


def test_an_unknown_iteration_is_a_404_not_a_500(match_admin, as_user):
    assert as_user(match_admin).get(ADMIN_HOME + "?iteration=abc").status_code == 404
    assert as_user(match_admin).get(ADMIN_HOME + "?iteration=999999").status_code == 404
