"""Couples: the Roth–Peranson insertion heuristic, and an exact stability check.

A couple ranks *pairs* of programs; with couples a stable matching may not exist (Roth
1984; Klaus & Klijn 2005), and deferred acceptance has no guarantee.  The NRMP algorithm
(Roth & Peranson 1999) adds couples to a stable matching of the singles one at a time and
repairs what each addition disturbs; in large markets with few couples this almost always
ends stable (Kojima, Pathak & Roth 2013).  :func:`add_couples` follows it:

1. Start from the singles' deferred-acceptance outcome (applicant pointers one past their
   match).
2. For each couple, in id order: the couple proposes down its list of pairs; it takes the
   first pair where each program *would take* the member sent to it (spec definition: the
   member is among the program's best ``capacity`` once added; both members need two places
   when the pair names one program twice).  Programs drop their worst to make room.
3. A dropped single proposes on from after the program that dropped it.  A dropped couple
   member makes its couple withdraw *both* members: the partner's place is vacated and that
   program goes on the *program stack*; the couple proposes on from after its current pair.
4. A program on the program stack re-examines its ranking from the top: a single who ranks
   it above their match, or a couple with a better pair that the vacancy now makes
   possible, moves there (vacating a place elsewhere, which goes on the stack in turn).
5. Reversion: a reverting program's spare positions are its target's, so every change in
   what a program holds is passed up its ``reverts_to`` chain (a target that gains room goes
   on the program stack; one that loses room drops its worst).
6. When both stacks are empty, :func:`find_blocks` checks the whole matching against the
   spec's definitions (final capacities, blocking pairs and couples).  Programs named in
   what it finds go back on the stack and the loop resumes.

It never loops forever: the work is capped (a budget of steps proportional to the size of
the instance, a cap on how often a couple may move, a cap on repair rounds, a repeated
matching at a check ends it, and the deadline).  Then, or when blocks remain, it reports
``stable=False`` and the caller falls back to the exact search (:mod:`matchengine.exact`).
"""

from __future__ import annotations

import time
from bisect import bisect_left, insort
from dataclasses import dataclass

from matchengine.instance import Market
from matchengine.solver import final_capacities, reversion_order

__all__ = ["Block", "Outcome", "add_couples", "find_blocks", "held_ranks", "programs_named"]

#: ("pair", applicant id, program number), ("couple", couple number, option index),
#: or ("capacity", "", program number) for a program over its final capacity.
Block = tuple[str, str | int, int]

_MAX_ROUNDS = 50


@dataclass(slots=True)
class Outcome:
    """What the heuristic ended with."""

    assignment: dict[str, int]
    stable: bool
    steps: int
    #: Programs whose holdings changed while some couple was caught in a cycle of
    #: displacements, and the programs named by what still blocks: where to look first
    #: for a proof that no stable matching exists (:func:`matchengine.exact.find_stable`).
    hot: set[int]


class _OutOfBudget(Exception):
    pass


