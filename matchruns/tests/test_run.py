import json
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

import matchengine
from core.errors import DomainError
from core.models import AuditEntry
from matchruns.models import MatchAssignment, MatchRun, RunKind
from matchruns.services import match_run
from matchruns.tests.conftest import after_deadlines


def test_a_run_before_the_deadlines_is_a_dry_run_with_one_assignment_per_applicant(
    world, iteration, match_admin
):
    run = match_run(actor=match_admin, iteration=iteration)
    assert run.kind == RunKind.DRY
    instance = json.loads(run.snapshot)
    assert run.snapshot_sha256 == matchengine.canonical_sha256(instance)
    assert run.assignments.count() == len(instance["applicants"]) == 5
    assert run.result["assignments"]
    assert run.status == run.result["status"]
    assert run.engine
    assert AuditEntry.objects.filter(action="matchruns.run.created").exists()


def test_the_official_run_is_refused_before_both_deadlines(world, iteration, match_admin):
    with pytest.raises(DomainError, match="not open yet"):
        match_run(actor=match_admin, iteration=iteration, dry_run=False)
    assert not MatchRun.objects.exists()


def test_after_both_deadlines_the_run_is_official_and_stable_and_happens_once(
    world, iteration, match_admin
):
    with time_machine.travel(after_deadlines(iteration)):
        run = match_run(actor=match_admin, iteration=iteration)
        assert run.kind == RunKind.OFFICIAL
        assert run.problems == []
        assert matchengine.verify(json.loads(run.snapshot), run.result) == []
        with pytest.raises(DomainError, match="already been run"):
            match_run(actor=match_admin, iteration=iteration, dry_run=False)
        dry = match_run(actor=match_admin, iteration=iteration, dry_run=True)
    assert dry.kind == RunKind.DRY
    assert dry.snapshot_sha256 == run.snapshot_sha256
    assert MatchRun.objects.filter(kind=RunKind.OFFICIAL).count() == 1


def test_an_engine_failure_leaves_nothing_half_written(world, iteration, match_admin, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(matchengine, "solve", explode)
    with pytest.raises(DomainError, match="engine failed"):
        match_run(actor=match_admin, iteration=iteration)
    assert not MatchRun.objects.exists()
    assert not MatchAssignment.objects.exists()
    assert AuditEntry.objects.filter(action="matchruns.run.failed").exists()


def test_a_failure_while_storing_assignments_rolls_the_run_back(
    world, iteration, match_admin, monkeypatch
):
    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(MatchAssignment.objects, "bulk_create", explode)
    with pytest.raises(DomainError):
        match_run(actor=match_admin, iteration=iteration)
    assert not MatchRun.objects.exists()


def test_bad_input_is_refused_with_the_engines_message(world, iteration, match_admin, monkeypatch):
    def refuse(*args, **kwargs):
        raise matchengine.InstanceError('applicant A3: ranks unknown program "IM-XYZ"')

    monkeypatch.setattr(matchengine, "solve", refuse)
    with pytest.raises(DomainError, match="IM-XYZ"):
        match_run(actor=match_admin, iteration=iteration)
    assert not MatchRun.objects.exists()


def test_an_official_run_with_verification_problems_is_not_stored(
    world, iteration, match_admin, monkeypatch
):
    monkeypatch.setattr(matchengine, "verify", lambda instance, result: ["blocking pair A1/P"])
    with time_machine.travel(after_deadlines(iteration)):
        with pytest.raises(DomainError, match="blocking pair"):
            match_run(actor=match_admin, iteration=iteration)
        assert not MatchRun.objects.exists()
        dry = match_run(actor=match_admin, iteration=iteration, dry_run=True)
    assert dry.problems == ["blocking pair A1/P"]


def test_run_match_command_prints_sha256_status_and_counts(world, iteration):
    out = StringIO()
    call_command("run_match", stdout=out)
    run = MatchRun.objects.get()
    text = out.getvalue()
    assert run.snapshot_sha256 in text
    assert "Status:" in text and "Matched:" in text and "Unmatched:" in text and "ms" in text


def test_run_match_command_reports_a_refusal_without_a_traceback(world, iteration, monkeypatch):
    monkeypatch.setattr(
        matchengine, "solve", lambda *a, **k: (_ for _ in ()).throw(matchengine.InstanceError("x"))
    )
    with pytest.raises(CommandError, match="refused"):
        call_command("run_match", "--iteration", str(iteration.pk), stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("run_match", "--iteration", "999999", stdout=StringIO())


def test_export_match_writes_files_that_verify_and_a_readme(world, iteration, tmp_path):
    call_command("run_match", "--dry-run", stdout=StringIO())
    run = MatchRun.objects.get()
    call_command("export_match", str(run.pk), str(tmp_path), stdout=StringIO())
    instance = json.loads((tmp_path / "instance.json").read_text(encoding="utf-8"))
    result = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))
    assert matchengine.canonical_sha256(instance) == run.snapshot_sha256
    assert matchengine.verify(instance, result) == []
    readme = (tmp_path / "README.txt").read_text(encoding="utf-8")
    assert "python -m matchengine verify instance.json result.json" in readme
    assert run.snapshot_sha256 in readme
