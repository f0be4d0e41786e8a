"""Independent check of a match result against its instance.

This module re-derives everything it checks from the definitions in
``shared/specs/match-exchange-format.md`` ("Definitions the verifier uses"); it shares no
code with the solver, so a bug in one is unlikely to hide in the other.

What :func:`verify` checks, in order:

1. Shape: ``format`` is ``match-result/1``; ``assignments`` maps every applicant of the
   instance, and nothing else, to a known program id or ``null``; ``final_capacity`` names
   every program, and nothing else, with an integer; ``status`` is one of ``stable``,
   ``no-stable-matching``, ``unresolved``; ``blocking`` is a list; ``proposing`` (if given)
   is ``applicant`` or ``program``.
2. ``instance_sha256`` equals ``canonical_sha256(instance)``.
3. Final capacities follow the Reversion rule given the assignments (:func:`final_capacities`).
4. Validity: every assignment is mutually acceptable, no program holds more than its final
   capacity, each couple's pair of assignments is an option on its ranking or both members
   are unmatched.
5. Stability: no blocking pair, no blocking couple (:func:`find_blocking`).
6. Status: ``stable`` only with no problem at all; any other status must come with
   ``blocking`` listing exactly the blocking pairs and couples found, and must not be used
   for assignments that are valid and stable.

Each problem is one English line.  Lines about blocking start with ``blocking pair:`` or
``blocking couple:``; every other line is about shape, hash, capacity, validity or status.
An empty list means the result is valid, stable and consistent.

The instance is assumed to have passed ``validate_instance`` already.

An assignee a program did not rank (an invalid result) counts as ranked below everyone it
ranks.

Cost: linear in the total length of the rankings.  For each program, the set of applicants
it would take on their own (those it ranks above its ``cap'``-th best assignee) is built
once; a single applicant is then checked only against the programs they rank above their
match, one set look-up each.  Couples use the general "would take" test.  The garbage
collector is paused during the check.  ``solve`` may pass the ``instance_sha256`` it has
just computed to save a second serialisation of the instance.
"""

from __future__ import annotations

import gc
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from typing import Any

__all__ = ["final_capacities", "find_blocking", "verify"]

RESULT_FORMAT = "match-result/1"
STATUSES = ("stable", "no-stable-matching", "unresolved")

Option = tuple[str | None, str | None]
# Internal blocking entries: ("pair", applicant, program) or ("couple", couple, p1, p2).
BlockKey = tuple[Any, ...]


class _Market:
    """The instance as plain lookup tables keyed by id."""

    __slots__ = (
        "app_ranking",
        "capacity",
        "couple_of",
        "couples",
        "prog_ids",
        "prog_ranking",
        "reverts_to",
    )

    def __init__(self, instance: Mapping[str, Any]) -> None:
        programs = instance.get("programs") or []
        applicants = instance.get("applicants") or []
        self.prog_ids: list[str] = [p["id"] for p in programs]
        self.capacity: dict[str, int] = {p["id"]: p["capacity"] for p in programs}
        self.reverts_to: dict[str, str] = {
            p["id"]: p["reverts_to"] for p in programs if p.get("reverts_to") is not None
        }
        self.prog_ranking: dict[str, list[str]] = {p["id"]: p["ranking"] for p in programs}
        self.app_ranking: dict[str, list[str]] = {a["id"]: a["ranking"] for a in applicants}
        self.couples: list[tuple[str, str, str, list[Option]]] = []
        self.couple_of: dict[str, str] = {}
        for c in instance.get("couples") or []:
            m1, m2 = c["members"]
            options: list[Option] = [(o[0], o[1]) for o in c["ranking"]]
            self.couples.append((c["id"], m1, m2, options))
            self.couple_of[m1] = c["id"]
            self.couple_of[m2] = c["id"]


def _final_capacities(
    market: _Market, held_count: Mapping[str, int], received: dict[str, int] | None = None
) -> dict[str, int]:
    """Apply the Reversion rule: spare positions flow down ``reverts_to`` chains.

    Programs are processed so that every program is handled after all programs that revert
    into it (Kahn's algorithm on the reversion forest).  A reverting program whose capacity
    (its own plus what it received) exceeds what it holds gives the difference on, and its
    final capacity becomes what it holds.  ``received``, if given, is filled with the
    positions each program received.
    """
    reverts_to = market.reverts_to
    indegree: dict[str, int] = {}
    for t in reverts_to.values():
        indegree[t] = indegree.get(t, 0) + 1
    if received is None:
        received = {}
    final: dict[str, int] = {}
    stack = [p for p in market.prog_ids if p not in indegree]
    while stack:
        p = stack.pop()
        capacity = market.capacity[p] + received.get(p, 0)
        target = reverts_to.get(p)
        if target is None or target not in market.capacity:
            final[p] = capacity
            continue
        held = held_count.get(p, 0)
        if held < capacity:
            final[p] = held
            received[target] = received.get(target, 0) + capacity - held
        else:
            final[p] = capacity
        indegree[target] -= 1
        if indegree[target] == 0:
            stack.append(target)
    for p in market.prog_ids:  # only reached on a reversion cycle (bad input)
        if p not in final:
            final[p] = market.capacity[p]
    return final


