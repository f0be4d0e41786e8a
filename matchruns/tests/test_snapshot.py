import json

from django.utils import timezone

import matchengine
from matchruns.snapshot import build_instance, canonical_json
from matchruns.tests.conftest import rank_applicant


def test_each_quota_is_one_engine_program_with_its_submitted_ranking(
    world, iteration, program, applicant, other_applicant
):
    instance = build_instance(iteration)
    programs = {p["id"]: p for p in instance["programs"]}
    p_cmg = world["p_cmg"]
    assert p_cmg.code == f"{program.code}-CMG"
    assert programs[p_cmg.code]["capacity"] == 2
    assert programs[p_cmg.code]["ranking"] == [
        other_applicant.matching_id,
        world["first"].matching_id,
        applicant.matching_id,
    ]
    applicants = {a["id"]: a for a in instance["applicants"]}
    assert applicants[applicant.matching_id]["ranking"] == [p_cmg.code, world["o_cmg"].code]
    assert f"{program.code}-IMG" in programs
    assert instance["format"] == "match-instance/1"


def test_a_reverting_quota_names_its_target(world, iteration):
    world["p_img"].reverts_to = world["p_cmg"]
    world["p_img"].save()
    programs = {p["id"]: p for p in build_instance(iteration)["programs"]}
    assert programs[world["p_img"].code]["reverts_to"] == world["p_cmg"].code
    assert "reverts_to" not in programs[world["p_cmg"].code]


def test_couple_members_rank_nothing_and_the_couple_ranks_pairs_with_null(world, iteration):
    instance = build_instance(iteration)
    applicants = {a["id"]: a for a in instance["applicants"]}
    first, second = world["first"], world["second"]
    assert applicants[first.matching_id]["ranking"] == []
    assert applicants[second.matching_id]["ranking"] == []
    (couple,) = instance["couples"]
    assert couple["id"] == f"C{world['couple'].pk}"
    assert couple["members"] == [first.matching_id, second.matching_id]
    assert couple["ranking"] == [
        [world["p_cmg"].code, world["o_cmg"].code],
        [world["o_cmg"].code, None],
    ]


def test_only_the_last_submitted_version_counts(world, iteration, applicant):
    rank_applicant(iteration, applicant, [world["o_cmg"]])
    applicants = {a["id"]: a for a in build_instance(iteration)["applicants"]}
    assert applicants[applicant.matching_id]["ranking"] == [world["o_cmg"].code]


def test_a_withdrawn_applicant_is_left_out_everywhere(world, iteration, other_applicant):
    other_applicant.participations.update(withdrawn_at=timezone.now())
    instance = build_instance(iteration)
    text = canonical_json(instance)
    assert other_applicant.matching_id not in text


def test_the_same_data_gives_the_same_text_and_sha256(world, iteration):
    first = build_instance(iteration)
    second = build_instance(iteration)
    assert canonical_json(first) == canonical_json(second)
    assert matchengine.canonical_sha256(first) == matchengine.canonical_sha256(second)
    assert [p["id"] for p in first["programs"]] == sorted(p["id"] for p in first["programs"])
    assert [a["id"] for a in first["applicants"]] == sorted(a["id"] for a in first["applicants"])


def test_the_instance_is_accepted_by_the_engine(world, iteration):
    instance = json.loads(canonical_json(build_instance(iteration)))
    result = matchengine.solve(instance)
    assert set(result["assignments"]) == {a["id"] for a in instance["applicants"]}


def test_building_the_snapshot_takes_a_fixed_number_of_queries(
    world, iteration, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        build_instance(iteration)
