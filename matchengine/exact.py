"""Exact search for a stable matching (couples, reversion) with a SAT solver.

When the couples heuristic (:mod:`matchengine.couples`) ends unstable, this module encodes
"a valid matching with no blocking pair and no blocking couple", exactly as the spec
defines them, as a CNF formula and hands it to Glucose 4.2 (python-sat).  A model is a stable
matching; unsatisfiability proves that none exists (Ronn 1990 showed the question is
NP-complete, so a complete search is the honest answer; the SAT approach follows Biró,
Manlove & McBride 2014, "The hospitals/residents problem with couples: complexity and
integer programming models").

Encoding (all numbers are program/option indices of the compiled market):

* ``x[a,k]``: single ``a`` gets the ``k``-th program of its ranking (only mutually acceptable
  pairs).  ``y[c,k]``: couple ``c`` gets its ``k``-th option (only options whose programs rank
  the members sent to them).  At most one per single, at most one per couple.
* Reversion without arithmetic on capacities.  Let ``subtree(p)`` be ``p`` and every program
  reverting into it, transitively, and ``own(p)`` the sum of their capacities.  With the
  spec's rule, a matching is within its final capacities iff for every ``p`` the applicants
  held in ``subtree(p)`` number at most ``own(p)``; a program with ``reverts_to`` always ends
  *full* (final capacity = what it holds); a program without has final capacity
  ``own(p) - held(subtree(p) - p)``.  Without reversion this is just ``held(p) <= cap(p)``.
* Occupants: for each program, the literals putting an applicant there, in the program's
  rank order (a couple option sending both members counts twice).  A sequential counter
  (Sinz 2005) with both directions of each implication gives, for every prefix of
  "descendants' occupants, then p's occupants by rank", literals "at least j of these".
* No blocking pair (single ``a``, program ``p`` at position ``k`` of its ranking):
  ``a`` holds one of its first ``k+1`` programs, or ``p`` would not take ``a``: for a program
  without ``reverts_to``, "held in descendants + held at p ranked above a >= own(p)"; for a
  reverting program, "nobody at p is ranked below a".
* No blocking couple ``(c, k)``: for every state ``j`` the couple may be in that is worse
  than ``k`` (an option after ``k``, or unmatched), ``not state_j`` or some program of option
  ``k`` would not take the member(s) sent to it, where the places the couple's own members
  hold under ``j`` count as free (the spec's "leaving L").
* Capacities: at most ``own(p)`` in ``subtree(p)`` (the counters' at-most clauses).

The search runs under ``deadline``; building the formula checks the deadline too.  Glucose
looks at an interrupt only when it restarts, which on the whole market's formula can be
tens of seconds late (measured: a 30 s limit ending after 54 s).  So the whole formula is
solved in a forked child process (copy-on-write: it inherits the solver as it stands) that
the parent kills at the deadline, when this process may fork (POSIX, one thread, no
``MATCHENGINE_FORK=0``); otherwise a timer interrupts the solver and the limit is only as
good as Glucose's restarts.
"""

from __future__ import annotations

import logging
import marshal
import threading
import time
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from matchengine import forking
from matchengine.instance import Market

__all__ = ["Found", "find_stable", "settle"]


@dataclass(slots=True)
class Found:
    """``status`` is ``stable`` (with an assignment), ``no-stable-matching`` or ``unresolved``."""

    status: str
    assignment: dict[str, int] | None


log = logging.getLogger("matchengine")

_Decoder = Callable[[set[int]], dict[str, int]]


class _Timeout(Exception):
    pass


class _Cnf:
    """Clauses with constant folding (literal ``TRUE`` is always true), streamed into the
    solver in batches (less memory, and the deadline is checked between batches)."""

    def __init__(self, solver: Any, deadline: float | None) -> None:
        self.top = 1
        self.TRUE = 1
        self.clauses: list[list[int]] = [[1]]
        self.solver = solver
        self.deadline = deadline
        self._n = 0

    def flush(self) -> None:
        if self.clauses:
            self.solver.append_formula(self.clauses)
            self.clauses.clear()

    def new(self) -> int:
        self.top += 1
        return self.top

    def add(self, clause: list[int]) -> None:
        t = self.TRUE
        if t in clause:
            return
        self.clauses.append([x for x in clause if x != -t])
        self._n += 1
        if self._n & 4095 == 0:
            self.check_deadline()

    def check_deadline(self) -> None:
        if len(self.clauses) >= 50_000:
            self.flush()
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise _Timeout

    def at_most_one(self, lits: list[int]) -> None:
        if len(lits) <= 5:
            for i in range(len(lits)):
                for j in range(i + 1, len(lits)):
                    self.add([-lits[i], -lits[j]])
            return
        # Sequential (ladder) encoding: s_i = "some of lits[0..i] is true".
        prev = lits[0]
        for i in range(1, len(lits)):
            s = self.new()
            self.add([-prev, s])
            self.add([-lits[i], s])
            self.add([-prev, -lits[i]])
            prev = s


