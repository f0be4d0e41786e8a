"""Match instances: validation, canonical hash, and the compiled (integer) form.

An instance is the ``match-instance/1`` JSON object of ``shared/specs/match-exchange-format.md``.
This module

* checks every rule of that format (:func:`validate_instance`) and names the offending entry
  and the rule in an :class:`InstanceError`, e.g. ``applicant A3: ranks unknown program
  "IM-XYZ"``;
* hashes an instance in canonical form (:func:`canonical_sha256`);
* compiles a valid instance into integer tables for the solver (:func:`compile_instance`).

Validation is linear in the size of the instance and mostly bulk operations (``map``,
``set``, ``dict(zip(...))``): the fast pass (:func:`_compile_fast`) only decides *whether*
the instance is valid, building the solver's tables on the way; when it is not, a slower,
entry-by-entry pass (:func:`_diagnose`) finds the first problem and names it.  The slow pass
is the reference reading of the rules; the tests check that both passes always agree.

Interpretations of the format, beyond its literal text:

* ``couples`` may be omitted (no couples); ``programs`` and ``applicants`` are required.
* ``reverts_to`` may be omitted or ``null`` (no reversion).
* Keys the format does not name are optional extensions and are ignored.
* Ids are compared as exact strings; ids of different kinds (a program and an applicant)
  may coincide.
"""

from __future__ import annotations

import gc
import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NoReturn

__all__ = [
    "INSTANCE_FORMAT",
    "InstanceError",
    "Market",
    "canonical_sha256",
    "compile_instance",
    "validate_instance",
]

INSTANCE_FORMAT = "match-instance/1"


class InstanceError(ValueError):
    """Bad input: the message names the offending entry and the rule it breaks."""