class _Repair:
    """The mutable state of the insertion heuristic (see the module docstring)."""

    def __init__(self, market: Market, assignment: dict[str, int], deadline: float | None):
        self.market = market
        self.deadline = deadline
        m = len(market.prog_ids)
        self.where: dict[str, int] = dict(assignment)
        self.held: list[list[int]] = [[] for _ in range(m)]
        prank = market.prank
        for a, p in self.where.items():
            self.held[p].append(prank[p][a])
        for h in self.held:
            h.sort()
        # Reversion: cap[p] = own + spare received; spare[p] = what p gives its target.
        self.cap = list(market.capacity)
        self.spare = [0] * m
        rev = market.reverts_to
        for p in reversion_order(market):
            s = max(0, self.cap[p] - len(self.held[p]))
            self.spare[p] = s
            self.cap[rev[p]] += s
        self.couple_of: dict[str, int] = {}
        for c, (m1, m2) in enumerate(market.members):
            self.couple_of[m1] = c
            self.couple_of[m2] = c
        self.pos: dict[str, dict[str, int]] = {}  # single -> program id -> index (lazy)
        # A single's pointer is one past its match (programs above rejected it); mpos is
        # the position of its match on its ranking.  Both are set when first needed.
        self.ptr: dict[str, int] = {}
        self.mpos: dict[str, int] = {}
        k_c = len(market.couple_ids)
        self.cur = [-1] * k_c  # current option of each couple, -1 = unmatched
        self.cptr = [0] * k_c
        self.moves = [0] * k_c
        self.given_up: set[int] = set()
        # Couples moving for the third time or more are cycling: while any is, every
        # program whose holdings change is recorded in ``hot``.
        self.cycling: set[int] = set()
        self.hot: set[int] = set()
        self.max_moves = [4 * len(o) + 20 for o in market.options]
        # Each option's member ranks (None when a member's program does not rank them).
        self.opt_ranks: list[list[tuple[int, int] | None]] = []
        for c, opts in enumerate(market.options):
            m1, m2 = market.members[c]
            ranks: list[tuple[int, int] | None] = []
            for p1, p2 in opts:
                r1 = -1 if p1 < 0 else prank[p1].get(m1)
                r2 = -1 if p2 < 0 else prank[p2].get(m2)
                ranks.append(None if r1 is None or r2 is None else (r1, r2))
            self.opt_ranks.append(ranks)
        # single ids; couple numbers c (propose) or -1 - c (try a better option)
        self.app_stack: list[str | int] = []
        self.prog_stack: list[int] = []
        self.sync_queue: list[int] = []
        total = sum(map(len, market.ranking.values())) + sum(map(len, market.options))
        self.budget = 20 * total + 10 * m + 100_000
        self.steps = 0

    # ------------------------------------------------------------------ small helpers

    def _pos(self, a: str) -> dict[str, int]:
        d = self.pos.get(a)
        if d is None:
            lst = self.market.ranking[a]
            d = self.pos[a] = dict(zip(lst, range(len(lst)), strict=True))
        return d

    def _match_pos(self, a: str) -> int:
        """Where single a's match is on its ranking (its length when unmatched)."""
        k = self.mpos.get(a)
        if k is None:
            p = self.where.get(a)
            lst = self.market.ranking[a]
            k = len(lst) if p is None else self._pos(a)[self.market.prog_ids[p]]
            if p is not None:
                self.mpos[a] = k
        return k

    def _tick(self, n: int = 1) -> None:
        self.steps += n
        if self.steps > self.budget:
            raise _OutOfBudget
        if (
            self.deadline is not None
            and self.steps & 1023 == 0
            and time.monotonic() > self.deadline
        ):
            raise _OutOfBudget

    def _take_out(self, a: str) -> None:
        """Remove a from the program it holds a place in (a vacancy there)."""
        p = self.where.pop(a)
        h = self.held[p]
        del h[bisect_left(h, self.market.prank[p][a])]
        self.mpos.pop(a, None)
        self.prog_stack.append(p)
        self.sync_queue.append(p)
        if self.cycling:
            self.hot.add(p)

    def _put(self, a: str, p: int, r: int) -> None:
        insort(self.held[p], r)
        self.where[a] = p
        self.sync_queue.append(p)
        if self.cycling:
            self.hot.add(p)

    def _overflow(self, p: int) -> None:
        """Drop p's worst while it holds more than its capacity."""
        h = self.held[p]
        while len(h) > self.cap[p]:
            b = self.market.pranking[p][h.pop()]
            del self.where[b]
            self.sync_queue.append(p)
            self._dropped(b, p)

    def _dropped(self, b: str, p: int) -> None:
        """b lost its place at p: it (or its couple) goes back to proposing."""
        c = self.couple_of.get(b)
        if c is None:
            self.mpos.pop(b, None)
            self.ptr[b] = self._pos(b)[self.market.prog_ids[p]] + 1
            self.app_stack.append(b)
            return
        m1, m2 = self.market.members[c]
        partner = m2 if b == m1 else m1
        if partner in self.where:
            self._take_out(partner)
        self.cptr[c] = self.cur[c] + 1
        self.cur[c] = -1
        self.app_stack.append(c)

    def _sync(self, p: int) -> None:
        """Pass a change in what p holds up its reversion chain."""
        rev = self.market.reverts_to
        q = p
        while rev[q] >= 0:
            s = max(0, self.cap[q] - len(self.held[q]))
            d = s - self.spare[q]
            if d == 0:
                return
            self.spare[q] = s
            t = rev[q]
            self.cap[t] += d
            if d > 0:
                self.prog_stack.append(t)
            else:
                self._overflow(t)
            q = t

    def _would_take(self, p: int, ranks: tuple[int, ...], c: int) -> bool:
        """Program p would take members of couple c with these ranks, c's members leaving."""
        worst = max(ranks)
        h = self.held[p]
        better = bisect_left(h, worst)
        if better + len(ranks) > self.cap[p]:
            # Members of c holding places at p above ``worst`` leave: their seats count free.
            for x in self.market.members[c]:
                if self.where.get(x) == p and self.market.prank[p][x] < worst:
                    better -= 1
        return better + len(ranks) <= self.cap[p]

    def _feasible(self, c: int, k: int) -> bool:
        rr = self.opt_ranks[c][k]
        if rr is None:
            return False
        p1, p2 = self.market.options[c][k]
        r1, r2 = rr
        if p1 >= 0 and p1 == p2:
            return self._would_take(p1, (r1, r2), c)
        return (p1 < 0 or self._would_take(p1, (r1,), c)) and (
            p2 < 0 or self._would_take(p2, (r2,), c)
        )

    def _move_couple(self, c: int, k: int) -> None:
        """Couple c leaves its places (if any) and takes option k (checked feasible).

        A couple that has moved too often is caught in a cycle: it is left unmatched and
        takes no further part (the matching is then not stable; the exact search decides).
        """
        market = self.market
        m1, m2 = market.members[c]
        for x in (m1, m2):
            if x in self.where:
                self._take_out(x)
        self.moves[c] += 1
        if self.moves[c] >= 3:
            self.cycling.add(c)
        if self.moves[c] > self.max_moves[c]:
            self.given_up.add(c)
            self.cycling.discard(c)
            self.cur[c] = -1
            self.cptr[c] = len(market.options[c])
            return
        p1, p2 = market.options[c][k]
        rr = self.opt_ranks[c][k]
        assert rr is not None
        if p1 >= 0:
            self._put(m1, p1, rr[0])
        if p2 >= 0:
            self._put(m2, p2, rr[1])
        self.cur[c] = k
        self.cptr[c] = k + 1
        if p1 >= 0:
            self._overflow(p1)
        if p2 >= 0:
            self._overflow(p2)

    # ------------------------------------------------------------------ proposals

    def _propose_single(self, a: str) -> None:
        if a in self.where:
            return
        market = self.market
        lst = market.ranking[a]
        pidx, prank, held, cap = market.pidx, market.prank, self.held, self.cap
        k = self.ptr.get(a, 0)
        while k < len(lst):
            self._tick()
            p = pidx[lst[k]]
            r = prank[p].get(a)
            k += 1
            if r is None:
                continue
            h = held[p]
            if len(h) < cap[p] or (h and r < h[-1]):
                self._put(a, p, r)
                self.mpos[a] = k - 1
                self.ptr[a] = k
                self._overflow(p)
                return
        self.ptr[a] = k

    def _propose_couple(self, c: int) -> None:
        if self.cur[c] >= 0 or c in self.given_up:
            return
        n_opts = len(self.market.options[c])
        k = self.cptr[c]
        while k < n_opts:
            self._tick()
            if self._feasible(c, k):
                self._move_couple(c, k)
                return
            k += 1
        self.cptr[c] = k

    def _improve_couple(self, c: int) -> bool:
        """Move couple c to its best feasible option above its current one, if any."""
        if c in self.given_up:
            return False
        top = self.cur[c] if self.cur[c] >= 0 else len(self.market.options[c])
        for k in range(top):
            self._tick()
            if self._feasible(c, k):
                self._move_couple(c, k)
                return True
        return False

    def _reexamine(self, p: int) -> None:
        """A place may have opened at p: let whoever would now want it, and get it, in."""
        market = self.market
        pid = market.prog_ids[p]
        h = self.held[p]
        for r, a in enumerate(market.pranking[p]):
            self._tick()
            if len(h) >= self.cap[p] and (not h or r > h[-1]):
                return
            if self.where.get(a) == p:
                continue
            c = self.couple_of.get(a)
            if c is None:
                k = self._pos(a).get(pid)
                if k is not None and k < self._match_pos(a):
                    if a in self.where:
                        self._take_out(a)
                    self._put(a, p, r)
                    self.mpos[a] = k
                    self.ptr[a] = k + 1
                    self._overflow(p)
            else:
                self._improve_couple(c)

    def run(self) -> None:
        """Process the queues until all are empty."""
        while True:
            if self.sync_queue:
                self._sync(self.sync_queue.pop())
            elif self.app_stack:
                x = self.app_stack.pop()
                if isinstance(x, str):
                    self._propose_single(x)
                elif x >= 0:
                    self._propose_couple(x)
                else:
                    self._improve_couple(-1 - x)
            elif self.prog_stack:
                self._reexamine(self.prog_stack.pop())
            else:
                return