class _Counter:
    """Sequential counter (Sinz 2005) over ``lits``: ``ge(i, j)`` is a literal for "at
    least j of the first i literals are true", for j up to ``k``.

    With ``at_most`` the count of all the literals is also limited to ``k`` (so "at least
    k + 1" is false).  With ``exact`` each counter variable is *equivalent* to its
    meaning (both directions: it may be used positively and negatively); without, only
    "a true prefix forces it" holds, which is all an at-most constraint needs.
    """

    def __init__(self, cnf: _Cnf, lits: list[int], k: int, *, at_most: bool, exact: bool) -> None:
        self.cnf = cnf
        self.k = k
        self.at_most = at_most
        t = cnf.TRUE
        top = cnf.top
        out = cnf.clauses
        add = out.append
        rows: list[list[int]] = [[t]]  # rows[i][j], j = 0..min(i, k); rows[i][0] = TRUE
        prev = rows[0]
        for i, lit in enumerate(lits, start=1):
            if at_most and len(prev) > k:  # k already true among i - 1: lit must be false
                add([-prev[k], -lit])
            row = [t]
            n_prev = len(prev)
            for j in range(1, min(i, k) + 1):
                top += 1
                s = top
                if j < n_prev:  # "at least j among i - 1" exists (else it is false)
                    below = prev[j]
                    add([-below, s])
                    if j == 1:
                        add([-lit, s])
                        if exact:
                            add([-s, below, lit])
                    else:
                        less = prev[j - 1]
                        add([-less, -lit, s])
                        if exact:
                            add([-s, below, less])
                            add([-s, below, lit])
                else:  # j == i: all of the first i
                    if j == 1:
                        add([-lit, s])
                        if exact:
                            add([-s, lit])
                    else:
                        less = prev[j - 1]
                        add([-less, -lit, s])
                        if exact:
                            add([-s, less])
                            add([-s, lit])
                row.append(s)
            rows.append(row)
            prev = row
        cnf.top = top
        cnf.check_deadline()
        self.rows = rows

    def ge(self, i: int, j: int) -> int:
        t = self.cnf.TRUE
        if j <= 0:
            return t
        if j > i:
            return -t
        if j > self.k:
            if self.at_most:
                return -t
            raise ValueError("counter too small")  # pragma: no cover - sized by the caller
        return self.rows[i][j]


#: The SAT solver (a PySAT name).  Measured on the whole formula of a 48,000-applicant market
#: with no stable matching (16 million clauses): Glucose 4.2 proves it in 61 s, MapleChrono
#: in 158 s, CaDiCaL 1.9.5 in 108 s (and cannot be interrupted).  MiniSat and MapleChrono
#: honour an interrupt at once; Glucose does not (see the module docstring).
SAT_SOLVER = "glucose42"


def find_stable(
    market: Market,
    *,
    deadline: float | None = None,
    programs: set[int] | None = None,
    conflicts: int | None = None,
) -> Found:
    """A stable matching of ``market`` (see the module docstring), or why there is none.

    Returns ``Found("stable", assignment)`` (applicant id -> program number),
    ``Found("no-stable-matching", None)`` when the formula is unsatisfiable, or
    ``Found("unresolved", None)`` when the deadline passed first.

    With ``programs``, only the part of the formula about those programs (and the programs
    of their reversion trees) is written: the capacity counters and the no-blocking
    clauses of those programs, over the variables of every applicant and couple they could
    hold.  Every other clause is left out, so this *relaxes* the question: unsatisfiable
    still proves that no stable matching exists (``no-stable-matching``), while a model
    proves nothing and gives ``Found("unresolved", None)``.  An obstruction to stability is
    usually local (a couple caught in a cycle of displacements through a few programs), so
    the small formula around it settles the question in milliseconds where the whole
    market's formula takes tens of seconds.  ``conflicts`` bounds the solver's work (then
    ``unresolved`` when it runs out).
    """
    from pysat.solvers import Solver

    with Solver(name=SAT_SOLVER) as solver:
        try:
            decode = _encode(market, _Cnf(solver, deadline), programs)
        except _Timeout:
            return Found("unresolved", None)
        if conflicts is not None:
            solver.conf_budget(conflicts)
        if deadline is not None and deadline <= time.monotonic():
            return Found("unresolved", None)
        if programs is None and deadline is not None and forking.may_fork():
            sat, true = _solve_in_child(solver, deadline)
        else:
            sat = _solve_here(solver, deadline)
            true = _true_literals(solver) if sat and programs is None else None
        if sat is None:
            return Found("unresolved", None)
        if not sat:
            log.debug("no stable matching: %s", solver.accum_stats())
            return Found("no-stable-matching", None)
        if programs is not None:
            log.debug("relaxation: %s", solver.accum_stats())
            return Found("unresolved", None)  # a relaxation's model proves nothing
    assert true is not None
    return Found("stable", decode(true))


