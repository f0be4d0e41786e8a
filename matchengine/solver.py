"""The match: deferred acceptance with reversion, couples, and an exact fallback.

:func:`solve` reads a ``match-instance/1`` dict and returns a ``match-result/1`` dict
(``shared/specs/match-exchange-format.md``).  Steps:

1. Validate and compile the instance (:func:`matchengine.instance.compile_instance`);
   hash it in canonical form.
2. Match the single applicants by deferred acceptance (Gale & Shapley 1962), applicant-
   or program-proposing, with *reversion-aware capacities* (see below).
3. If there are couples, add them one at a time, Roth & Peranson (1999) style
   (:mod:`matchengine.couples`), and check the outcome for blocking pairs and couples.
4. If that heuristic ends unstable, look for a stable matching, or a proof that none
   exists, with a SAT solver (:mod:`matchengine.exact`), within ``time_limit``.
5. Run the independent verifier (:func:`matchengine.verify.verify`) on the result; the
   status is ``stable`` only if it finds no problem at all.

Reversion-aware capacities.  After matching, a program with ``reverts_to`` gives the
positions it leaves unfilled to its target; stability is judged against those final
capacities.  A program that reverts is therefore always "full" in the final sense (its
final capacity is what it holds, or its whole capacity), while a program receiving
positions has its own capacity plus the spare of the programs reverting into it.  Deferred
acceptance tracks this directly instead of re-running to a fixed point:

* Applicant-proposing: every program starts with its effective capacity (its own positions
  plus, transitively, those of the programs reverting into it, all still spare).  When a
  reverting program fills one more position, its spare shrinks by one and so does its
  target's capacity; a target that was full rejects its worst held applicant, who proposes
  on.  Capacities only shrink and a program only ever drops its worst, so each program ends
  holding the best applicants, up to its final capacity, among those who proposed to it;
  a reverting program that ends with spare never rejected anyone.  Hence the outcome is
  stable against the final capacities of the spec (checked again by the verifier).
* Program-proposing: a reverting program's spare is passed on only once it has proposed to
  everyone it ranks; after that it can only lose applicants, so its spare (and its target's
  capacity) only grows, and a target with new capacity simply proposes further.

With no reversion these are plain deferred acceptance: the applicant-optimal or the
program-optimal stable matching (Gale & Shapley 1962; Roth & Sotomayor 1990, ch. 5).
With reversion the stable matchings (by the spec's definition) need not form a lattice:
there may be no applicant-optimal one, and the outcome is "a" stable matching.  It does
not depend on the order of proposals (checked on random markets), and it is more often the
applicant-optimal one, when there is one, than re-running deferred acceptance with
adjusted capacities until they stop changing (the CaRMS-style fixed point; both are
stable, and they differ on a few percent of small random markets).
Everything is keyed by sorted ids, so the order of the input arrays never matters.
"""

from __future__ import annotations

import contextlib
import logging
import time
from bisect import insort
from collections.abc import Callable
from typing import Any

from matchengine import forking
from matchengine.instance import (
    FAST_HASH,
    InstanceError,
    Market,
    canonical_sha256,
    compile_instance,
    gc_paused,
    pinned_sha256,
)

__all__ = ["ENGINE", "RESULT_FORMAT", "solve"]

ENGINE = "matchengine 0.1.0"
RESULT_FORMAT = "match-result/1"

log = logging.getLogger("matchengine")


