"""Bad input: every rule of the instance format, one test each; the canonical hash."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchengine import InstanceError, canonical_sha256, solve, validate_instance
from matchengine.instance import _diagnose, compile_instance

from .instances import tiny_instances

Instance = dict[str, Any]


def valid() -> Instance:
    return {
        "format": "match-instance/1",
        "programs": [
            {"id": "FM-TOR-IMG", "capacity": 2, "ranking": ["A17", "A3", "A9"],
             "reverts_to": "FM-TOR-CMG"},
            {"id": "FM-TOR-CMG", "capacity": 1, "ranking": ["A3", "A1"]},
            {"id": "IM-MCG-IMG", "capacity": 1, "ranking": ["A9", "A3"]},
        ],
        "applicants": [
            {"id": "A1", "ranking": ["FM-TOR-CMG"]},
            {"id": "A3", "ranking": ["IM-MCG-IMG", "FM-TOR-IMG"]},
            {"id": "A9", "ranking": []},
            {"id": "A17", "ranking": []},
        ],
        "couples": [
            {"id": "C1", "members": ["A9", "A17"],
             "ranking": [["FM-TOR-IMG", "FM-TOR-IMG"], ["IM-MCG-IMG", "FM-TOR-IMG"],
                         ["FM-TOR-IMG", None]]},
        ],
    }  # fmt: skip


def test_the_valid_instance_is_valid() -> None:
    validate_instance(valid())
    assert solve(valid())["status"] == "stable"


def _prog(inst: Instance, pid: str) -> dict[str, Any]:
    return next(p for p in inst["programs"] if p["id"] == pid)


def _app(inst: Instance, aid: str) -> dict[str, Any]:
    return next(a for a in inst["applicants"] if a["id"] == aid)


def _set(path: list[Any], value: Any) -> Callable[[Instance], None]:
    def change(inst: Instance) -> None:
        target: Any = inst
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _delete(path: list[Any]) -> Callable[[Instance], None]:
    def change(inst: Instance) -> None:
        target: Any = inst
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


def _append(path: list[Any], value: Any) -> Callable[[Instance], None]:
    def change(inst: Instance) -> None:
        target: Any = inst
        for key in path:
            target = target[key]
        target.append(value)

    return change


# (rule, change, the message must contain all of these)
RULES: list[tuple[str, Callable[[Instance], None], list[str]]] = [
    ("instance is an object", lambda i: i.clear() or i.update({"x": 1}) or None,
     ['"programs" is missing']),
    ("format value", _set(["format"], "match-instance/2"),
     ['instance: "format" must be "match-instance/1"', '"match-instance/2"']),
    ("programs present", _delete(["programs"]), ['instance: "programs" is missing']),
    ("applicants present", _delete(["applicants"]), ['instance: "applicants" is missing']),
    ("programs is a list", _set(["programs"], {}), ['instance: "programs" must be a list']),
    ("applicants is a list", _set(["applicants"], "A1"),
     ['instance: "applicants" must be a list']),
    ("couples is a list", _set(["couples"], None), ['instance: "couples" must be a list']),
    ("program is an object", _set(["programs", 1], ["FM"]),
     ["programs[1]: must be an object"]),
    ("program id present", _delete(["programs", 1, "id"]), ['programs[1]: "id" is missing']),
    ("program id non-empty", _set(["programs", 1, "id"], ""),
     ["programs[1]: id must be a non-empty string"]),
    ("program id a string", _set(["programs", 1, "id"], 7),
     ["programs[1]: id must be a non-empty string, got 7"]),
    ("program ids unique", _set(["programs", 2, "id"], "FM-TOR-CMG"),
     ["program FM-TOR-CMG: id is used by more than one program"]),
    ("applicant ids unique", _set(["applicants", 1, "id"], "A1"),
     ["applicant A1: id is used by more than one applicant"]),
    ("applicant id non-empty", _set(["applicants", 0, "id"], ""),
     ["applicants[0]: id must be a non-empty string"]),
    ("couple ids unique", _append(["couples"], {"id": "C1", "members": ["A1", "A3"],
                                                "ranking": []}),
     ["couple C1: id is used by more than one couple"]),
    ("couple id present", _delete(["couples", 0, "id"]), ['couples[0]: "id" is missing']),
    ("capacity present", _delete(["programs", 1, "capacity"]),
     ['program FM-TOR-CMG: "capacity" is missing']),
    ("capacity non-negative", _set(["programs", 1, "capacity"], -1),
     ["program FM-TOR-CMG: capacity must be 0 or more, got -1"]),
    ("capacity an integer", _set(["programs", 1, "capacity"], 1.5),
     ["program FM-TOR-CMG: capacity must be an integer, got 1.5"]),
    ("capacity not a bool", _set(["programs", 1, "capacity"], True),
     ["program FM-TOR-CMG: capacity must be an integer, got true"]),
    ("capacity not a string", _set(["programs", 1, "capacity"], "2"),
     ['program FM-TOR-CMG: capacity must be an integer, got "2"']),
    ("program ranking present", _delete(["programs", 1, "ranking"]),
     ['program FM-TOR-CMG: "ranking" is missing']),
    ("program ranking a list", _set(["programs", 1, "ranking"], "A3"),
     ["program FM-TOR-CMG: ranking must be a list of applicant ids"]),
    ("program ranking of strings", _set(["programs", 1, "ranking"], ["A3", 1]),
     ["program FM-TOR-CMG: ranking entry 2 must be an applicant id (a string), got 1"]),
    ("program ranks known applicants", _set(["programs", 1, "ranking"], ["A3", "A404"]),
     ['program FM-TOR-CMG: ranks unknown applicant "A404"']),
    ("program ranking without repeats", _set(["programs", 1, "ranking"], ["A3", "A1", "A3"]),
     ['program FM-TOR-CMG: ranks applicant "A3" more than once']),
    ("reverts_to a string", _set(["programs", 0, "reverts_to"], 3),
     ["program FM-TOR-IMG: reverts_to must be a program id (a string), got 3"]),
    ("reverts_to known", _set(["programs", 0, "reverts_to"], "XX"),
     ['program FM-TOR-IMG: reverts_to unknown program "XX"']),
    ("reverts_to not itself", _set(["programs", 0, "reverts_to"], "FM-TOR-IMG"),
     ["program FM-TOR-IMG: reverts_to itself"]),
    ("no reversion cycle", _set(["programs", 1, "reverts_to"], "FM-TOR-IMG"),
     ["reversion cycle", "FM-TOR-CMG -> FM-TOR-IMG -> FM-TOR-CMG"]),
    ("applicant is an object", _set(["applicants", 2], None),
     ["applicants[2]: must be an object, got null"]),
    ("applicant ranking present", _delete(["applicants", 0, "ranking"]),
     ['applicant A1: "ranking" is missing']),
    ("applicant ranking a list", _set(["applicants", 0, "ranking"], {"FM-TOR-CMG": 1}),
     ["applicant A1: ranking must be a list of program ids"]),
    ("applicant ranking of strings", _set(["applicants", 0, "ranking"], [None]),
     ["applicant A1: ranking entry 1 must be a program id (a string), got null"]),
    ("applicant ranks known programs", _set(["applicants", 1, "ranking"], ["IM-XYZ"]),
     ['applicant A3: ranks unknown program "IM-XYZ"']),
    ("applicant ranking without repeats",
     _set(["applicants", 1, "ranking"], ["IM-MCG-IMG", "IM-MCG-IMG"]),
     ['applicant A3: ranks program "IM-MCG-IMG" more than once']),
    ("couple is an object", _set(["couples", 0], "C1"), ["couples[0]: must be an object"]),
    ("couple members present", _delete(["couples", 0, "members"]),
     ['couple C1: "members" is missing']),
    ("couple has two members", _set(["couples", 0, "members"], ["A9"]),
     ["couple C1: members must be a list of two applicant ids"]),
    ("couple members are strings", _set(["couples", 0, "members"], ["A9", 17]),
     ["couple C1: member 17 must be an applicant id (a string)"]),
    ("couple members exist", _set(["couples", 0, "members"], ["A9", "A99"]),
     ['couple C1: member "A99" is not a known applicant']),
    ("couple members distinct", _set(["couples", 0, "members"], ["A9", "A9"]),
     ["couple C1: members must be two different applicants, got A9 twice"]),
    ("member of one couple only", _append(["couples"], {"id": "C2", "members": ["A17", "A1"],
                                                       "ranking": []}),
     ["couple C2: member A17 is already in couple C1"]),
    ("member has an empty own ranking", _set(["applicants", 2, "ranking"], ["IM-MCG-IMG"]),
     ["couple C1: member A9 has its own ranking", "must be empty"]),
    ("couple ranking present", _delete(["couples", 0, "ranking"]),
     ['couple C1: "ranking" is missing']),
    ("couple ranking a list", _set(["couples", 0, "ranking"], "FM-TOR-IMG"),
     ["couple C1: ranking must be a list of program pairs"]),
    ("couple option is a pair", _set(["couples", 0, "ranking", 1], ["IM-MCG-IMG"]),
     ["couple C1: ranking entry 2 must be a pair [program id or null, program id or null]"]),
    ("couple option is a list", _set(["couples", 0, "ranking", 1], "IM-MCG-IMG"),
     ["couple C1: ranking entry 2 must be a pair"]),
    ("couple option of ids or null", _set(["couples", 0, "ranking", 1], ["IM-MCG-IMG", 4]),
     ["couple C1: ranking entry 2 must hold program ids or null, got 4"]),
    ("couple option of known programs", _set(["couples", 0, "ranking", 1], ["IM-XYZ", None]),
     ['couple C1: ranking entry 2 ranks unknown program "IM-XYZ"']),
    ("couple option not [null, null]", _set(["couples", 0, "ranking", 1], [None, None]),
     ["couple C1: ranking entry 2 is [null, null], which is not allowed"]),
    ("couple options without repeats",
     _set(["couples", 0, "ranking", 2], ["FM-TOR-IMG", "FM-TOR-IMG"]),
     ['couple C1: ranks option ["FM-TOR-IMG", "FM-TOR-IMG"] more than once']),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "change", "fragments"), RULES, ids=[r[0] for r in RULES])
def test_each_rule_is_enforced_with_a_message_naming_entry_and_rule(
    rule: str, change: Callable[[Instance], None], fragments: list[str]
) -> None:
    inst = valid()
    change(inst)
    with pytest.raises(InstanceError) as err:
        validate_instance(inst)
    for fragment in fragments:
        assert fragment in str(err.value), (rule, str(err.value))
    # solve refuses it too, before any matching
    with pytest.raises(InstanceError):
        solve(inst)


@pytest.mark.parametrize("data", [None, [], "x", 3, True])
def test_an_instance_must_be_an_object(data: object) -> None:
    with pytest.raises(InstanceError, match="instance: must be a JSON object"):
        validate_instance(data)


def test_format_and_couples_are_optional_and_unknown_keys_are_ignored() -> None:
    inst = valid()
    del inst["format"]
    inst["x-note"] = {"anything": [1, 2]}
    inst["programs"][0]["x-stream"] = "IMG"
    inst["applicants"][0]["x-email"] = "a@example.org"
    inst["couples"][0]["x-since"] = 2020
    validate_instance(inst)
    del inst["couples"]
    inst["applicants"][2]["ranking"] = ["IM-MCG-IMG"]  # no longer a member
    validate_instance(inst)
    inst["programs"][1]["reverts_to"] = None
    validate_instance(inst)


def test_ids_of_different_kinds_may_coincide() -> None:
    inst = valid()
    inst["couples"][0]["id"] = "A1"
    validate_instance(inst)


def test_validation_does_not_mutate_the_input() -> None:
    inst = valid()
    before = copy.deepcopy(inst)
    validate_instance(inst)
    solve(inst)
    assert inst == before


def test_a_lone_surrogate_is_bad_input_not_a_crash() -> None:
    inst = valid()
    inst["x-note"] = "\ud800"
    validate_instance(inst)  # the rules hold...
    with pytest.raises(InstanceError, match="not valid Unicode"):
        solve(inst)  # ...but it cannot be hashed canonically


def test_canonical_sha256_is_the_spec_formula() -> None:
    inst = valid()
    inst["x-name"] = "Montréal — ÉÉ"
    text = json.dumps(inst, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert canonical_sha256(inst) == hashlib.sha256(text.encode("utf-8")).hexdigest()
    reordered = dict(reversed(list(inst.items())))
    assert canonical_sha256(reordered) == canonical_sha256(inst)


# ----------------------------------------------------------------------------- fast == slow


def _mutations() -> st.SearchStrategy[tuple[list[Any], Any]]:
    values = st.sampled_from(
        [None, True, 0, -1, 1.5, "", "A0", "P0", "P9", "zz", [], ["A0"], ["A0", "A0"], {},
         [None, None], ["P0", "P0"], [["P0", None]], [["P0", None], ["P0", None]]]
    )  # fmt: skip
    paths = st.lists(st.sampled_from(["programs", "applicants", "couples", 0, 1, "id",
                                      "ranking", "capacity", "reverts_to", "members", "format"]),
                     min_size=1, max_size=4)  # fmt: skip
    return st.tuples(paths, values)


@given(tiny_instances(max_couples=2, reversion=True), st.lists(_mutations(), max_size=3))
@settings(max_examples=400, deadline=None)
def test_the_fast_check_and_the_slow_check_always_agree(
    inst: Instance, mutations: list[tuple[list[Any], Any]]
) -> None:
    for path, value in mutations:
        target: Any = inst
        try:
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            pass
    try:
        _diagnose(inst)
        slow_ok = True
    except InstanceError:
        slow_ok = False
    try:
        compile_instance(inst)
        fast_ok = True
    except InstanceError:
        fast_ok = False
    assert slow_ok == fast_ok


# ------------------------------------------------------------- the orjson fast path of the hash


def _spec_sha(inst: dict[str, Any]) -> str:
    text = json.dumps(inst, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_the_validated_hash_is_the_spec_formula_on_generated_markets() -> None:
    from matchengine import generate

    for seed, share in ((1, 0.0), (2, 0.05)):
        inst = generate(applicants=400, programs=60, couples_share=share, seed=seed)
        assert canonical_sha256(inst, validated=True) == _spec_sha(inst)
        assert solve(inst)["instance_sha256"] == _spec_sha(inst)


def test_the_validated_hash_is_the_spec_formula_for_every_character() -> None:
    # Every code point but the surrogates, in ids, in 2,000-character chunks.
    points = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    for start in range(0, len(points), 2000):
        name = "".join(map(chr, points[start : start + 2000]))
        inst = {"programs": [{"id": name, "capacity": 1, "ranking": []}], "applicants": []}
        assert canonical_sha256(inst, validated=True) == _spec_sha(inst), hex(points[start])


@given(
    extra=st.recursive(
        st.none() | st.booleans() | st.floats() | st.integers() | st.text(),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
        max_leaves=8,
    )
)
@settings(max_examples=60, deadline=None)
def test_unknown_keys_of_any_value_hash_as_the_spec_says(extra: Any) -> None:
    # Floats (1e+16, NaN), booleans, huge integers, non-ASCII keys: outside the format's keys
    # the fast path must step aside, and the hash stay the spec's.
    inst = valid()
    inst["x-extra"] = extra
    inst["programs"][0]["x-extra"] = extra
    try:
        expected = _spec_sha(inst)
    except (UnicodeEncodeError, ValueError):
        with pytest.raises(InstanceError):
            canonical_sha256(inst, validated=True)
        return
    assert canonical_sha256(inst, validated=True) == expected


def test_without_orjson_the_hash_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    import matchengine.instance as instance_module

    inst = valid()
    fast = canonical_sha256(inst, validated=True)
    monkeypatch.setattr(instance_module, "_orjson", None)
    assert canonical_sha256(inst, validated=True) == fast == _spec_sha(inst)
    assert solve(inst)["instance_sha256"] == fast