def _solve_here(solver: Any, deadline: float | None) -> bool | None:
    """Solve in this process; a timer interrupts the solver at ``deadline`` (best effort)."""
    timer = None
    if deadline is not None:
        timer = threading.Timer(max(0.0, deadline - time.monotonic()), solver.interrupt)
        timer.daemon = True
        timer.start()
    try:
        result: bool | None = solver.solve_limited(expect_interrupt=True)
        return result
    finally:
        if timer is not None:
            timer.cancel()


def _solve_in_child(solver: Any, deadline: float) -> tuple[bool | None, set[int] | None]:
    """Solve in a forked child killed at ``deadline``: (satisfiable or None, true literals).

    The child sends back ``marshal`` bytes of (result, positive literals of the model).  If
    the child cannot be started or dies without an answer before the deadline, the solve
    runs here instead (the deadline then as good as Glucose's restarts).
    """

    def in_child() -> bytes:
        sat = solver.solve_limited(expect_interrupt=False)
        return marshal.dumps((sat, _true_literals(solver) if sat else None))

    child = forking.start(in_child)
    data = None if child is None else child.answer(deadline)
    if data is not None:
        sat, literals = marshal.loads(data)
        return sat, literals
    if child is not None and time.monotonic() >= deadline:
        log.info("exact search: the time limit passed; the solver's process was stopped")
        return None, None
    log.warning("exact search: no answer from the solver's process; solving here")
    sat = _solve_here(solver, deadline)
    return sat, _true_literals(solver) if sat else None


def _true_literals(solver: Any) -> set[int]:
    model = solver.get_model()
    assert model is not None
    return {v for v in model if v > 0}