def solve(
    instance: dict[str, Any],
    *,
    proposing: str = "applicant",
    time_limit: float | None = None,
) -> dict[str, Any]:
    """Match ``instance`` and return a ``match-result/1`` dict (see the module docstring).

    ``proposing`` is ``"applicant"`` (the applicant-optimal stable matching when there are
    no couples and no reversion) or ``"program"`` (the program-optimal one).
    ``time_limit`` (seconds, ``None`` = no limit) bounds the couples heuristic and the exact
    search.  Raises
    :class:`matchengine.instance.InstanceError` on bad input before any matching, and
    ``ValueError`` on a bad ``proposing`` or ``time_limit``.  Never mutates ``instance``.
    """
    if proposing not in ("applicant", "program"):
        raise ValueError(f'proposing must be "applicant" or "program", got {proposing!r}')
    if time_limit is not None and (
        isinstance(time_limit, bool)
        or not isinstance(time_limit, int | float)
        or not time_limit > 0  # also refuses NaN
    ):
        raise ValueError(f"time_limit must be a positive number of seconds, got {time_limit!r}")
    deadline = None if time_limit is None else time.monotonic() + time_limit

    t0 = time.perf_counter()
    log.info("validating…")
    hashing = _hash_alongside(instance)
    try:
        market = compile_instance(instance)
    except BaseException:
        with contextlib.suppress(Exception):
            hashing()  # reap the child; the validation error is the one to report
        raise
    sha = hashing()  # raises InstanceError if the instance cannot be hashed
    log.info(
        "validated %d applicants, %d programs, %d couples in %.2f s",
        len(market.app_ids),
        len(market.prog_ids),
        len(market.couple_ids),
        time.perf_counter() - t0,
    )

    t1 = time.perf_counter()
    with gc_paused():
        if proposing == "applicant":
            held, proposals = applicant_proposing(market)
        else:
            held, proposals = program_proposing(market)
        log.info("deferred acceptance: %d proposals in %.2f s", proposals, time.perf_counter() - t1)
        status = "stable"
        if not market.couple_ids:
            result = _result_from_held(market, held, proposing, status, sha)
        else:
            assignment = _assignment_from_held(market, held)
            from matchengine.couples import add_couples

            t2 = time.perf_counter()
            outcome = add_couples(market, assignment, deadline=deadline)
            assignment = outcome.assignment
            log.info(
                "couples: %d added, %s, in %.2f s",
                len(market.couple_ids),
                "stable" if outcome.stable else "not stable",
                time.perf_counter() - t2,
            )
            if not outcome.stable:
                from matchengine.exact import settle

                t3 = time.perf_counter()
                log.info("exact search (SAT), first around %d programs…", len(outcome.hot))
                found = settle(market, assignment, outcome.hot, deadline=deadline)
                log.info("exact search: %s in %.2f s", found.status, time.perf_counter() - t3)
                if found.assignment is not None:
                    assignment = found.assignment
                else:
                    status = found.status
            result = _result(market, assignment, proposing, status, sha)

    t4 = time.perf_counter()
    log.info("verifying…")
    from matchengine.verify import find_blocking, verify

    with pinned_sha256(instance, sha):
        problems = verify(instance, result)
        if problems:
            if result["status"] == "stable":
                result["status"] = "unresolved"
            result["blocking"] = find_blocking(instance, result)
    log.info(
        "verified in %.2f s: %s",
        time.perf_counter() - t4,
        "stable" if not problems else f"{len(problems)} problem(s)",
    )
    return result


#: Without orjson, instances with at least this many applicants are hashed in a forked
#: child process while the parent validates them (two cores: ``json.dumps`` of a large
#: instance takes about as long as validating it).  With orjson the hash costs a tenth of
#: that and forking no longer pays (48,000 applicants: 0.403 s in process, 0.416 s forked).
FORK_HASH_MIN_APPLICANTS = 20_000


def _hash_alongside(instance: dict[str, Any]) -> Callable[[], str]:
    """Start hashing ``instance``; the returned function gives the hash (or raises).

    On POSIX, with no other thread running and a large instance, the hash is computed in a
    forked child (copy-on-write: it sees the instance as it is now; the caller never
    changes it) and sent back through a pipe; the child leaves with ``os._exit`` and runs
    no cleanup of the parent's.  Otherwise, or if anything goes wrong with the child, the
    hash is computed here, in this process.  Set ``MATCHENGINE_FORK=0`` to never fork.
    """

    def here() -> str:
        return canonical_sha256(instance, validated=True)

    applicants = instance.get("applicants") if isinstance(instance, dict) else None
    if (
        FAST_HASH
        or not forking.may_fork()
        or not isinstance(applicants, list)
        or len(applicants) < FORK_HASH_MIN_APPLICANTS
    ):
        return here

    def in_child() -> bytes:
        try:
            return canonical_sha256(instance, validated=True).encode("utf-8")
        except InstanceError as exc:
            return ("!" + str(exc)).encode("utf-8")

    child = forking.start(in_child)
    if child is None:
        return here

    def join() -> str:
        data = child.answer()
        if data is None:
            return here()
        text = data.decode("utf-8", "replace")
        if text.startswith("!"):
            raise InstanceError(text[1:])
        return text

    return join


