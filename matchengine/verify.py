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

Cost: linear in the total length of the rankings.  For a single applicant only the programs
ranked above their match are looked at, each in O(1) against a per-program threshold (the
rank of the program's ``cap'``-th best assignee); couples use the general "would take" test.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["final_capacities", "find_blocking", "verify"]

RESULT_FORMAT = "match-result/1"
STATUSES = ("stable", "no-stable-matching", "unresolved")

# Rank given to an assignee the program did not rank (only in invalid results): worse than
# every ranked applicant.
_UNRANKED = 1 << 62

Option = tuple[str | None, str | None]
# Internal blocking entries: ("pair", applicant, program) or ("couple", couple, p1, p2).
BlockKey = tuple[Any, ...]


class _Market:
    """The instance as plain lookup tables (string ids, integer ranks, 0-based)."""

    __slots__ = (
        "app_ranking",
        "capacity",
        "couple_of",
        "couples",
        "prog_ids",
        "prog_rank",
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
        self.prog_rank: dict[str, dict[str, int]] = {
            p["id"]: dict(zip(p["ranking"], range(len(p["ranking"])), strict=True))
            for p in programs
        }
        self.app_ranking: dict[str, list[str]] = {a["id"]: a["ranking"] for a in applicants}
        self.couples: list[tuple[str, str, str, list[Option]]] = []
        self.couple_of: dict[str, str] = {}
        for c in instance.get("couples") or []:
            m1, m2 = c["members"]
            options: list[Option] = [(o[0], o[1]) for o in c["ranking"]]
            self.couples.append((c["id"], m1, m2, options))
            self.couple_of[m1] = c["id"]
            self.couple_of[m2] = c["id"]


def _final_capacities(market: _Market, held_count: Mapping[str, int]) -> dict[str, int]:
    """Apply the Reversion rule: spare positions flow down ``reverts_to`` chains.

    Programs are processed so that every program is handled after all programs that revert
    into it (Kahn's algorithm on the reversion forest).  A reverting program whose capacity
    (its own plus what it received) exceeds what it holds gives the difference on, and its
    final capacity becomes what it holds.
    """
    reverts_to = market.reverts_to
    indegree: dict[str, int] = {}
    for t in reverts_to.values():
        indegree[t] = indegree.get(t, 0) + 1
    received: dict[str, int] = {}
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


def _clean_assignments(market: _Market, raw: Any) -> dict[str, str | None]:
    """Known applicants to known programs; anything else counts as unmatched."""
    out: dict[str, str | None] = dict.fromkeys(market.app_ranking)
    if not isinstance(raw, Mapping):
        return out
    capacity = market.capacity
    for a, p in raw.items():
        if a in out and isinstance(p, str) and p in capacity:
            out[a] = p
    return out


def _analyse(
    market: _Market, assign: Mapping[str, str | None]
) -> tuple[dict[str, int], list[str], list[BlockKey]]:
    """Final capacities, validity problems and blocking entries of clean assignments."""
    problems: list[str] = []
    prog_rank = market.prog_rank
    app_ranking = market.app_ranking
    couple_of = market.couple_of

    # Who each program holds, with the rank it gives them.
    held: dict[str, list[tuple[int, str]]] = {p: [] for p in market.prog_ids}
    for a, p in assign.items():
        if p is not None:
            held[p].append((prog_rank[p].get(a, _UNRANKED), a))
    held_count = {p: len(h) for p, h in held.items()}
    final = _final_capacities(market, held_count)

    # Validity: capacity, then acceptability.
    for p in market.prog_ids:
        n, cap = held_count[p], final[p]
        if n > cap:
            problems.append(f"program {p} holds {n} applicants but its final capacity is {cap}")
    for a, p in assign.items():
        if p is None:
            continue
        if a not in couple_of and p not in app_ranking[a]:
            problems.append(f"applicant {a} is assigned to {p}, which they did not rank")
        if a not in prog_rank[p]:
            problems.append(f"applicant {a} is assigned to {p}, which did not rank them")

    # threshold[p]: a single applicant ranked (0-based) r by p is kept by p iff r < threshold.
    # That is: p has a free seat, or fewer than cap'(p) of its assignees are ranked above r.
    threshold: dict[str, int] = {}
    for p, h in held.items():
        cap = final[p]
        n = len(h)
        if n < cap:
            threshold[p] = _UNRANKED + 1
        elif cap == 0:
            threshold[p] = -1
        elif n == cap:
            threshold[p] = max(h)[0]
        else:
            threshold[p] = sorted(h)[cap - 1][0]

    blocking: list[BlockKey] = []
    # Single applicants: scan only the programs ranked above their match.
    for a, ranking in app_ranking.items():
        if not ranking or a in couple_of:
            continue
        m = assign[a]
        if m is None:
            above = ranking
        else:
            try:
                above = ranking[: ranking.index(m)]
            except ValueError:  # assigned to a program they did not rank: all count
                above = ranking
        for p in above:
            r = prog_rank[p].get(a)
            if r is not None and r < threshold[p]:
                blocking.append(("pair", a, p))

    # Couples: the general "would take" test.
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
                ok = _would_take(market, held, final, p1, (m1, m2), leaving)
            else:
                ok = (p1 is None or _would_take(market, held, final, p1, (m1,), leaving)) and (
                    p2 is None or _would_take(market, held, final, p2, (m2,), leaving)
                )
            if ok:
                blocking.append(("couple", cid, p1, p2))

    blocking.sort(key=_block_sort_key)
    return final, problems, blocking


def _would_take(
    market: _Market,
    held: Mapping[str, list[tuple[int, str]]],
    final: Mapping[str, int],
    p: str,
    takers: tuple[str, ...],
    leaving: tuple[str, ...],
) -> bool:
    """Program p would take ``takers``, leaving out ``leaving`` (spec definition).

    Among p's assignees not leaving, plus the takers, p keeps its best cap'(p); every taker
    must be ranked by p and kept.  With the takers' worst rank w, they are all kept iff the
    number of candidates ranked at w or better, i.e. the remaining assignees ranked above w
    plus the takers themselves, is at most cap'(p).
    """
    rank = market.prog_rank[p]
    worst = -1
    for s in takers:
        r = rank.get(s)
        if r is None:
            return False
        worst = max(worst, r)
    better = sum(1 for r, b in held[p] if r < worst and b not in leaving)
    return better + len(takers) <= final[p]


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


def verify(instance: dict[str, Any], result: dict[str, Any]) -> list[str]:
    """Every problem with ``result`` as a result of ``instance``; ``[]`` if valid and stable.

    See the module docstring for the checks.  Never raises on a malformed result: each
    defect becomes a line.
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

    expected_sha = canonical_sha256(instance)
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
    assign = _clean_assignments(market, raw)

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