def _encode(market: Market, cnf: _Cnf, programs: set[int] | None = None) -> _Decoder:
    """Write the formula into ``cnf`` (see the module docstring); returns the decoder.

    With ``programs``, only the clauses about those programs and their reversion trees
    (see :func:`find_stable`); the decoder is then meaningless.
    """
    prank, pidx = market.prank, market.pidx
    m = len(market.prog_ids)
    rev = market.reverts_to
    inside = _reversion_closure(market, programs)

    # Variables: of the singles and couples that a program inside could hold (all of them
    # for the whole formula), for every acceptable program or option they have.
    member_of: dict[str, tuple[int, int]] = {}  # member -> (couple, 0 or 1)
    for c, pair in enumerate(market.members):
        member_of[pair[0]] = (c, 0)
        member_of[pair[1]] = (c, 1)
    if inside is None:
        singles: Iterable[str] = market.ranking
        couples: Iterable[int] = range(len(market.members))
    else:
        near = {a for p in range(m) if inside[p] for a in market.pranking[p]}
        singles = sorted(a for a in near if a not in member_of)
        couples = sorted({member_of[a][0] for a in near if a in member_of})
    single_vars: dict[str, list[tuple[int, int, int]]] = {}  # a -> [(k, p, var)]
    for a in singles:
        lst = market.ranking[a]
        if not lst or a in member_of:
            continue
        vs = []
        for k, pid in enumerate(lst):
            p = pidx[pid]
            if a in prank[p]:
                vs.append((k, p, cnf.new()))
        single_vars[a] = vs
    couple_vars: dict[int, dict[int, int]] = {}  # c -> {option index: var}
    for c in couples:
        m1, m2 = market.members[c]
        vs_c: dict[int, int] = {}
        for k, (p1, p2) in enumerate(market.options[c]):
            if (p1 < 0 or m1 in prank[p1]) and (p2 < 0 or m2 in prank[p2]):
                vs_c[k] = cnf.new()
        couple_vars[c] = vs_c

    for vs in single_vars.values():
        cnf.at_most_one([v for _, _, v in vs])
    for vs_c in couple_vars.values():
        cnf.at_most_one(list(vs_c.values()))

    # Occupants of each program, grouped by rank.
    groups: list[dict[int, list[int]]] = [{} for _ in range(m)]
    for a, vs in single_vars.items():
        for _, p, v in vs:
            groups[p].setdefault(prank[p][a], []).append(v)
    for c, vs_c in couple_vars.items():
        m1, m2 = market.members[c]
        for k, v in vs_c.items():
            p1, p2 = market.options[c][k]
            if p1 >= 0:
                groups[p1].setdefault(prank[p1][m1], []).append(v)
            if p2 >= 0:
                groups[p2].setdefault(prank[p2][m2], []).append(v)
    ranks_sorted = [sorted(g) for g in groups]
    own_seq = [[v for r in ranks_sorted[p] for v in groups[p][r]] for p in range(m)]

    # Subtrees of the reversion forest (descendants of p, in a fixed order), own(p).
    children: list[list[int]] = [[] for _ in range(m)]
    for p in range(m):
        if rev[p] >= 0:
            children[rev[p]].append(p)
    own = list(market.capacity)
    desc: list[list[int]] = [[] for _ in range(m)]
    from matchengine.solver import reversion_order

    for p in reversion_order(market):  # leaves first
        t = rev[p]
        own[t] += own[p]
        desc[t].extend([p, *desc[p]])

    # prefix_len(p, r): number of p's occupant literals ranked strictly above r.
    cumulative = [[0, *accumulate(len(groups[p][r]) for r in ranks_sorted[p])] for p in range(m)]

    def prefix_len(p: int, r: int) -> int:
        return cumulative[p][bisect_left(ranks_sorted[p], r)]

    # Counters.  Roots: over desc occupants + own occupants (prefix counts, up to own+2).
    # Reverting programs: capacity over the subtree, and a suffix counter up to 2.
    root_counter: dict[int, tuple[_Counter, int]] = {}
    suffix_counter: dict[int, _Counter] = {}
    for p in range(m):
        if inside is not None and not inside[p]:
            continue
        d_lits = [v for q in desc[p] for v in own_seq[q]]
        if rev[p] < 0:
            if not d_lits and not own_seq[p]:
                continue
            # At most own(p) in the subtree, so "at least own(p) + 1 in a prefix" is false.
            counter = _Counter(cnf, d_lits + own_seq[p], own[p], at_most=True, exact=True)
            root_counter[p] = (counter, len(d_lits))
        else:
            seq = d_lits + own_seq[p]
            if len(seq) > own[p]:
                _Counter(cnf, seq, own[p], at_most=True, exact=False)
            suffix_counter[p] = _Counter(cnf, own_seq[p][::-1], 2, at_most=False, exact=True)

    def not_take(p: int, worst: int, n_takers: int, d: int) -> int:
        """Literal: p would NOT take n_takers applicants whose worst rank is ``worst``,
        d of the leaving members holding places at p ranked above ``worst``."""
        t = cnf.TRUE
        if rev[p] < 0:
            got = root_counter.get(p)
            if got is None:  # nobody can ever be at p or below it
                return t if own[p] - n_takers + d + 1 <= 0 else -t
            counter, n_desc = got
            return counter.ge(n_desc + prefix_len(p, worst), own[p] - n_takers + d + 1)
        need = n_takers - d
        if need <= 0:
            return -t
        total = len(own_seq[p])
        suffix_len = total - prefix_len(p, worst)
        return -suffix_counter[p].ge(suffix_len, need)

    # No blocking pair.
    for a, vs in single_vars.items():
        up_to: list[int] = []
        for _, p, v in vs:
            up_to.append(v)
            if inside is None or inside[p]:
                cnf.add([*up_to, not_take(p, prank[p][a], 1, 0)])

    # No blocking couple.
    for c, vs_c in couple_vars.items():
        if not vs_c:
            continue
        m1, m2 = market.members[c]
        opts = market.options[c]
        unmatched = cnf.new()
        cnf.add([unmatched, *vs_c.values()])
        for v in vs_c.values():
            cnf.add([-unmatched, -v])
        keys = sorted(vs_c)
        for k in keys:
            p1, p2 = opts[k]
            if inside is not None and not ((p1 < 0 or inside[p1]) and (p2 < 0 or inside[p2])):
                continue
            r1 = prank[p1][m1] if p1 >= 0 else -1
            r2 = prank[p2][m2] if p2 >= 0 else -1
            states = [(opts[j], vs_c[j]) for j in keys if j > k] + [((-1, -1), unmatched)]
            for (q1, q2), state in states:
                # Under this state m1 holds a place at q1 and m2 at q2 (-1: none); those
                # ranked above ``worst`` at the program asked count as leaving (d).
                clause = [-state]
                if p1 >= 0 and p1 == p2:
                    worst = max(r1, r2)
                    d = (q1 == p1 and r1 < worst) + (q2 == p1 and r2 < worst)
                    clause.append(not_take(p1, worst, 2, d))
                else:
                    if p1 >= 0:
                        d = (q1 == p1 and prank[p1][m1] < r1) + (q2 == p1 and prank[p1][m2] < r1)
                        clause.append(not_take(p1, r1, 1, d))
                    if p2 >= 0:
                        d = (q1 == p2 and prank[p2][m1] < r2) + (q2 == p2 and prank[p2][m2] < r2)
                        clause.append(not_take(p2, r2, 1, d))
                cnf.add(clause)

    def decode(true: set[int]) -> dict[str, int]:
        out: dict[str, int] = {}
        for a, vs in single_vars.items():
            for _, p, v in vs:
                if v in true:
                    out[a] = p
        for c, vs_c in couple_vars.items():
            m1, m2 = market.members[c]
            for k, v in vs_c.items():
                if v in true:
                    p1, p2 = market.options[c][k]
                    if p1 >= 0:
                        out[m1] = p1
                    if p2 >= 0:
                        out[m2] = p2
        return out

    cnf.flush()
    cnf.check_deadline()
    return decode