def _result(
    market: Market,
    assignment: dict[str, int],
    proposing: str,
    status: str,
    sha: str,
) -> dict[str, Any]:
    """The result dict: assignments of every applicant (sorted by id), final capacities."""
    prog_ids = market.prog_ids
    assignments: dict[str, str | None] = dict.fromkeys(market.app_ids)
    counts = [0] * len(prog_ids)
    for a, p in assignment.items():
        assignments[a] = prog_ids[p]
        counts[p] += 1
    final = final_capacities(market, counts)
    return {
        "format": RESULT_FORMAT,
        "proposing": proposing,
        "status": status,
        "assignments": assignments,
        "final_capacity": dict(zip(prog_ids, final, strict=True)),
        "blocking": [],
        "instance_sha256": sha,
        "engine": ENGINE,
    }


def _result_from_held(
    market: Market, held: list[list[int]], proposing: str, status: str, sha: str
) -> dict[str, Any]:
    """The result dict straight from each program's held ranks (singles only)."""
    assignments: dict[str, str | None] = dict.fromkeys(market.app_ids)
    pranking = market.pranking
    for p, pid in enumerate(market.prog_ids):
        h = held[p]
        if h:
            rk = pranking[p]
            for r in h:
                assignments[rk[r]] = pid
    final = final_capacities(market, list(map(len, held)))
    return {
        "format": RESULT_FORMAT,
        "proposing": proposing,
        "status": status,
        "assignments": assignments,
        "final_capacity": dict(zip(market.prog_ids, final, strict=True)),
        "blocking": [],
        "instance_sha256": sha,
        "engine": ENGINE,
    }


def _assignment_from_held(market: Market, held: list[list[int]]) -> dict[str, int]:
    """applicant id -> program number, from each program's held ranks."""
    assignment: dict[str, int] = {}
    pranking = market.pranking
    for p, h in enumerate(held):
        if h:
            rk = pranking[p]
            for r in h:
                assignment[rk[r]] = p
    return assignment


# ----------------------------------------------------------------------------- reversion


def reversion_order(market: Market) -> list[int]:
    """The programs that revert, each after every program reverting into it (leaves first).

    Kahn's algorithm on the reversion forest (no recursion; the instance has no cycle).
    """
    rev = market.reverts_to
    indegree = [0] * len(rev)
    for t in rev:
        if t >= 0:
            indegree[t] += 1
    order: list[int] = []
    stack = [p for p, t in enumerate(rev) if t >= 0 and indegree[p] == 0]
    stack.reverse()
    while stack:
        p = stack.pop()
        order.append(p)
        t = rev[p]
        indegree[t] -= 1
        if indegree[t] == 0 and rev[t] >= 0:
            stack.append(t)
    return order


def final_capacities(market: Market, counts: list[int]) -> list[int]:
    """Each program's final capacity, given how many applicants it holds (the spec's rule).

    Programs are taken leaves first: a reverting program with capacity (its own plus what
    it received) above what it holds gives the difference to its target, and its final
    capacity is what it holds.
    """
    final = list(market.capacity)
    rev = market.reverts_to
    for p in reversion_order(market):
        c, h = final[p], counts[p]
        if h < c:
            final[p] = h
            final[rev[p]] += c - h
    return final


def effective_capacities(market: Market) -> list[int]:
    """Own positions plus, transitively, those of every program reverting into it."""
    cap = list(market.capacity)
    rev = market.reverts_to
    for p in reversion_order(market):
        cap[rev[p]] += cap[p]
    return cap


# ----------------------------------------------------------------------------- deferred acceptance


