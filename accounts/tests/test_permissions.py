"""Every rule of core.permissions: who may, and who must be refused."""

from __future__ import annotations

import pytest

from accounts.models import Role
from applicants.models import Couple, FileEntry
from core.permissions import actions, can
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cycle, iteration, program, other_program):
    quota = program.quotas.get(stream="CMG")
    a, b, c = (factories.make_applicant(cycle=cycle) for _ in range(3))
    return {
        "program": program,
        "other_program": other_program,
        "quota": quota,
        "applicant": a,
        "couple": Couple.objects.create(cycle=cycle, inviter=a, partner=b, status="active"),
        "outsider": c,
        "director": factories.make_staff(role=Role.PROGRAM_DIRECTOR, program=program),
        "program_admin": factories.make_staff(role=Role.PROGRAM_ADMINISTRATOR, program=program),
        "reviewer": factories.make_staff(role=Role.FILE_REVIEWER, program=program),
        "other_director": factories.make_staff(role=Role.PROGRAM_DIRECTOR, program=other_program),
        "pgme": factories.make_staff(role=Role.PGME_OFFICE, school=program.school),
        "other_pgme": factories.make_staff(role=Role.PGME_OFFICE, school=other_program.school),
        "aimg": factories.make_staff(role=Role.ASSESSMENT_BODY, province="AB"),
        "bccap": factories.make_staff(role=Role.ASSESSMENT_BODY, province="BC"),
        "admin": factories.make_match_admin(),
        "entry": FileEntry.objects.create(applicant=a, section="work", language="en", data={}),
    }


CASES = [
    ("match.administer", None, ["admin"], ["director", "pgme", "aimg", "applicant"]),
    ("applicant.act", None, ["applicant", "outsider"], ["director", "admin", "aimg"]),
    ("applicant.view", "applicant", ["applicant", "admin"], ["outsider", "director", "pgme"]),
    ("couple.respond", "couple", ["partner"], ["applicant", "outsider", "admin"]),
    ("couple.act", "couple", ["applicant", "partner"], ["outsider", "director"]),
    ("program.staff_home", None, ["director", "reviewer", "pgme"], ["applicant", "aimg"]),
    (
        "program.view_applications",
        "program",
        ["director", "program_admin", "reviewer", "pgme", "admin"],
        ["other_director", "other_pgme", "applicant", "aimg"],
    ),
    (
        "program.edit",
        "program",
        ["director", "program_admin", "pgme", "admin"],
        ["reviewer", "other_director", "other_pgme", "applicant"],
    ),
    (
        "quota.rank",
        "quota",
        ["director", "program_admin"],
        ["reviewer", "pgme", "other_director", "admin", "applicant"],
    ),
    (
        "program.view_results",
        "program",
        ["director", "reviewer", "pgme", "admin"],
        ["other_director", "other_pgme", "applicant"],
    ),
    ("province.manage_list", "AB", ["aimg", "admin"], ["bccap", "director", "applicant"]),
    ("matchrun.view", None, ["admin"], ["director", "pgme", "applicant"]),
    ("applicant.file_entry", "entry", ["applicant"], ["outsider", "admin", "director", "aimg"]),
]


def _user(world, name):
    if name == "partner":
        return world["couple"].partner.user
    person = world[name]
    return getattr(person, "user", person)


@pytest.mark.parametrize(("action", "target", "allowed", "refused"), CASES)
def test_each_rule_allows_and_refuses_the_right_people(world, action, target, allowed, refused):
    obj = world.get(target, target) if target else None
    for name in allowed:
        assert can(_user(world, name), action, obj), f"{name} should be allowed {action}"
    for name in refused:
        assert not can(_user(world, name), action, obj), f"{name} must be refused {action}"


#: Rules whose objects belong to a later app, with their allow/refuse matrix in that app's tests.
COVERED_IN_APPS = {
    # documents/tests/test_permissions.py
    "document.view",
    "document.process",
    "letter.view",
    # programs/tests/test_descriptions.py
    "program.describe",
    "program.approvals",
}


def test_every_rule_is_covered_here():
    assert {case[0] for case in CASES} | COVERED_IN_APPS == set(actions())


def test_anonymous_and_inactive_users_are_refused_everything(world):
    from django.contrib.auth.models import AnonymousUser

    director = world["director"]
    director.is_active = False
    for action in actions():
        assert not can(AnonymousUser(), action, world["program"])
        assert not can(director, action, world["program"])


