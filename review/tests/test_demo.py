"""The demo's file review: FM-UOFT's criteria, masking, assignments, scores and notes, seen by
the reviewer and the director personas."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from review.models import Criterion, MaskingRule, ReviewAssignment, ReviewNote, Score

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    out = StringIO()
    call_command("load_demo", "--scale", "0.05", "--seed", "7", stdout=out)
    return out.getvalue()


def test_the_demo_reviewer_has_files_scores_and_a_masked_date_of_birth(demo, client):
    assert "review criteria" in demo
    reviewer = User.objects.get(email="reviewer@demo.jumelage.ca")
    director = User.objects.get(email="director@demo.jumelage.ca")
    assert Criterion.objects.filter(program__code="FM-UOFT").count() == 4
    assert set(MaskingRule.objects.values_list("item", flat=True)) == {"photo", "date_of_birth"}
    assert ReviewAssignment.objects.filter(reviewer=reviewer).exists()
    assert Score.objects.filter(reviewer=reviewer).exists()
    assert Score.objects.filter(reviewer=director).exists()
    assert ReviewNote.objects.filter(author=reviewer, shared=True).exists()
    client.force_login(reviewer)
    page = client.get("/en/review/program/FM-UOFT/?assigned=me&sort=-my_score")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Date of birth: hidden by the program." in text
    # the photo rule waited for the interviews, which have started in the demo calendar
    assert "Photo" not in text.split("Hidden by the program:")[1].split("</div>")[0]
    client.force_login(director)
    assert "Hidden by the program" not in client.get("/en/review/program/FM-UOFT/").content.decode()
