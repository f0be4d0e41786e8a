"""Brute force for tiny instances, written from the spec's words and nothing else.

Independent of the solver (and of matchengine.verify): every valid matching is enumerated,
and stability is tested with the definitions of ``match-exchange-format.md`` read naively
(lists, sets, ``index``; no shortcuts).  Only for instances with a handful of applicants.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

Instance = dict[str, Any]
Assign = dict[str, str | None]


def _programs(inst: Instance) -> dict[str, dict[str, Any]]:
    return {p["id"]: p for p in inst["programs"]}


def _couples(inst: Instance) -> list[dict[str, Any]]:
    return list(inst.get("couples", []))


def final_capacity(inst: Instance, assign: Assign) -> dict[str, int]:
    """The Reversion rule, computed by repeatedly settling programs whose sources are settled."""
    progs = _programs(inst)
    held = {p: sum(1 for q in assign.values() if q == p) for p in progs}
    received = dict.fromkeys(progs, 0)
    final: dict[str, int] = {}
    while len(final) < len(progs):
        for p in sorted(progs):
            if p in final:
                continue
            sources = [s for s in progs if progs[s].get("reverts_to") == p]
            if any(s not in final for s in sources):
                continue
            capacity = progs[p]["capacity"] + received[p]
            target = progs[p].get("reverts_to")
            if target is not None and held[p] < capacity:
                final[p] = held[p]
                received[target] += capacity - held[p]
            else:
                final[p] = capacity
    return final


def would_take(
    inst: Instance,
    assign: Assign,
    final: dict[str, int],
    p: str,
    takers: list[str],
    leaving: list[str],
) -> bool:
    """Program p would take ``takers`` leaving out ``leaving`` (spec definition)."""
    ranking = _programs(inst)[p]["ranking"]
    if any(s not in ranking for s in takers):
        return False
    pool = [a for a, q in assign.items() if q == p and a not in leaving] + takers
    pool.sort(key=ranking.index)
    kept = pool[: final[p]]
    return all(s in kept for s in takers)


def is_valid(inst: Instance, assign: Assign) -> bool:
    progs = _programs(inst)
    final = final_capacity(inst, assign)
    members = {m for c in _couples(inst) for m in c["members"]}
    apps = {a["id"]: a for a in inst["applicants"]}
    for a, p in assign.items():
        if p is None:
            continue
        if a not in progs[p]["ranking"]:
            return False
        if a not in members and p not in apps[a]["ranking"]:
            return False
    for p in progs:
        if sum(1 for q in assign.values() if q == p) > final[p]:
            return False
    for c in _couples(inst):
        m1, m2 = c["members"]
        pair = [assign[m1], assign[m2]]
        if pair != [None, None] and pair not in c["ranking"]:
            return False
    return True


def blocking(inst: Instance, assign: Assign) -> list[tuple[Any, ...]]:
    """All blocking pairs ("pair", a, p) and couples ("couple", c, p1, p2)."""
    final = final_capacity(inst, assign)
    members = {m for c in _couples(inst) for m in c["members"]}
    out: list[tuple[Any, ...]] = []
    for a in inst["applicants"]:
        if a["id"] in members:
            continue
        ranking = a["ranking"]
        current = assign[a["id"]]
        better = ranking if current is None else ranking[: ranking.index(current)]
        for p in better:
            if would_take(inst, assign, final, p, [a["id"]], [a["id"]]):
                out.append(("pair", a["id"], p))
    for c in _couples(inst):
        m1, m2 = c["members"]
        current = [assign[m1], assign[m2]]
        options = c["ranking"]
        better = options if current == [None, None] else options[: options.index(current)]
        for p1, p2 in better:
            if p1 is not None and p1 == p2:
                ok = would_take(inst, assign, final, p1, [m1, m2], [m1, m2])
            else:
                ok = (p1 is None or would_take(inst, assign, final, p1, [m1], [m1, m2])) and (
                    p2 is None or would_take(inst, assign, final, p2, [m2], [m1, m2])
                )
            if ok:
                out.append(("couple", c["id"], p1, p2))
    return out


def all_valid(inst: Instance) -> Iterator[Assign]:
    """Every valid matching (singles: unmatched or a mutually acceptable program;
    couples: unmatched or an option on their list)."""
    progs = _programs(inst)
    members = {m for c in _couples(inst) for m in c["members"]}
    singles = [a for a in inst["applicants"] if a["id"] not in members]
    single_choices = [
        [None] + [p for p in a["ranking"] if a["id"] in progs[p]["ranking"]] for a in singles
    ]
    couple_choices = [[(None, None)] + [tuple(o) for o in c["ranking"]] for c in _couples(inst)]
    base: Assign = {a["id"]: None for a in inst["applicants"]}
    for sc in itertools.product(*single_choices):
        for cc in itertools.product(*couple_choices):
            assign = dict(base)
            for a, p in zip(singles, sc, strict=True):
                assign[a["id"]] = p
            for c, (p1, p2) in zip(_couples(inst), cc, strict=True):
                assign[c["members"][0]] = p1
                assign[c["members"][1]] = p2
            if is_valid(inst, assign):
                yield assign


def stable_matchings(inst: Instance) -> list[Assign]:
    return [a for a in all_valid(inst) if not blocking(inst, a)]


def prefers(ranking: list[str], p: str | None, q: str | None) -> bool:
    """p is at least as good as q on this ranking (None = unmatched, the worst)."""
    if p == q:
        return True
    if p is None:
        return False
    if q is None:
        return True
    return ranking.index(p) < ranking.index(q)


def applicant_optimal(inst: Instance, stable: list[Assign]) -> Assign | None:
    """The stable matching every applicant likes at least as well as any other, if any."""
    apps = {a["id"]: a["ranking"] for a in inst["applicants"]}
    for s in stable:
        if all(prefers(apps[a], s[a], t[a]) for t in stable for a in apps):
            return s
    return None


def program_optimal(inst: Instance, stable: list[Assign]) -> Assign | None:
    """The stable matching where every applicant is at most as well off as in any other.

    With single applicants (no couples, no reversion) this is the program-optimal one
    (Roth & Sotomayor 1990, Corollary 2.32: the lattice is polarised)."""
    apps = {a["id"]: a["ranking"] for a in inst["applicants"]}
    for s in stable:
        if all(prefers(apps[a], t[a], s[a]) for t in stable for a in apps):
            return s
    return None


def sat_oracle(inst: Instance) -> Assign | None:
    """A stable matching found by a second, naive SAT model, or None if it proves none.

    Written independently of ``matchengine.exact``: cardinality constraints come from
    ``pysat.card.CardEnc``; a couple's own places are *excluded* from the counts (rather
    than corrected for, state by state); reversion uses the subtree reading of the rule
    (a reverting program ends full; a root's final capacity is its subtree's positions
    minus what its descendants hold).  For medium instances (hundreds of applicants).
    """
    from pysat.card import CardEnc, EncType
    from pysat.formula import IDPool
    from pysat.solvers import Solver

    pool = IDPool()
    clauses: list[list[int]] = []
    progs = _programs(inst)
    members = {m: c for c in _couples(inst) for m in c["members"]}
    x: dict[tuple[str, str], int] = {}
    for a in inst["applicants"]:
        if a["id"] in members:
            continue
        for p in a["ranking"]:
            if a["id"] in progs[p]["ranking"]:
                x[a["id"], p] = pool.id(("x", a["id"], p))
    y: dict[tuple[str, int], int] = {}
    for c in _couples(inst):
        m1, m2 = c["members"]
        for k, (p1, p2) in enumerate(c["ranking"]):
            if (p1 is None or m1 in progs[p1]["ranking"]) and (
                p2 is None or m2 in progs[p2]["ranking"]
            ):
                y[c["id"], k] = pool.id(("y", c["id"], k))

    def extend(cnf: Any) -> None:
        clauses.extend(cnf.clauses)

    for a in inst["applicants"]:
        lits = [v for (b, _), v in x.items() if b == a["id"]]
        if len(lits) > 1:
            extend(CardEnc.atmost(lits, 1, vpool=pool, encoding=EncType.pairwise))
    for c in _couples(inst):
        lits = [v for (d, _), v in y.items() if d == c["id"]]
        if len(lits) > 1:
            extend(CardEnc.atmost(lits, 1, vpool=pool, encoding=EncType.pairwise))

    # occupants[p] = [(applicant, couple id or None, literal)], duplicates made distinct.
    occupants: dict[str, list[tuple[str, str | None, int]]] = {p: [] for p in progs}
    for (a, p), v in x.items():
        occupants[p].append((a, None, v))
    for c in _couples(inst):
        m1, m2 = c["members"]
        for k, (p1, p2) in enumerate(c["ranking"]):
            v = y.get((c["id"], k))
            if v is None:
                continue
            if p1 is not None:
                occupants[p1].append((m1, c["id"], v))
            if p2 is not None:
                w = v
                if p2 == p1:  # a second, equivalent literal for the second seat
                    w = pool.id(("dup", c["id"], k))
                    clauses.extend([[-w, v], [w, -v]])
                occupants[p2].append((m2, c["id"], w))

    def descendants(p: str) -> list[str]:
        out = [q for q in progs if progs[q].get("reverts_to") == p]
        for q in list(out):
            out.extend(descendants(q))
        return out

    own = {
        p: progs[p]["capacity"] + sum(progs[q]["capacity"] for q in descendants(p)) for p in progs
    }
    for p in progs:
        lits = [v for q in [p, *descendants(p)] for _, _, v in occupants[q]]
        if len(lits) > own[p]:
            extend(CardEnc.atmost(lits, own[p], vpool=pool, encoding=EncType.seqcounter))

    def implies_at_least(z: int, lits: list[int], k: int) -> None:
        """z -> at least k of lits."""
        if k <= 0:
            return
        if k > len(lits):
            clauses.append([-z])
            return
        ws = [pool.id(("w", z, i)) for i in range(k)]
        for w in ws:
            clauses.append([-w, -z])
        extend(CardEnc.atleast(lits + ws, k, vpool=pool, encoding=EncType.seqcounter))

    def not_take(p: str, takers: list[str], couple: str | None) -> int:
        """A literal that, when true, guarantees p would not take ``takers``."""
        ranking = progs[p]["ranking"]
        z = pool.id(("nt", p, tuple(takers), couple))
        worst = max(ranking.index(s) for s in takers)
        if progs[p].get("reverts_to") is None:
            desc = [v for q in descendants(p) for _, _, v in occupants[q]]
            better = [
                v
                for b, cc, v in occupants[p]
                if ranking.index(b) < worst and (couple is None or cc != couple)
            ]
            implies_at_least(z, desc + better, own[p] - len(takers) + 1)
        else:
            rest = [
                v
                for b, cc, v in occupants[p]
                if ranking.index(b) >= worst or (couple is not None and cc == couple)
            ]
            limit = len(takers) - 1  # z -> at most ``limit`` of rest
            if limit < 0:
                clauses.append([-z])
            for combo in itertools.combinations(rest, limit + 1):
                clauses.append([-z, *(-v for v in combo)])
        return z

    for a in inst["applicants"]:
        if a["id"] in members:
            continue
        acceptable = [p for p in a["ranking"] if (a["id"], p) in x]
        for i, p in enumerate(acceptable):
            clauses.append(
                [*(x[a["id"], q] for q in acceptable[: i + 1]), not_take(p, [a["id"]], None)]
            )
    for c in _couples(inst):
        m1, m2 = c["members"]
        for k, (p1, p2) in enumerate(c["ranking"]):
            if (c["id"], k) not in y:
                continue
            clause = [v for (d, j), v in y.items() if d == c["id"] and j <= k]
            if p1 is not None and p1 == p2:
                clause.append(not_take(p1, [m1, m2], c["id"]))
            else:
                if p1 is not None:
                    clause.append(not_take(p1, [m1], c["id"]))
                if p2 is not None:
                    clause.append(not_take(p2, [m2], c["id"]))
            clauses.append(clause)

    with Solver(name="minisat22", bootstrap_with=clauses) as solver:
        if not solver.solve():
            return None
        model = set(v for v in solver.get_model() if v > 0)
    assign: Assign = {a["id"]: None for a in inst["applicants"]}
    for (a, p), v in x.items():
        if v in model:
            assign[a] = p
    for c in _couples(inst):
        for k, (p1, p2) in enumerate(c["ranking"]):
            v = y.get((c["id"], k))
            if v is not None and v in model:
                assign[c["members"][0]] = p1
                assign[c["members"][1]] = p2
    return assign
