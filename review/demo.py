"""File review in the demo cycle: FM-UOFT's scoring criteria, masking rules, files assigned to
the reviewer and the director, some of their scores and notes, and openings of files."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from accounts.models import User
from applications.models import Application, ApplicationStatus
from cycles.models import MilestoneKind
from programs.models import Program
from review.models import (
    AccessKind,
    Criterion,
    FileAccess,
    MaskedItem,
    MaskingRule,
    ReviewAssignment,
    ReviewNote,
    Score,
)

PROGRAM = "FM-UOFT"
DOMAIN = "demo.jumelage.ca"

CRITERIA = [
    # English, French, scale, weight
    ("Clinical experience", "Expérience clinique", 10, 3),
    ("Commitment to family medicine", "Engagement envers la médecine familiale", 10, 3),
    ("Reference letters", "Lettres de recommandation", 5, 2),
    ("Personal letter", "Lettre personnelle", 5, 1),
]

NOTES = [
    (
        "Strong rural electives; ask about the Sioux Lookout placement at the interview.",
        False,
    ),
    ("References praise teamwork and continuity of care.", True),
    ("Personal letter is generic — check fit with the community stream.", False),
    ("Bilingual; interested in francophone clinics in Ontario.", True),
    ("Long gap after graduation, explained in the letter (family reasons).", False),
]


def load(*, cycle: Any, iteration: Any, rng: random.Random, now: dt.datetime) -> dict[str, int]:
    """Write the demo's file review for FM-UOFT; counts of what was written."""
    program = Program.objects.filter(cycle=cycle, code=PROGRAM).first()
    if program is None:
        return {}
    reviewer = User.objects.get(email=f"reviewer@{DOMAIN}")
    director = User.objects.get(email=f"director@{DOMAIN}")
    criteria = Criterion.objects.bulk_create(
        [
            Criterion(
                program=program,
                name_en=en,
                name_fr=fr,
                scale_max=scale,
                weight=weight,
                position=i,
            )
            for i, (en, fr, scale, weight) in enumerate(CRITERIA)
        ]
    )
    MaskingRule.objects.bulk_create(
        [
            MaskingRule(
                program=program, item=MaskedItem.PHOTO, until=MilestoneKind.INTERVIEWS_START
            ),
            MaskingRule(program=program, item=MaskedItem.DATE_OF_BIRTH, until=""),
        ]
    )
    applications = list(
        Application.objects.filter(program=program, status=ApplicationStatus.SUBMITTED)
        .order_by("applicant__last_name", "applicant__first_name", "pk")
        .values_list("pk", flat=True)
    )
    # the reviewer reads every other file, the director every third; some are shared
    for_reviewer = applications[::2]
    for_director = applications[::3]
    assignments = [
        ReviewAssignment(application_id=pk, reviewer=reviewer, assigned_by=director)
        for pk in for_reviewer
    ] + [
        ReviewAssignment(application_id=pk, reviewer=director, assigned_by=director)
        for pk in for_director
    ]
    ReviewAssignment.objects.bulk_create(assignments, batch_size=500)
    scores, notes, accesses = [], [], []
    for user, assigned, share in ((reviewer, for_reviewer, 0.6), (director, for_director, 0.5)):
        scored = assigned[: int(len(assigned) * share)]
        for k, pk in enumerate(scored):
            base = rng.uniform(0.45, 0.95)
            for c in criteria:
                value = round(c.scale_max * min(1.0, max(0.0, base + rng.gauss(0, 0.1))))
                scores.append(Score(application_id=pk, criterion=c, reviewer=user, value=value))
            opened = now - dt.timedelta(days=rng.randint(20, 80), minutes=rng.randint(0, 600))
            accesses.append(
                FileAccess(
                    application_id=pk,
                    user=user,
                    email=user.email,
                    what=AccessKind.READER,
                    at=opened,
                )
            )
            if k % 4 == 0:
                text, shared = NOTES[(k // 4) % len(NOTES)]
                notes.append(ReviewNote(application_id=pk, author=user, text=text, shared=shared))
            if k % 7 == 0:
                accesses.append(
                    FileAccess(
                        application_id=pk,
                        user=user,
                        email=user.email,
                        what=AccessKind.PDF,
                        at=opened + dt.timedelta(minutes=5),
                    )
                )
    Score.objects.bulk_create(scores, batch_size=1000)
    ReviewNote.objects.bulk_create(notes, batch_size=500)
    FileAccess.objects.bulk_create(accesses, batch_size=500)
    return {
        "review_criteria": len(criteria),
        "review_assignments": len(assignments),
        "review_scores": len(scores),
        "review_notes": len(notes),
    }