# --- references ---
# The rules of references/ (their own block, so other apps' additions merge cleanly).
REFERENCE_CASES = [
    ("reference.manage", ["applicant"], ["outsider", "director", "admin"]),
    (
        "reference.read_content",
        ["director", "program_admin", "reviewer", "admin"],
        ["applicant", "outsider", "other_director", "pgme"],
    ),
]
CASES = CASES + [(a, "reference", ok, no) for a, ok, no in REFERENCE_CASES]  # coverage check only


@pytest.mark.parametrize(("action", "allowed", "refused"), REFERENCE_CASES)
def test_each_reference_rule_allows_and_refuses_the_right_people(world, action, allowed, refused):
    from django.utils import timezone

    from applications.models import Application
    from references.models import ReferenceAssignment, ReferenceRequest

    applicant, program = world["applicant"], world["program"]
    reference = ReferenceRequest.objects.create(
        reference_id="REF-PERM01",
        applicant=applicant,
        cycle=program.cycle,
        kind="narrative",
        referee_name="Dr R",
        state="received",
    )
    application = Application.objects.create(
        applicant=applicant,
        program=program,
        quota=world["quota"],
        status="submitted",
        submitted_at=timezone.now(),
    )
    ReferenceAssignment.objects.create(request=reference, application=application)
    for name in allowed:
        assert can(_user(world, name), action, reference), f"{name} should be allowed {action}"
    for name in refused:
        assert not can(_user(world, name), action, reference), f"{name} must be refused {action}"


# --- the program's workspace (descriptions, file review, interviews) ---
# Objects: a submitted CMG application to the program; reviewers limited by access and stream.
WORKSPACE_CASES = [
    (
        "application.review",
        "application",
        [
            "director",
            "program_admin",
            "reviewer",
            "readonly_reviewer",
            "cmg_reviewer",
            "pgme",
            "admin",
        ],
        ["img_reviewer", "other_director", "other_pgme", "applicant", "outsider", "aimg"],
    ),
    (
        "review.write",
        "application",
        ["director", "program_admin", "reviewer", "cmg_reviewer"],
        ["readonly_reviewer", "img_reviewer", "pgme", "admin", "other_director", "applicant"],
    ),
    (
        "interview.decide",
        "application",
        ["director", "program_admin", "reviewer", "cmg_reviewer"],
        ["readonly_reviewer", "img_reviewer", "pgme", "admin", "other_director", "applicant"],
    ),
    (
        "program.manage_review",
        "program",
        ["director", "program_admin"],
        ["reviewer", "pgme", "admin", "other_director", "applicant"],
    ),
    (
        "program.approve",
        "program",
        ["pgme", "admin"],
        ["director", "program_admin", "reviewer", "other_pgme", "applicant"],
    ),
    (
        "quota.approve_rank_list",
        "quota",
        ["pgme"],
        ["director", "program_admin", "reviewer", "other_pgme", "admin", "applicant"],
    ),
    ("interview.respond", "offer", ["applicant"], ["outsider", "director", "reviewer", "admin"]),
]
CASES = CASES + WORKSPACE_CASES  # coverage check only (run below, with their objects)


@pytest.mark.parametrize(("action", "target", "allowed", "refused"), WORKSPACE_CASES)
def test_each_workspace_rule_allows_and_refuses_the_right_people(
    world, action, target, allowed, refused
):
    from django.utils import timezone

    from applications.models import Application
    from interviews.models import InterviewOffer

    program = world["program"]
    application = Application.objects.create(
        applicant=world["applicant"],
        program=program,
        quota=world["quota"],
        status="submitted",
        submitted_at=timezone.now(),
    )
    world["application"] = application
    world["offer"] = InterviewOffer.objects.create(application=application, status="selected")
    for name, options in {
        "readonly_reviewer": {"read_only": True},
        "cmg_reviewer": {"streams": ["CMG"]},
        "img_reviewer": {"streams": ["IMG"]},
    }.items():
        world[name] = factories.make_staff(role=Role.FILE_REVIEWER, program=program, **options)
    obj = world[target]
    for name in allowed:
        assert can(_user(world, name), action, obj), f"{name} should be allowed {action}"
    for name in refused:
        assert not can(_user(world, name), action, obj), f"{name} must be refused {action}"


def test_no_workspace_rule_reads_an_unsubmitted_application(world):
    from applications.models import Application

    application = Application.objects.create(
        applicant=world["applicant"], program=world["program"], quota=world["quota"]
    )
    for action in ("application.review", "review.write", "interview.decide"):
        for name in ("director", "reviewer", "pgme", "admin"):
            assert not can(_user(world, name), action, application), (name, action)