def add_couples(
    market: Market, assignment: dict[str, int], *, deadline: float | None = None
) -> Outcome:
    """Add the couples to the singles' matching ``assignment`` (see the module docstring).

    Returns the assignment reached (applicant id -> program number; valid whatever
    happens) and whether :func:`find_blocks` found it stable.
    """
    state = _Repair(market, assignment, deadline)
    stable = False
    try:
        for c in range(len(market.couple_ids)):
            state.app_stack.append(c)
            state.run()
        seen: set[int] = set()
        for _ in range(_MAX_ROUNDS):
            blocks = find_blocks(market, state.where)
            if not blocks:
                stable = True
                break
            key = hash(frozenset(state.where.items()))
            if key in seen:
                break
            seen.add(key)
            if all(kind == "couple" and who in state.given_up for kind, who, _ in blocks):
                break  # only couples caught in a cycle block: nothing more to try
            for kind, who, what in blocks:
                if kind == "pair":
                    state.prog_stack.append(what)
                elif kind == "couple":
                    assert isinstance(who, int)
                    state.app_stack.append(-1 - who)  # improve couple ``who``
                else:
                    state.sync_queue.append(what)
            state.run()
    except _OutOfBudget:
        stable = False
    # The state is valid whenever the queues are empty; after an interruption it may be
    # mid-step, so make it valid (and check it: an interrupted search may still have
    # stopped at a stable matching).
    assignment_out = _valid_assignment(market, state)
    hot = state.hot
    if not stable or assignment_out != state.where:
        blocks = find_blocks(market, assignment_out)
        stable = not blocks
        hot = hot | programs_named(market, assignment_out, blocks)
    return Outcome(assignment=assignment_out, stable=stable, steps=state.steps, hot=hot)


