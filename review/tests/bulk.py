"""Many applications to one program, written with ``bulk_create``: the query-count test at
1,500 rows and ``bench/review_list.py`` use it. Each application has what the default
requirements ask for (most of the time), MCC/USMLE results in the file, scores, assignments
and interview statuses, so every column and filter of the list has work to do."""

from __future__ import annotations

import datetime as dt
import itertools
import random

from django.utils import timezone

from accounts.models import Role, RoleAssignment, User
from applicants.models import ApplicantProfile, FileEntry, MedicalSchoolRegion
from applications.models import Application, ApplicationStatus
from core.choices import Stream
from documents.models import Document, DocumentAssignment, PersonalLetter
from interviews.models import InterviewOffer, InterviewStatus
from programs.models import Program, Quota
from references.models import ReferenceAssignment, ReferenceRequest
from review.models import Criterion, ReviewAssignment, Score

_batch = itertools.count(1)
SCHOOLS = ["University of Toronto", "McGill University", "Université Laval", "Dalhousie"]


def populate(
    *, program: Program, n: int, seed: int = 1, reviewers: list[User] | None = None
) -> list[int]:
    """``n`` submitted applications to ``program`` (its CMG and IMG quotas), by new applicants;
    returns their ids. ``reviewers`` (default: three new file reviewers) score half of them."""
    rng = random.Random(seed)
    b = next(_batch)
    now = timezone.now()
    cycle = program.cycle
    quotas = {q.stream: q for q in Quota.objects.filter(program=program)}
    cmg, img = quotas.get(Stream.CMG), quotas.get(Stream.IMG) or quotas.get(Stream.CMG)
    users = User.objects.bulk_create(
        [
            User(email=f"bulk{b}.{i}@example.org", first_name=f"Given{i}", password="!")
            for i in range(n)
        ],
        batch_size=500,
    )
    profiles = ApplicantProfile.objects.bulk_create(
        [
            ApplicantProfile(
                user=u,
                first_name=f"Given{i}",
                last_name=rng.choice(["Côté", "Nguyen", "Smith", "Tremblay", "Okafor", "Singh"])
                + f" {i}",
                medical_school_region=MedicalSchoolRegion.ELSEWHERE
                if i % 3 == 0
                else MedicalSchoolRegion.CANADA,
                medical_school_name="Cairo University" if i % 3 == 0 else rng.choice(SCHOOLS),
                graduation_year=2025,
                citizenship="citizen",
                matching_id=f"B{b:02d}{i:05d}",
                application_languages=rng.choice(["en", "en", "fr", "both"]),
            )
            for i, u in enumerate(users)
        ],
        batch_size=500,
    )
    applications = Application.objects.bulk_create(
        [
            Application(
                applicant=p,
                program=program,
                quota=img if i % 3 == 0 else cmg,
                status=ApplicationStatus.SUBMITTED,
                submitted_at=now - dt.timedelta(days=rng.randint(1, 30)),
                is_late=rng.random() < 0.05,
            )
            for i, p in enumerate(profiles)
        ],
        batch_size=500,
    )
    entries = []
    for i, p in enumerate(profiles):
        entries.append(
            FileEntry(
                applicant=p,
                section="mcc_exams",
                language="en",
                data={"exam": "mccqe1", "result": "pass", "score": str(rng.randint(220, 300))},
            )
        )
        if i % 3 == 0:
            entries.append(
                FileEntry(
                    applicant=p,
                    section="mcc_exams",
                    language="en",
                    data={"exam": "nac", "result": "pass", "score": str(rng.randint(60, 90))},
                )
            )
        if i % 10 == 0:
            entries.append(
                FileEntry(
                    applicant=p,
                    section="usmle",
                    language="en",
                    data={"step": "step1", "result": "pass", "score": str(rng.randint(200, 260))},
                )
            )
    FileEntry.objects.bulk_create(entries, batch_size=1000)
    documents = Document.objects.bulk_create(
        [
            Document(
                applicant=p,
                cycle=cycle,
                type=t,
                source="applicant",
                language="en",
                status="processed",
            )
            for p in profiles
            for t in ("cv", "mspr", "transcript")
        ],
        batch_size=1000,
    )
    DocumentAssignment.objects.bulk_create(
        [
            DocumentAssignment(
                document=d, application=applications[k // 3], late=rng.random() < 0.02
            )
            for k, d in enumerate(documents)
            if rng.random() < 0.97
        ],
        batch_size=1000,
    )
    PersonalLetter.objects.bulk_create(
        [
            PersonalLetter(
                applicant=p, program=program, language="en", text="Dear committee.", assigned_at=now
            )
            for p in profiles
        ],
        batch_size=1000,
    )
    requests = ReferenceRequest.objects.bulk_create(
        [
            ReferenceRequest(
                reference_id=f"B{b:02d}{k:07d}"[:12],
                applicant=p,
                cycle=cycle,
                kind="letter",
                referee_name="Dr Referee",
                state="received",
                received_at=now,
            )
            for k, p in enumerate(p for p in profiles for _r in range(3))
        ],
        batch_size=1000,
    )
    ReferenceAssignment.objects.bulk_create(
        [
            ReferenceAssignment(request=r, application=applications[k // 3])
            for k, r in enumerate(requests)
            if rng.random() < 0.95
        ],
        batch_size=1000,
    )
    InterviewOffer.objects.bulk_create(
        [
            InterviewOffer(application=a, status=rng.choice(list(InterviewStatus.values)))
            for a in applications
            if rng.random() < 0.3
        ],
        batch_size=1000,
    )
    criteria = list(Criterion.objects.filter(program=program))
    if not criteria:
        criteria = Criterion.objects.bulk_create(
            [
                Criterion(
                    program=program,
                    name_en=f"C{k}",
                    name_fr=f"C{k}",
                    scale_max=10,
                    weight=k + 1,
                    position=k,
                )
                for k in range(4)
            ]
        )
    if reviewers is None:
        reviewers = []
        for k in range(3):
            user = User.objects.create(email=f"bulk{b}.reviewer{k}@example.org", password="!")
            RoleAssignment.objects.create(user=user, role=Role.FILE_REVIEWER, program=program)
            reviewers.append(user)
    scores, assignments = [], []
    for a in applications:
        for reviewer in reviewers:
            if rng.random() < 0.5:
                assignments.append(ReviewAssignment(application=a, reviewer=reviewer))
                if rng.random() < 0.7:
                    scores += [
                        Score(
                            application=a,
                            criterion=c,
                            reviewer=reviewer,
                            value=rng.randint(0, c.scale_max),
                        )
                        for c in criteria
                    ]
    ReviewAssignment.objects.bulk_create(assignments, batch_size=1000)
    Score.objects.bulk_create(scores, batch_size=1000)
    return [a.pk for a in applications]
