"""Scores on the program's criteria and reviewers' notes: who writes, what is checked, when
it closes, who reads what; the mean and weighted total in the list; the API."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine

from cycles.selectors import milestone_at
from review import services
from review.models import ReviewNote, Score

pytestmark = pytest.mark.django_db


def _post_scores(client, app, values):  # type: ignore[no-untyped-def]
    return client.post(
        f"/en/review/application/{app.pk}/scores/",
        {f"criterion-{c.pk}": v for c, v in values},
        follow=True,
    )


def test_a_reviewer_scores_each_criterion_and_sees_the_weighted_total(as_user, world, criteria):
    clinical, letter = criteria
    page = _post_scores(as_user(world.reviewer), world.cmg, [(clinical, 8), (letter, 5)])
    assert "Your scores were saved." in page.content.decode()
    assert {(s.criterion_id, s.value) for s in Score.objects.filter(reviewer=world.reviewer)} == {
        (clinical.pk, 8),
        (letter.pk, 5),
    }
    _post_scores(as_user(world.director), world.cmg, [(clinical, 4), (letter, "")])
    # reviewer: (3*8/10 + 1*5/5) / 4 = 85 %; director: clinical only, 40 %
    # the mean per criterion: clinical 6/10, letter 5/5 -> (3*0.6 + 1*1) / 4 = 70 %
    rows = (
        as_user(world.reviewer)
        .get(f"/en/api/review/programs/{world.program.code}/applications?sort=score")
        .json()["rows"]
    )
    assert rows[0]["id"] == world.cmg.pk
    assert rows[0]["mean_score"] == 70.0 and rows[0]["my_score"] == 85.0
    assert rows[0]["reviews"] == 2
    assert rows[1]["mean_score"] is None
    page = as_user(world.reviewer).get(f"/en/review/program/{world.program.code}/").content.decode()
    assert "70 %" in page and "85 %" in page


def test_a_score_outside_the_scale_saves_nothing_and_says_why(as_user, world, criteria):
    clinical, letter = criteria
    client = as_user(world.reviewer)
    page = _post_scores(client, world.cmg, [(clinical, 11), (letter, 3)]).content.decode()
    assert "Scores not saved" in page and not Score.objects.exists()
    with pytest.raises(Exception, match="scored from 0 to 5"):
        services.scores_save(
            reviewer=world.reviewer, application=world.cmg, values={clinical.pk: 2, letter.pk: 9}
        )
    assert not Score.objects.exists()
    response = client.put(
        f"/en/api/review/applications/{world.cmg.pk}/scores/mine",
        json.dumps({"scores": [{"criterion_id": clinical.pk, "value": 99}]}),
        content_type="application/json",
    )
    assert response.status_code == 400 and "from 0 to 10" in response.json()["detail"]
    other = json.dumps({"scores": [{"criterion_id": 987654, "value": 1}]})
    response = client.put(
        f"/en/api/review/applications/{world.cmg.pk}/scores/mine",
        other,
        content_type="application/json",
    )
    assert response.status_code == 400 and not Score.objects.exists()


def test_scoring_closes_at_the_program_rol_deadline(as_user, world, criteria):
    deadline = milestone_at(world.iteration, "program_rol_deadline")
    with time_machine.travel(deadline + dt.timedelta(minutes=1)):
        page = _post_scores(as_user(world.reviewer), world.cmg, [(criteria[0], 5)])
        assert "closed" in page.content.decode()
        page = as_user(world.reviewer).post(
            f"/en/review/application/{world.cmg.pk}/notes/", {"text": "Late thoughts"}, follow=True
        )
        assert "closed" in page.content.decode()
    assert not Score.objects.exists() and not ReviewNote.objects.exists()


def test_scoring_opens_when_file_review_opens(world, criteria):
    opens = milestone_at(world.iteration, "application_deadline")
    with (
        time_machine.travel(opens - dt.timedelta(minutes=1)),
        pytest.raises(Exception, match="not open yet"),
    ):
        services.scores_save(
            reviewer=world.reviewer, application=world.cmg, values={criteria[0].pk: 5}
        )


def test_the_api_gives_and_puts_my_scores(as_user, world, criteria):
    clinical, letter = criteria
    client = as_user(world.reviewer)
    url = f"/en/api/review/applications/{world.cmg.pk}/scores"
    body = client.get(url).json()
    assert [c["name"] for c in body["criteria"]] == ["Clinical", "Letter"]
    assert body["can_write"] is True and body["reviewers"] is None and body["total"] is None
    response = client.put(
        url + "/mine",
        json.dumps({"scores": [{"criterion_id": clinical.pk, "value": 10}]}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["criteria"][0]["mine"] == 10 and response.json()["my_total"] == 100.0
    cleared = client.put(
        url + "/mine",
        json.dumps({"scores": [{"criterion_id": clinical.pk, "value": None}]}),
        content_type="application/json",
    )
    assert cleared.json()["criteria"][0]["mine"] is None and not Score.objects.exists()
    client.put(
        url + "/mine",
        json.dumps({"scores": [{"criterion_id": letter.pk, "value": 4}]}),
        content_type="application/json",
    )
    director = as_user(world.director).get(url).json()
    assert director["reviewers"][0]["scores"][1] == {"criterion_id": letter.pk, "value": 4}
    read_only = as_user(world.read_only).get(url).json()
    assert read_only["can_write"] is False and read_only["reviewers"] is None


def test_notes_are_private_unless_shared_with_the_program_team(as_user, world):
    reader = f"/en/review/application/{world.cmg.pk}/"
    client = as_user(world.reviewer)
    client.post(reader + "notes/", {"text": "Only for me: strong electives."})
    assert "Only for me" in client.get(reader).content.decode()
    for other in (world.director, world.program_admin, world.read_only, world.pgme):
        assert "Only for me" not in as_user(other).get(reader).content.decode(), other
    client.post(reader + "notes/", {"text": "For the team: ask about research.", "shared": "on"})
    assert ReviewNote.objects.get().shared
    for teammate in (world.director, world.program_admin, world.read_only):
        assert "For the team: ask about research." in as_user(teammate).get(reader).content.decode()
    # the PGME office and the match administrator read the file, not the team's notes
    for outsider in (world.pgme, world.match_admin):
        assert "ask about research" not in as_user(outsider).get(reader).content.decode()
    # the text never goes into the audit trail
    from core.models import AuditEntry

    entry = AuditEntry.objects.filter(action="review.note.saved").last()
    assert "research" not in json.dumps(entry.data)
    client.post(reader + "notes/", {"text": "  "})
    assert not ReviewNote.objects.exists()


def test_a_read_only_reviewer_sees_the_panel_without_forms(as_user, world, criteria):
    page = as_user(world.read_only).get(f"/en/review/application/{world.cmg.pk}/").content.decode()
    assert "read-only" in page and 'name="criterion-' not in page
    page = as_user(world.reviewer).get(f"/en/review/application/{world.cmg.pk}/").content.decode()
    assert f'name="criterion-{criteria[0].pk}"' in page and "Save my notes" in page


def test_the_director_defines_the_criteria(as_user, world):
    client = as_user(world.director)
    base = f"/en/review/program/{world.program.code}/criteria/"
    client.post(
        base,
        {
            "new-name_en": "Research",
            "new-name_fr": "Recherche",
            "new-scale_max": 5,
            "new-weight": 2,
        },
    )
    from review.models import Criterion

    criterion = Criterion.objects.get()
    assert (criterion.name_en, criterion.name_fr, criterion.scale_max, criterion.weight) == (
        "Research",
        "Recherche",
        5,
        2,
    )
    page = as_user(world.director).get(f"/fr/review/application/{world.cmg.pk}/").content.decode()
    assert "Recherche" in page
    Score.objects.create(
        application=world.cmg, criterion=criterion, reviewer=world.reviewer, value=4
    )
    page = client.post(
        f"{base}{criterion.pk}/",
        {
            f"c{criterion.pk}-name_en": "Research",
            f"c{criterion.pk}-name_fr": "Recherche",
            f"c{criterion.pk}-scale_max": 3,
            f"c{criterion.pk}-weight": 2,
        },
        follow=True,
    ).content.decode()
    assert "cannot go below it" in page
    criterion.refresh_from_db()
    assert criterion.scale_max == 5
    page = client.post(f"{base}{criterion.pk}/delete/", follow=True).content.decode()
    assert "cannot be deleted" in page and Criterion.objects.exists()
    Score.objects.all().delete()
    client.post(f"{base}{criterion.pk}/delete/")
    assert not Criterion.objects.exists()
    page = client.post(base, {"new-name_en": "X", "new-scale_max": 5, "new-weight": 1}, follow=True)
    assert "not saved" in page.content.decode() and not Criterion.objects.exists()