def programs_named(market: Market, where: dict[str, int], blocks: list[Block]) -> set[int]:
    """The programs a list of blocks names, and where the blocking couples' members are."""
    out: set[int] = set()
    for kind, who, what in blocks:
        if kind == "couple":
            assert isinstance(who, int)
            out.update(p for p in market.options[who][what] if p >= 0)
            out.update(where[x] for x in market.members[who] if x in where)
        else:
            out.add(what)
    return out


def _valid_assignment(market: Market, state: _Repair) -> dict[str, int]:
    """The current assignment, made valid if an interruption left it mid-step.

    Valid means: within final capacities, each couple on one of its options or unmatched.
    A couple with only one member placed is unplaced; programs above capacity drop their
    worst (without re-proposing).
    """
    where = dict(state.where)
    for c, (m1, m2) in enumerate(market.members):
        k = state.cur[c]
        want = (-1, -1) if k < 0 else market.options[c][k]
        if (where.get(m1, -1), where.get(m2, -1)) != want:
            where.pop(m1, None)
            where.pop(m2, None)
    # Capacities: repeat until the final capacities of the spec hold.
    prank = market.prank
    while True:
        counts = [0] * len(market.prog_ids)
        for p in where.values():
            counts[p] += 1
        final = final_capacities(market, counts)
        over = [p for p in range(len(counts)) if counts[p] > final[p]]
        if not over:
            return where
        for p in over:
            members = sorted((prank[p][a], a) for a, q in where.items() if q == p)
            for _, a in members[final[p] :]:
                _drop_with_partner(market, where, a, state)