def applicant_proposing(market: Market) -> tuple[list[list[int]], int]:
    """Applicant-proposing deferred acceptance (Gale & Shapley 1962) for single applicants.

    Steps (McVitie & Wilson 1971 order, same outcome): take each applicant in id order; it
    proposes down its ranking; a program that ranks it and has room, or holds someone it
    ranks lower, keeps it (dropping its worst, who proposes on from where they were).
    Each program's held applicants are kept as a sorted list of the ranks it gives them.
    Reversion: see the module docstring (a program's capacity shrinks as the programs
    reverting into it fill up).  Couple members (empty rankings) take no part.

    Returns each program's held ranks and the number of proposals made.
    """
    # Tables keyed by program id: the ids in the rankings are looked up directly (for a
    # generated or parsed instance mostly the very same string objects, so lookups are fast).
    ids = market.prog_ids
    prank = dict(zip(ids, market.prank, strict=True))
    pranking = dict(zip(ids, market.pranking, strict=True))
    cap = dict(zip(ids, effective_capacities(market), strict=True))
    held: dict[str, list[int]] = {pid: [] for pid in ids}
    rev = {ids[p]: ids[t] for p, t in enumerate(market.reverts_to) if t >= 0}
    ranking = market.ranking
    nxt: dict[str, int] = {}  # where each applicant resumes proposing
    for a0, lst0 in ranking.items():
        if not lst0:
            continue
        a, lst, i = a0, lst0, 0
        n_lst = len(lst)
        while True:
            if i >= n_lst:  # a is unmatched
                nxt[a] = i
                break
            p = lst[i]
            i += 1
            r = prank[p].get(a)
            if r is None:
                continue
            h = held[p]
            if len(h) < cap[p]:
                insort(h, r)
                nxt[a] = i
                if p not in rev:
                    break
                # p filled a spare position: its target's capacity shrinks, up the chain.
                bumped = None
                q: str | None = rev[p]
                while q is not None:
                    cap[q] -= 1
                    hq = held[q]
                    if len(hq) > cap[q]:
                        bumped = pranking[q][hq.pop()]
                        break
                    q = rev.get(q)
                if bumped is None:
                    break
                a = bumped
            elif h and r < h[-1]:
                w = h.pop()
                insort(h, r)
                nxt[a] = i
                a = pranking[p][w]
            else:
                continue
            lst = ranking[a]
            i = nxt[a]
            n_lst = len(lst)
    return [held[pid] for pid in ids], sum(nxt.values())


def program_proposing(market: Market) -> tuple[list[list[int]], int]:
    """Program-proposing deferred acceptance (Gale & Shapley 1962) for single applicants.

    Steps: a stack of programs; a program with room proposes to the next applicants on its
    ranking; an applicant who ranks it above what it holds accepts (freeing its previous
    program, which goes back on the stack).  Reversion: a reverting program that has
    proposed to everyone it ranks passes its spare positions to its target (which goes on
    the stack); its spare can only grow from then on.  Programs are started in id order.

    Returns each program's held ranks and the number of proposals made.
    """
    prank = market.prank
    pranking = market.pranking
    prog_ids = market.prog_ids
    rev = market.reverts_to
    m = len(prog_ids)
    cap = list(market.capacity)
    given = [0] * m  # spare passed on to the target so far
    count = [0] * m
    pnext = [0] * m
    pos = {
        a: dict(zip(lst, range(len(lst)), strict=True)) for a, lst in market.ranking.items() if lst
    }
    held_rank: dict[str, int] = {}  # applicant -> its rank of the program it holds
    held_by: dict[str, int] = {}  # applicant -> program number
    proposals = 0
    stack = list(range(m - 1, -1, -1))
    while stack:
        p = stack.pop()
        c = cap[p]
        k = count[p]
        rk = pranking[p]
        i = pnext[p]
        n_rk = len(rk)
        if k < c and i < n_rk:
            pid = prog_ids[p]
            start = i
            while k < c and i < n_rk:
                a = rk[i]
                i += 1
                d = pos.get(a)
                if d is None:
                    continue
                r = d.get(pid)
                if r is None:
                    continue
                old = held_rank.get(a)
                if old is not None:
                    if r >= old:
                        continue
                    q = held_by[a]
                    count[q] -= 1
                    stack.append(q)
                held_rank[a] = r
                held_by[a] = p
                k += 1
            proposals += i - start
            count[p] = k
            pnext[p] = i
        t = rev[p]
        if t >= 0 and i >= n_rk and c - k > given[p]:
            cap[t] += c - k - given[p]
            given[p] = c - k
            stack.append(t)
    held: list[list[int]] = [[] for _ in range(m)]
    for a, p in held_by.items():
        held[p].append(prank[p][a])
    for h in held:
        h.sort()
    return held, proposals