def _clean_assignments(market: _Market, raw: Any) -> Mapping[str, str | None]:
    """Known applicants to known programs; anything else counts as unmatched."""
    capacity = market.capacity
    if isinstance(raw, dict) and raw.keys() == market.app_ranking.keys():
        # Fast path for a well-formed result: no copy.
        try:
            targets = set(raw.values())
        except TypeError:  # an unhashable value: take the slow path
            targets = {0}
        if all(t is None or (isinstance(t, str) and t in capacity) for t in targets):
            return raw
    out: dict[str, str | None] = dict.fromkeys(market.app_ranking)
    if not isinstance(raw, Mapping):
        return out
    for a, p in raw.items():
        if a in out and isinstance(p, str) and p in capacity:
            out[a] = p
    return out


def _analyse(
    market: _Market, assign: Mapping[str, str | None]
) -> tuple[dict[str, int], list[str], list[BlockKey]]:
    """Final capacities, validity problems and blocking entries of clean assignments."""
    enabled = gc.isenabled()
    gc.disable()  # many small objects, none cyclic: spare the collector a scan of the heap
    try:
        return _analyse_inner(market, assign)
    finally:
        if enabled:
            gc.enable()


def _analyse_inner(
    market: _Market, assign: Mapping[str, str | None]
) -> tuple[dict[str, int], list[str], list[BlockKey]]:
    prog_ranking = market.prog_ranking
    couple_of = market.couple_of
    problems: list[str] = []
    unranked_by_program: list[str] = []
    unranked_by_applicant: list[str] = []

    held: dict[str, list[str]] = {p: [] for p in market.prog_ids}
    for a, p in assign.items():
        if p is not None:
            held[p].append(a)
    final = _final_capacities(market, {p: len(h) for p, h in held.items()})

    # takes_alone[p]: the applicants p would take on their own (S = L = {a}): those it ranks
    # above its cap'(p)-th best assignee, or everyone it ranks if it has a free seat.
    # Ranks are positions in the ranking: the held applicants' positions are read off one
    # pass of membership flags over the ranking (C speed) instead of one look-up each.
    takes_alone: dict[str, AbstractSet[str]] = {}
    nobody: frozenset[str] = frozenset()
    for p, h in held.items():
        cap = final[p]
        n = len(h)
        ranking = prog_ranking[p]
        if n > cap:
            problems.append(f"program {p} holds {n} applicants but its final capacity is {cap}")
        if n == 0:
            takes_alone[p] = set(ranking) if cap else nobody
            continue
        held_set = set(h)
        flags = list(map(held_set.__contains__, ranking))
        n_ranked = flags.count(True)
        if n_ranked < n:
            ranked_set = set(ranking)
            for b in h:
                if b not in ranked_set:
                    unranked_by_program.append(
                        f"applicant {b} is assigned to {p}, which did not rank them"
                    )
        if cap == 0:
            takes_alone[p] = nobody
        elif n < cap or n_ranked < cap:  # a free seat, or the cap'-th best is unranked
            takes_alone[p] = set(ranking)
        elif n_ranked == cap:  # the usual case: cut at the worst ranked assignee
            cut = len(flags) - 1 - flags[::-1].index(True)
            takes_alone[p] = set(ranking[:cut])
        else:  # over capacity: cut at the cap'-th best
            cut = [i for i, f in enumerate(flags) if f][cap - 1]
            takes_alone[p] = set(ranking[:cut])

    blocking: list[BlockKey] = []
    # Single applicants: only the programs ranked above their match can block.
    for a, ranking in market.app_ranking.items():
        if a in couple_of:
            continue
        m = assign[a]
        if m is not None:
            try:
                ranking = ranking[: ranking.index(m)]
            except ValueError:  # assigned to a program they did not rank: all count
                unranked_by_applicant.append(
                    f"applicant {a} is assigned to {m}, which they did not rank"
                )
        for p in ranking:
            if a in takes_alone[p]:
                blocking.append(("pair", a, p))
    problems.extend(unranked_by_applicant)
    problems.extend(unranked_by_program)

    # Couples: the general "would take" test.
    held_sets: dict[str, set[str]] = {}

    def would_take(p: str, takers: tuple[str, ...], leaving: tuple[str, str]) -> bool:
        """Program p would take ``takers``, leaving out ``leaving`` (spec definition).

        Among p's assignees not leaving, plus the takers, p keeps its best cap'(p); every
        taker must be ranked by p and kept.  With the takers' worst rank w, they are all
        kept iff the candidates ranked at w or better (the remaining assignees ranked above
        w, plus the takers themselves) number at most cap'(p).
        """
        ranking = prog_ranking[p]
        worst = -1
        for s in takers:
            try:
                worst = max(worst, ranking.index(s))
            except ValueError:
                return False
        held_set = held_sets.get(p)
        if held_set is None:
            held_set = held_sets[p] = set(held[p])
        above = held_set.intersection(ranking[:worst])
        better = len(above) - sum(1 for b in leaving if b in above)
        return better + len(takers) <= final[p]

    for cid, m1, m2, options in market.couples:
        current = (assign[m1], assign[m2])
        if current == (None, None):
            above_options = options
        else:
            try:
                above_options = options[: options.index(current)]
            except ValueError:
                problems.append(
                    f"couple {cid} is assigned ({_show(current[0])}, {_show(current[1])}), "
                    "which is not on its ranking"
                )
                above_options = options
        leaving = (m1, m2)
        for p1, p2 in above_options:
            if p1 is not None and p1 == p2:
                ok = would_take(p1, (m1, m2), leaving)
            else:
                ok = (p1 is None or would_take(p1, (m1,), leaving)) and (
                    p2 is None or would_take(p2, (m2,), leaving)
                )
            if ok:
                blocking.append(("couple", cid, p1, p2))

    blocking.sort(key=_block_sort_key)
    return final, problems, blocking