def _drop_with_partner(market: Market, where: dict[str, int], a: str, state: _Repair) -> None:
    where.pop(a, None)
    c = state.couple_of.get(a)
    if c is not None:
        for x in market.members[c]:
            where.pop(x, None)


def held_ranks(market: Market, where: dict[str, int]) -> tuple[list[list[int]], list[int]]:
    """Each program's held applicants as sorted ranks, and its final capacity (reversion
    rule) given what it holds."""
    prank = market.prank
    held: list[list[int]] = [[] for _ in market.prog_ids]
    for a, p in where.items():
        held[p].append(prank[p][a])
    for h in held:
        h.sort()
    return held, final_capacities(market, list(map(len, held)))


def find_blocks(market: Market, where: dict[str, int], limit: int = 1000) -> list[Block]:
    """Validity problems and blocking pairs/couples of ``where``, per the spec's definitions.

    Final capacities are computed from what each program holds (reversion rule).  A
    program over its final capacity is reported as ("capacity", "", p).  Blocking pairs are
    ("pair", applicant id, program number); blocking couples ("couple", couple number,
    option index).  Stops after ``limit`` entries.
    """
    m = len(market.prog_ids)
    prank, pidx = market.prank, market.pidx
    held, final = held_ranks(market, where)
    counts = list(map(len, held))
    out: list[Block] = []
    for p in range(m):
        if counts[p] > final[p]:
            out.append(("capacity", "", p))
    # A single ranked r by p is taken iff fewer than final[p] of p's holders rank above r:
    # r < threshold[p] (held[p] is sorted; a valid matching holds at most final[p]).
    big = 1 << 62
    threshold: dict[str, int] = {}
    for p, pid in enumerate(market.prog_ids):
        h, f = held[p], final[p]
        threshold[pid] = big if len(h) < f else (h[f - 1] if f > 0 else -1)
    rank_of = dict(zip(market.prog_ids, prank, strict=True))
    member = {x for pair in market.members for x in pair}
    prog_ids = market.prog_ids
    for a, lst in market.ranking.items():
        if not lst or a in member:
            continue
        p_a = where.get(a)
        above = lst if p_a is None else lst[: lst.index(prog_ids[p_a])]
        for pid in above:
            if rank_of[pid].get(a, big) < threshold[pid]:
                out.append(("pair", a, pidx[pid]))
                if len(out) >= limit:
                    return out
    for c, opts in enumerate(market.options):
        m1, m2 = market.members[c]
        have = (where.get(m1, -1), where.get(m2, -1))
        top = len(opts) if have == (-1, -1) else opts.index(have)
        for k in range(top):
            p1, p2 = opts[k]
            if _couple_would_move(market, held, final, where, m1, m2, p1, p2):
                out.append(("couple", c, k))
                if len(out) >= limit:
                    return out
    return out


def _couple_would_move(
    market: Market,
    held: list[list[int]],
    final: list[int],
    where: dict[str, int],
    m1: str,
    m2: str,
    p1: int,
    p2: int,
) -> bool:
    """Each named program would take the member(s) sent to it, m1 and m2 leaving."""
    prank = market.prank

    def would_take(p: int, takers: tuple[str, ...]) -> bool:
        ranks = [prank[p].get(x) for x in takers]
        if None in ranks:
            return False
        worst = max(r for r in ranks if r is not None)
        better = bisect_left(held[p], worst)
        for x in (m1, m2):
            if where.get(x) == p and prank[p][x] < worst:
                better -= 1
        return better + len(takers) <= final[p]

    if p1 >= 0 and p1 == p2:
        return would_take(p1, (m1, m2))
    return (p1 < 0 or would_take(p1, (m1,))) and (p2 < 0 or would_take(p2, (m2,)))