def canonical_sha256(instance: dict[str, Any], *, validated: bool = False) -> str:
    """SHA-256 (hex) of ``instance`` in canonical JSON form.

    Canonical form: ``json.dumps(instance, sort_keys=True, separators=(",", ":"),
    ensure_ascii=False)`` encoded as UTF-8.  Raises :class:`InstanceError` if the instance
    holds text that UTF-8 cannot encode (a lone surrogate) or a value JSON cannot hold.

    ``validated=True`` says that ``instance`` passes :func:`validate_instance` (or that the
    hash is thrown away if it does not).  The canonical bytes may then come from ``orjson``
    when it is installed (an optional accelerator, about ten times faster): for an instance
    holding only the format's keys, whose values the rules restrict to strings, integers,
    ``null`` and lists, its output is byte for byte that of ``json.dumps`` above (tested on
    every Unicode code point and on generated markets).  Anything else takes ``json``.
    """
    pinned = getattr(_pinned, "value", None)
    if pinned is not None and pinned[0] is instance:
        return str(pinned[1])
    data = None
    if validated and _orjson is not None and _only_format_keys(instance):
        try:
            data = _orjson.dumps(instance, option=_orjson.OPT_SORT_KEYS)
        except TypeError:  # a lone surrogate, an integer beyond 64 bits: json says which
            data = None
    if data is None:
        try:
            text = json.dumps(instance, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            data = text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InstanceError(
                "instance: contains text that is not valid Unicode (a lone surrogate)"
            ) from exc
        except (TypeError, ValueError) as exc:
            raise InstanceError(f"instance: cannot be written as JSON ({exc})") from exc
    return hashlib.sha256(data).hexdigest()


try:  # optional accelerator for the canonical bytes; the package needs nothing but Python
    import orjson as _orjson
except ImportError:  # pragma: no cover - exercised by tests that hide the module
    _orjson = None  # type: ignore[assignment]

#: Whether validated instances are hashed through orjson (see :func:`canonical_sha256`).
FAST_HASH = _orjson is not None

_FORMAT_KEYS = frozenset({"format", "programs", "applicants", "couples"})
_ENTRY_KEYS = (
    ("programs", frozenset({"id", "capacity", "ranking", "reverts_to"})),
    ("applicants", frozenset({"id", "ranking"})),
    ("couples", frozenset({"id", "members", "ranking"})),
)


def _only_format_keys(instance: Any) -> bool:
    """Whether ``instance`` and its entries hold no key but the format's (so, once valid,
    no float, boolean or object anywhere a ``json`` and an ``orjson`` text could differ)."""
    if not isinstance(instance, dict) or not instance.keys() <= _FORMAT_KEYS:
        return False
    try:
        return all(all(map(keys.issuperset, instance.get(name, ()))) for name, keys in _ENTRY_KEYS)
    except TypeError:  # an entry that is not a mapping
        return False


_pinned = threading.local()


@contextmanager
def pinned_sha256(instance: dict[str, Any], sha: str) -> Iterator[None]:
    """Within the block, :func:`canonical_sha256` of this very object returns ``sha``.

    The solver hashes the instance once and pins the hash while it runs, so that the
    verifier it calls does not serialise a large instance a second time.  Only the same
    object (``is``) hits the pin, and only in this thread; the instance must not change
    inside the block (the solver never mutates it).
    """
    previous = getattr(_pinned, "value", None)
    _pinned.value = (instance, sha)
    try:
        yield
    finally:
        _pinned.value = previous


@dataclass(slots=True)
class Market:
    """A valid instance as lookup tables, with ids sorted so input order never matters.

    Programs are numbered ``0..m-1`` in the order of ``prog_ids`` (sorted); applicants are
    kept by id (the hot loops look up a program's rank of an applicant straight from the
    id, which avoids converting every ranking to numbers); ``app_ids`` and ``couple_ids``
    are sorted.  ``-1`` stands for "no program".  The lists of ids in ``pranking`` and
    ``arank`` are the input's own lists: never mutate them.
    """

    prog_ids: list[str]
    #: program id -> program number
    pidx: dict[str, int]
    capacity: list[int]
    #: reverts_to[p] = the program p's unfilled positions go to, or -1.
    reverts_to: list[int]
    #: prank[p][a] = rank (0 = best) program p gives applicant id a; absent = not ranked.
    prank: list[dict[str, int]]
    #: pranking[p][r] = the id of the applicant program p ranks r-th.
    pranking: list[list[str]]
    app_ids: list[str]
    #: ranking[a] = the program ids applicant a ranks, best first (empty for couple members).
    ranking: dict[str, list[str]]
    couple_ids: list[str]
    #: members[c] = the ids of couple c's two members.
    members: list[tuple[str, str]]
    #: options[c] = the couple's ranking as pairs of program numbers (-1 = unmatched).
    options: list[list[tuple[int, int]]]


def validate_instance(data: object) -> None:
    """Check ``data`` against every rule of the ``match-instance/1`` format.

    Returns ``None`` if the instance is valid; raises :class:`InstanceError` naming the
    first offending entry and the rule otherwise.  Never mutates ``data``.
    """
    compile_instance(data)


def compile_instance(data: object) -> Market:
    """Validate ``data`` and return its :class:`Market` tables (raises :class:`InstanceError`).

    Steps: the fast pass builds the tables with bulk operations and gives up (returns
    ``None``) at the first sign of trouble; then the slow pass names the problem.
    """
    market = None
    try:
        with gc_paused():
            market = _compile_fast(data)
    except (TypeError, KeyError, ValueError, AttributeError):
        market = None
    if market is not None:
        return market
    _diagnose(data)
    raise InstanceError("instance: invalid")  # pragma: no cover - _diagnose always raises


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (the tables hold no cycles; it only costs time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# ----------------------------------------------------------------------------- fast pass


def _all_of(values: list[Any], cls: type) -> bool:
    """Every value is an instance of ``cls`` (fast when they are all exactly ``cls``)."""
    return set(map(type, values)) <= {cls} or all(isinstance(v, cls) for v in values)


def _unique_ids(entries: list[Any]) -> tuple[list[str], list[int]] | None:
    """The ids sorted, and the permutation that sorts ``entries`` by id."""
    if not _all_of(entries, dict):
        return None
    ids = [e["id"] for e in entries]
    if not _all_of(ids, str):
        return None
    idset = set(ids)
    if len(idset) != len(ids) or "" in idset:
        return None
    perm = sorted(range(len(ids)), key=ids.__getitem__)
    return [ids[k] for k in perm], perm


def _compile_fast(data: object) -> Market | None:
    """Build the tables if ``data`` is valid, else return ``None`` (or raise anything).

    Every rule of :func:`_diagnose` is checked here too, in bulk.
    """
    if not isinstance(data, dict):
        return None
    if "format" in data and data["format"] != INSTANCE_FORMAT:
        return None
    programs = data["programs"]
    applicants = data["applicants"]
    couples = data.get("couples", [])
    if not _all_of([programs, applicants, couples], list):
        return None

    got = _unique_ids(programs)
    if got is None:
        return None
    prog_ids, pperm = got
    pidx = dict(zip(prog_ids, range(len(prog_ids)), strict=True))
    got = _unique_ids(applicants)
    if got is None:
        return None
    app_ids, aperm = got
    got = _unique_ids(couples)
    if got is None:
        return None
    couple_ids, cperm = got

    # Programs, in id order: capacity, ranking (known applicants, no repeat), reverts_to.
    progs = [programs[k] for k in pperm]
    capacity = [e["capacity"] for e in progs]
    if not set(map(type, capacity)) <= {int} or (capacity and min(capacity) < 0):
        return None
    pranking = [e["ranking"] for e in progs]
    if not _all_of(pranking, list):
        return None
    prank = [
        dict(zip(r, range(len(r)), strict=True)) for r in pranking
    ]  # TypeError: unhashable entry
    if list(map(len, prank)) != list(map(len, pranking)):
        return None  # a repeat
    known_apps = set(app_ids)
    if not all(map(known_apps.issuperset, prank)):
        return None  # an unknown applicant, or not a string
    targets = [e.get("reverts_to") for e in progs]
    if not _all_of([t for t in targets if t is not None], str):
        return None
    reverts_to = [-1 if t is None else pidx[t] for t in targets]  # KeyError: unknown
    if any(t == p for p, t in enumerate(reverts_to)):
        return None
    if _reversion_cycle(reverts_to) is not None:
        return None

    # Applicants, in id order: ranking (known programs, no repeat).
    arank = [applicants[k]["ranking"] for k in aperm]
    if not _all_of(arank, list):
        return None
    if list(map(len, map(set, arank))) != list(map(len, arank)):
        return None  # a repeat (TypeError: unhashable entry)
    known_progs = set(prog_ids)
    if not all(map(known_progs.issuperset, arank)):
        return None  # an unknown program, or not a string
    ranking = dict(zip(app_ids, arank, strict=True))

    # Couples, in id order.
    members: list[tuple[str, str]] = []
    options: list[list[tuple[int, int]]] = []
    in_couple: set[str] = set()
    pget = pidx.__getitem__
    for k in cperm:
        e = couples[k]
        mem = e["members"]
        if not isinstance(mem, list) or len(mem) != 2:
            return None
        m1, m2 = mem
        if not (isinstance(m1, str) and isinstance(m2, str)) or m1 == m2:
            return None
        if m1 in in_couple or m2 in in_couple or ranking[m1] or ranking[m2]:
            return None  # KeyError: unknown member
        in_couple.add(m1)
        in_couple.add(m2)
        members.append((m1, m2))
        cranking = e["ranking"]
        if not isinstance(cranking, list):
            return None
        opts: list[tuple[int, int]] = []
        for o in cranking:
            if not isinstance(o, list) or len(o) != 2:
                return None
            q1, q2 = o
            if not (q1 is None or isinstance(q1, str)) or not (q2 is None or isinstance(q2, str)):
                return None
            opts.append((-1 if q1 is None else pget(q1), -1 if q2 is None else pget(q2)))
        if (-1, -1) in opts or len(set(opts)) != len(opts):
            return None
        options.append(opts)

    return Market(
        prog_ids=prog_ids,
        pidx=pidx,
        capacity=capacity,
        reverts_to=reverts_to,
        prank=prank,
        pranking=pranking,
        app_ids=app_ids,
        ranking=ranking,
        couple_ids=couple_ids,
        members=members,
        options=options,
    )


def _reversion_cycle(reverts_to: list[int]) -> list[int] | None:
    """A reversion cycle (list of program numbers, in order) if there is one, else None.

    Iterative colouring of the functional graph p -> reverts_to[p]: 0 = unseen,
    1 = on the current path, 2 = done.
    """
    state = [0] * len(reverts_to)
    for start in range(len(reverts_to)):
        if state[start]:
            continue
        path: list[int] = []
        p = start
        while p >= 0 and state[p] == 0:
            state[p] = 1
            path.append(p)
            p = reverts_to[p]
        if p >= 0 and state[p] == 1:
            return path[path.index(p) :]
        for q in path:
            state[q] = 2
    return None


# ----------------------------------------------------------------------------- slow pass


def _q(value: object) -> str:
    """A value as it appears in JSON, for messages."""
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def _fail(message: str) -> NoReturn:
    raise InstanceError(message)


def _check_ids(entries: list[Any], key: str, kind: str) -> list[str]:
    """Each entry is an object with a non-empty string id, ids unique; returns the ids."""
    ids: list[str] = []
    seen: set[str] = set()
    for i, e in enumerate(entries):
        where = f"{key}[{i}]"
        if not isinstance(e, dict):
            _fail(f"{where}: must be an object, got {_q(e)}")
        if "id" not in e:
            _fail(f'{where}: "id" is missing')
        ident = e["id"]
        if not isinstance(ident, str) or not ident:
            _fail(f"{where}: id must be a non-empty string, got {_q(ident)}")
        if ident in seen:
            _fail(f"{kind} {ident}: id is used by more than one {kind} ({where})")
        seen.add(ident)
        ids.append(ident)
    return ids


def _check_ranking(entry: dict[str, Any], who: str, known: set[str], what: str) -> list[str]:
    """``entry["ranking"]`` is a list of known ids of kind ``what``, with no repeats."""
    if "ranking" not in entry:
        _fail(f'{who}: "ranking" is missing')
    ranking = entry["ranking"]
    if not isinstance(ranking, list):
        _fail(f"{who}: ranking must be a list of {what} ids, got {_q(ranking)}")
    seen: set[str] = set()
    for i, x in enumerate(ranking):
        if not isinstance(x, str):
            article = "an" if what[0] in "aeiou" else "a"
            _fail(
                f"{who}: ranking entry {i + 1} must be {article} {what} id (a string), got {_q(x)}"
            )
        if x not in known:
            _fail(f"{who}: ranks unknown {what} {_q(x)}")
        if x in seen:
            _fail(f"{who}: ranks {what} {_q(x)} more than once")
        seen.add(x)
    return ranking


def _diagnose(data: object) -> None:
    """Check every rule, entry by entry, and raise :class:`InstanceError` at the first break.

    Order: the instance object and its keys; program, applicant and couple ids; then each
    program (capacity, ranking, reverts_to), the reversion graph, each applicant's ranking,
    each couple (members, ranking).  Returns normally only for a valid instance.
    """
    if not isinstance(data, dict):
        _fail(f"instance: must be a JSON object, got {_q(data)}")
    if "format" in data and data["format"] != INSTANCE_FORMAT:
        _fail(f'instance: "format" must be "{INSTANCE_FORMAT}", got {_q(data["format"])}')
    for key in ("programs", "applicants"):
        if key not in data:
            _fail(f'instance: "{key}" is missing')
        if not isinstance(data[key], list):
            _fail(f'instance: "{key}" must be a list, got {_q(data[key])}')
    if "couples" in data and not isinstance(data["couples"], list):
        _fail(f'instance: "couples" must be a list, got {_q(data["couples"])}')
    programs: list[Any] = data["programs"]
    applicants: list[Any] = data["applicants"]
    couples: list[Any] = data.get("couples", [])

    prog_ids = set(_check_ids(programs, "programs", "program"))
    app_ids = set(_check_ids(applicants, "applicants", "applicant"))
    _check_ids(couples, "couples", "couple")

    reverts: dict[str, str] = {}
    for p in programs:
        who = f"program {p['id']}"
        if "capacity" not in p:
            _fail(f'{who}: "capacity" is missing')
        cap = p["capacity"]
        if type(cap) is not int:
            _fail(f"{who}: capacity must be an integer, got {_q(cap)}")
        if cap < 0:
            _fail(f"{who}: capacity must be 0 or more, got {cap}")
        _check_ranking(p, who, app_ids, "applicant")
        target = p.get("reverts_to")
        if target is not None:
            if not isinstance(target, str):
                _fail(f"{who}: reverts_to must be a program id (a string), got {_q(target)}")
            if target not in prog_ids:
                _fail(f"{who}: reverts_to unknown program {_q(target)}")
            if target == p["id"]:
                _fail(f"{who}: reverts_to itself")
            reverts[p["id"]] = target
    for start in sorted(reverts):
        path = [start]
        seen = {start}
        p_id = start
        while p_id in reverts:
            p_id = reverts[p_id]
            if p_id in seen:
                cycle = [*path[path.index(p_id) :], p_id]
                first = cycle[0]
                _fail(f"program {first}: reversion cycle {' -> '.join(cycle)}")
            seen.add(p_id)
            path.append(p_id)

    ranking_len: dict[str, int] = {}
    for a in applicants:
        who = f"applicant {a['id']}"
        ranking_len[a["id"]] = len(_check_ranking(a, who, prog_ids, "program"))

    member_of: dict[str, str] = {}
    for c in couples:
        who = f"couple {c['id']}"
        if "members" not in c:
            _fail(f'{who}: "members" is missing')
        mem = c["members"]
        if not isinstance(mem, list) or len(mem) != 2:
            _fail(f"{who}: members must be a list of two applicant ids, got {_q(mem)}")
        for x in mem:
            if not isinstance(x, str):
                _fail(f"{who}: member {_q(x)} must be an applicant id (a string)")
            if x not in app_ids:
                _fail(f"{who}: member {_q(x)} is not a known applicant")
        if mem[0] == mem[1]:
            _fail(f"{who}: members must be two different applicants, got {mem[0]} twice")
        for x in mem:
            if x in member_of:
                _fail(f"{who}: member {x} is already in couple {member_of[x]}")
            member_of[x] = c["id"]
            if ranking_len[x]:
                _fail(
                    f"{who}: member {x} has its own ranking; a couple member's ranking "
                    "must be empty (the couple's ranking replaces it)"
                )
        if "ranking" not in c:
            _fail(f'{who}: "ranking" is missing')
        ranking = c["ranking"]
        if not isinstance(ranking, list):
            _fail(f"{who}: ranking must be a list of program pairs, got {_q(ranking)}")
        seen_opts: set[tuple[Any, ...]] = set()
        for i, o in enumerate(ranking):
            where = f"{who}: ranking entry {i + 1}"
            if not isinstance(o, list) or len(o) != 2:
                _fail(
                    f"{where} must be a pair [program id or null, program id or null], got {_q(o)}"
                )
            for x in o:
                if x is not None and not isinstance(x, str):
                    _fail(f"{where} must hold program ids or null, got {_q(x)}")
                if x is not None and x not in prog_ids:
                    _fail(f"{where} ranks unknown program {_q(x)}")
            if o[0] is None and o[1] is None:
                _fail(f"{where} is [null, null], which is not allowed")
            option = (o[0], o[1])
            if option in seen_opts:
                _fail(f"{who}: ranks option {_q(o)} more than once")
            seen_opts.add(option)