def _block_sort_key(entry: BlockKey) -> tuple[Any, ...]:
    if entry[0] == "pair":
        return (0, entry[1], entry[2], "")
    return (1, entry[1], entry[2] or "", entry[3] or "")


def _show(p: str | None) -> str:
    return "unmatched" if p is None else p


def _block_what(entry: BlockKey) -> str:
    if entry[0] == "pair":
        return f"applicant {entry[1]} and program {entry[2]}"
    return f"couple {entry[1]} and programs ({_show(entry[2])}, {_show(entry[3])})"


def _block_line(entry: BlockKey) -> str:
    return f"blocking {entry[0]}: {_block_what(entry)}"


def _block_dict(entry: BlockKey) -> dict[str, Any]:
    if entry[0] == "pair":
        return {"type": "pair", "applicant": entry[1], "program": entry[2]}
    return {"type": "couple", "couple": entry[1], "programs": [entry[2], entry[3]]}


def _parse_block_entry(entry: Any) -> BlockKey | None:
    if not isinstance(entry, Mapping):
        return None
    kind = entry.get("type")
    if kind == "pair":
        a, p = entry.get("applicant"), entry.get("program")
        if isinstance(a, str) and isinstance(p, str):
            return ("pair", a, p)
    elif kind == "couple":
        c, progs = entry.get("couple"), entry.get("programs")
        if (
            isinstance(c, str)
            and isinstance(progs, list | tuple)
            and len(progs) == 2
            and all(q is None or isinstance(q, str) for q in progs)
        ):
            return ("couple", c, progs[0], progs[1])
    return None


def final_capacities(
    instance: dict[str, Any], assignments: Mapping[str, str | None]
) -> dict[str, int]:
    """Every program's capacity after reversion, given the assignments (program id -> int)."""
    market = _Market(instance)
    counts: dict[str, int] = {}
    for p in _clean_assignments(market, assignments).values():
        if p is not None:
            counts[p] = counts.get(p, 0) + 1
    return _final_capacities(market, counts)


def find_blocking(instance: dict[str, Any], result: dict[str, Any]) -> list[dict[str, Any]]:
    """The blocking pairs and blocking couples of ``result["assignments"]``.

    Only the assignments are read; final capacities are recomputed from them by the
    Reversion rule.  Applicants missing from the assignments, or assigned to an unknown
    program, count as unmatched.  Entries are ``{"type": "pair", "applicant": a,
    "program": p}`` and ``{"type": "couple", "couple": c, "programs": [p1, p2]}`` (``p1``
    for the couple's first member, ``None`` for unmatched), one per blocking (applicant,
    program) or (couple, option).  Order: pairs by applicant id then program id, then
    couples by couple id then programs (``None`` first).
    """
    market = _Market(instance)
    assign = _clean_assignments(market, result.get("assignments"))
    _, _, blocking = _analyse(market, assign)
    return [_block_dict(e) for e in blocking]


