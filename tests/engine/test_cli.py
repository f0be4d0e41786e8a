"""The command line, run as ``python -m matchengine`` in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .instances import instance


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "matchengine", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def example() -> dict[str, Any]:
    return instance(
        programs={"P1": (1, ["A1", "A2"]), "P2": (1, ["A2", "A1"], "P1")},
        applicants={"A1": ["P2", "P1"], "A2": ["P1", "P2"], "A3": []},
    )


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    inst = tmp_path / "instance.json"
    inst.write_text(json.dumps(example()), encoding="utf-8")
    return inst, tmp_path / "result.json"


def test_solve_writes_a_result_that_verify_accepts(files: tuple[Path, Path]) -> None:
    inst, out = files
    done = run("solve", inst, "-o", out)
    assert done.returncode == 0, done.stderr
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["format"] == "match-result/1"
    assert result["status"] == "stable"
    assert "validating" in done.stderr and "deferred acceptance" in done.stderr
    assert "verifying" in done.stderr
    done = run("verify", inst, out)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ""


def test_solve_program_proposing_with_a_time_limit(files: tuple[Path, Path]) -> None:
    inst, out = files
    done = run("solve", inst, "-o", out, "--proposing", "program", "--time-limit", "5")
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["proposing"] == "program"


def test_verify_exits_1_on_a_tampered_result(files: tuple[Path, Path]) -> None:
    inst, out = files
    assert run("solve", inst, "-o", out).returncode == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    result["assignments"]["A1"] = None  # A1 now blocks with the program it had
    out.write_text(json.dumps(result), encoding="utf-8")
    done = run("verify", inst, out)
    assert done.returncode == 1
    assert "blocking pair" in done.stdout
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"programs": [], "applicants": [{"id": "A1", "ranking": ["P9"]}]}',
         'applicant A1: ranks unknown program "P9"'),
        ('{"programs": [{"id": "P", "capacity": -1, "ranking": []}], "applicants": []}',
         "program P: capacity must be 0 or more"),
        ("[]", "instance: must be a JSON object"),
        ("\xff\xfe", "not"),
    ],
)  # fmt: skip
def test_bad_instance_exits_2_without_traceback_or_file(
    tmp_path: Path, content: str, message: str
) -> None:
    inst = tmp_path / "bad.json"
    inst.write_bytes(content.encode("latin-1"))
    out = tmp_path / "result.json"
    done = run("solve", inst, "-o", out)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [inst]  # no temporary file left behind either


def test_missing_file_exits_2(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    done = run("solve", tmp_path / "nope.json", "-o", out)
    assert done.returncode == 2
    assert "no such file" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


def test_missing_output_folder_exits_2(files: tuple[Path, Path], tmp_path: Path) -> None:
    inst, _ = files
    done = run("solve", inst, "-o", tmp_path / "nowhere" / "result.json")
    assert done.returncode == 2
    assert "does not exist" in done.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [("[1, 2]", "not a match result"), ('{"format": "x"}', "not a match result"),
     ("nope", "not valid JSON")],
)  # fmt: skip
def test_verify_exits_2_on_something_that_is_not_a_result(
    files: tuple[Path, Path], content: str, message: str
) -> None:
    inst, out = files
    out.write_text(content, encoding="utf-8")
    done = run("verify", inst, out)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_verify_exits_2_on_a_bad_instance(files: tuple[Path, Path], tmp_path: Path) -> None:
    inst, out = files
    assert run("solve", inst, "-o", out).returncode == 0
    bad = tmp_path / "bad.json"
    bad.write_text('{"programs": 1, "applicants": []}', encoding="utf-8")
    done = run("verify", bad, out)
    assert done.returncode == 2
    assert 'instance: "programs" must be a list' in done.stderr


def test_solve_exits_1_when_no_stable_matching_exists(tmp_path: Path) -> None:
    inst = tmp_path / "instance.json"
    inst.write_text(
        json.dumps(
            instance(
                programs={"H1": (1, ["M1", "M2", "S2", "S1"]), "H2": (1, ["M1", "S1", "S2", "M2"])},
                applicants={"S1": ["H1"], "S2": ["H1", "H2"]},
                couples={"C": (["M1", "M2"], [["H1", "H2"]])},
            )
        ),
        encoding="utf-8",
    )
    out = tmp_path / "result.json"
    done = run("solve", inst, "-o", out)
    assert done.returncode == 1
    assert json.loads(out.read_text(encoding="utf-8"))["status"] == "no-stable-matching"
    assert "no-stable-matching" in done.stderr


@pytest.mark.parametrize("command", [[], ["solve"], ["verify"], ["explain"], ["generate"]])
def test_help_works_for_each_subcommand(command: list[str]) -> None:
    done = run(*command, "--help")
    assert done.returncode == 0
    assert "usage:" in done.stdout


def test_bad_arguments_exit_2(files: tuple[Path, Path]) -> None:
    inst, out = files
    done = run("solve", inst, "-o", out, "--time-limit", "-3")
    assert done.returncode == 2
    assert "must be more than 0" in done.stderr
    done = run("solve", inst, "-o", out, "--proposing", "both")
    assert done.returncode == 2
    assert not out.exists()


def test_generate_writes_an_instance(tmp_path: Path) -> None:
    out = tmp_path / "gen.json"
    done = run("generate", "--applicants", "50", "--programs", "8", "--couples-share", "0.1",
               "--seed", "3", "-o", out)  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["applicants"]) == 50
    done = run("generate", "--applicants", "5", "--programs", "2", "--couples-share", "2",
               "-o", out)  # fmt: skip
    assert done.returncode == 2


def test_generate_shapes_couples_lists_and_refuses_a_bad_shape(tmp_path: Path) -> None:
    out = tmp_path / "gen.json"
    done = run("generate", "--applicants", "400", "--programs", "40", "--couples-share", "0.2",
               "--couples-solo-share", "0", "--couples-pairs", "3", "--seed", "2",
               "-o", out)  # fmt: skip
    assert done.returncode == 0, done.stderr
    couples = json.loads(out.read_text(encoding="utf-8"))["couples"]
    assert couples
    assert all(None not in pair for c in couples for pair in c["ranking"])
    out.unlink()
    done = run("generate", "--applicants", "50", "--programs", "8", "--couples-share", "0.2",
               "--couples-home-bias", "1", "-o", out)  # fmt: skip
    assert done.returncode == 2
    assert "couples_home_bias must be at least 0 and below 1" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


def test_explain_an_applicant_and_a_program(files: tuple[Path, Path]) -> None:
    pytest.importorskip("matchengine.explain")
    inst, out = files
    assert run("solve", inst, "-o", out).returncode == 0
    for ident in ("A1", "P1"):
        done = run("explain", inst, out, ident)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip()
    done = run("explain", inst, out, "NOBODY")
    assert done.returncode == 2
    assert "no applicant or program" in done.stderr