#: Local proofs are tried on neighbourhoods of up to this share of the programs, each with
#: at most ``LOCAL_CONFLICTS`` solver conflicts (a relaxation that is satisfiable can be
#: harder to solve than the whole formula: its escapes are many), for ``LOCAL_ROUNDS``
#: rounds; then the whole formula is written.  Measured on generated NRMP-size markets
#: (bench/README.md): the proofs found needed a few thousand conflicts.
LOCAL_SHARE = 0.08
LOCAL_CONFLICTS = 20_000
LOCAL_ROUNDS = 2


def settle(
    market: Market,
    where: dict[str, int],
    hot: set[int],
    *,
    deadline: float | None = None,
) -> Found:
    """Settle whether ``market`` has a stable matching, after the heuristic ended at
    ``where`` (applicant id -> program number) with blocks around the programs ``hot``.

    First on small formulas (relaxations, :func:`find_stable` with ``programs``): the
    programs ``hot``, then that set widened by the programs now holding an applicant whom
    one of them would take (ranked at or above its cutoff: an applicant who could be
    displaced into it), for ``LOCAL_ROUNDS`` rounds while the set stays under
    ``LOCAL_SHARE`` of the programs, each with a budget of ``LOCAL_CONFLICTS``.  The first
    relaxation found unsatisfiable proves that no stable matching exists.  If none is, the
    whole formula decides (a stable matching, a proof, or ``unresolved``).
    """
    from matchengine.couples import held_ranks

    m = len(market.prog_ids)
    pranking = market.pranking
    held, final = held_ranks(market, where)
    cutoff = []  # how far down its ranking each program would take an applicant
    for p, h in enumerate(held):
        f = final[p]
        cutoff.append(len(pranking[p]) if len(h) < f else (h[f - 1] + 1 if f > 0 else 0))
    near = set(hot)
    for _ in range(LOCAL_ROUNDS):
        if not near or len(near) > LOCAL_SHARE * m:
            break
        start = time.perf_counter()
        found = find_stable(market, deadline=deadline, programs=near, conflicts=LOCAL_CONFLICTS)
        log.info(
            "  around %d programs: %s in %.2f s",
            len(near),
            "no stable matching" if found.status == "no-stable-matching" else "not settled",
            time.perf_counter() - start,
        )
        if found.status == "no-stable-matching" or (
            deadline is not None and time.monotonic() > deadline
        ):
            return found
        wider = set(near)
        for p in near:
            wider.update(where[a] for a in pranking[p][: cutoff[p]] if a in where)
        if wider == near:
            break
        near = wider
    return find_stable(market, deadline=deadline)


def _reversion_closure(market: Market, programs: set[int] | None) -> list[bool] | None:
    """``programs`` with every program of their reversion trees (root and all that revert
    into it, transitively), as a membership list; ``None`` for the whole market."""
    if programs is None:
        return None
    rev = market.reverts_to
    children: list[list[int]] = [[] for _ in rev]
    for p, t in enumerate(rev):
        if t >= 0:
            children[t].append(p)
    inside = [False] * len(rev)
    for p in programs:
        root = p
        while rev[root] >= 0:
            root = rev[root]
        if inside[root]:
            continue
        stack = [root]
        while stack:
            q = stack.pop()
            inside[q] = True
            stack.extend(children[q])
    return inside