def verify(
    instance: dict[str, Any], result: dict[str, Any], *, instance_sha256: str | None = None
) -> list[str]:
    """Every problem with ``result`` as a result of ``instance``; ``[]`` if valid and stable.

    See the module docstring for the checks.  Never raises on a malformed result: each
    defect becomes a line.

    ``instance_sha256``: the instance's ``canonical_sha256``, when the caller has just
    computed it from this very instance (``solve`` does); it saves serialising a large
    instance a second time.  Leave it out to have the hash recomputed (what an outside
    checker should do).
    """
    if not isinstance(result, Mapping):
        return ["result is not a JSON object"]
    market = _Market(instance)
    problems: list[str] = []

    fmt = result.get("format")
    if fmt != RESULT_FORMAT:
        problems.append(f"result format is {_q(fmt)}, expected {_q(RESULT_FORMAT)}")
    proposing = result.get("proposing")
    if "proposing" in result and proposing not in ("applicant", "program"):
        problems.append(f'proposing is {_q(proposing)}, expected "applicant" or "program"')

    # instance_sha256
    from matchengine.instance import canonical_sha256

    expected_sha = instance_sha256 or canonical_sha256(instance)
    sha = result.get("instance_sha256")
    if sha != expected_sha:
        problems.append(
            f"instance_sha256 is {_q(sha)} but the instance hashes to {_q(expected_sha)}"
        )

    # assignments
    raw = result.get("assignments")
    if not isinstance(raw, Mapping):
        problems.append("assignments is missing or not an object")
        return problems
    assign = _clean_assignments(market, raw)
    if assign is not raw:  # not the fast path: find what is wrong
        for a in market.app_ranking:
            if a not in raw:
                problems.append(f"applicant {a} is missing from assignments")
        for a, p in raw.items():
            if a not in market.app_ranking:
                problems.append(f"assignments names unknown applicant {_q(a)}")
            elif p is not None and not isinstance(p, str):
                problems.append(f"applicant {a}: assignment must be a program id or null")
            elif p is not None and p not in market.capacity:
                problems.append(f"applicant {a} is assigned to unknown program {_q(p)}")

    final, validity, blocking = _analyse(market, assign)

    # final_capacity
    given = result.get("final_capacity")
    if not isinstance(given, Mapping):
        problems.append("final_capacity is missing or not an object")
    else:
        for p in market.prog_ids:
            if p not in given:
                problems.append(f"final_capacity is missing program {p}")
            elif type(given[p]) is not int:
                problems.append(f"program {p}: final capacity {_q(given[p])} is not an integer")
            elif given[p] != final[p]:
                problems.append(
                    f"program {p}: final capacity is {given[p]} but the reversion rule "
                    f"gives {final[p]}"
                )
        for p in given:
            if p not in market.capacity:
                problems.append(f"final_capacity names unknown program {_q(p)}")

    problems.extend(validity)
    problems.extend(_block_line(e) for e in blocking)

    # status and blocking
    status = result.get("status")
    listed_raw = result.get("blocking", [])
    if not isinstance(listed_raw, list):
        problems.append("blocking is not a list")
        listed_raw = []
    if status not in STATUSES:
        problems.append(f"status is {_q(status)}, expected one of {', '.join(STATUSES)}")
    elif status == "stable":
        if listed_raw:
            problems.append('status is "stable" but blocking is not empty')
    else:
        listed: set[BlockKey] = set()
        for entry in listed_raw:
            key = _parse_block_entry(entry)
            if key is None:
                problems.append(f"blocking entry {_q(entry)} is malformed")
            else:
                listed.add(key)
        found = set(blocking)
        for key in sorted(found - listed, key=_block_sort_key):
            problems.append(f"blocking {key[0]} {_block_what(key)} is not listed in blocking")
        for key in sorted(listed - found, key=_block_sort_key):
            problems.append(f"blocking lists the {key[0]} {_block_what(key)}, which does not block")
        if not blocking and not validity:
            problems.append(f"status is {_q(status)} but the assignments are valid and stable")
    return problems


def _q(value: Any) -> str:
    """A value quoted for a message (JSON-like)."""
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if value is None:
        return "missing"
    return repr(value)
