"""Hypothesis strategies and small helpers for engine tests (instances as plain dicts)."""

from __future__ import annotations

import copy
import random
from typing import Any

from hypothesis import strategies as st

Instance = dict[str, Any]


@st.composite
def tiny_instances(
    draw: st.DrawFn,
    *,
    max_applicants: int = 5,
    max_programs: int = 3,
    max_couples: int = 0,
    reversion: bool = False,
    max_capacity: int = 2,
) -> Instance:
    """A small valid instance: random rankings, optional couples and reversion forest."""
    n_progs = draw(st.integers(1, max_programs))
    n_apps = draw(st.integers(1, max_applicants))
    n_couples = draw(st.integers(0, min(max_couples, n_apps // 2)))
    progs = [f"P{i}" for i in range(n_progs)]
    apps = [f"A{i}" for i in range(n_apps)]
    members = apps[: 2 * n_couples]
    programs = []
    for i, p in enumerate(progs):
        ranking = draw(st.permutations(apps))
        keep = draw(st.integers(0, n_apps))
        entry: dict[str, Any] = {
            "id": p,
            "capacity": draw(st.integers(0, max_capacity)),
            "ranking": list(ranking[:keep]),
        }
        # Reversion only to a later program: a forest, possibly with chains.
        if reversion and i + 1 < n_progs and draw(st.booleans()):
            entry["reverts_to"] = progs[draw(st.integers(i + 1, n_progs - 1))]
        programs.append(entry)
    applicants = []
    for a in apps:
        if a in members:
            applicants.append({"id": a, "ranking": []})
            continue
        ranking = draw(st.permutations(progs))
        keep = draw(st.integers(0, n_progs))
        applicants.append({"id": a, "ranking": list(ranking[:keep])})
    couples = []
    options = [[p, q] for p in [*progs, None] for q in [*progs, None] if (p, q) != (None, None)]
    for c in range(n_couples):
        chosen = draw(st.lists(st.sampled_from(options), max_size=5, unique_by=tuple))
        couples.append(
            {"id": f"C{c}", "members": [members[2 * c], members[2 * c + 1]], "ranking": chosen}
        )
    return {"format": "match-instance/1", "programs": programs, "applicants": applicants,
            "couples": couples}  # fmt: skip


def shuffled(instance: Instance, seed: int) -> Instance:
    """The same instance with its programs, applicants and couples arrays reordered."""
    rng = random.Random(seed)
    out = copy.deepcopy(instance)
    for key in ("programs", "applicants", "couples"):
        if key in out:
            rng.shuffle(out[key])
    return out


def instance(
    programs: dict[str, tuple[int, list[str]]] | dict[str, tuple[int, list[str], str]],
    applicants: dict[str, list[str]],
    couples: dict[str, tuple[list[str], list[list[str | None]]]] | None = None,
) -> Instance:
    """Build an instance from compact tables.

    ``programs``: id -> (capacity, ranking) or (capacity, ranking, reverts_to);
    ``applicants``: id -> ranking; ``couples``: id -> (members, options).  Couple members
    must not be listed in ``applicants`` (they are added with empty rankings).
    """
    progs = []
    for pid, spec in programs.items():
        entry: dict[str, Any] = {"id": pid, "capacity": spec[0], "ranking": list(spec[1])}
        if len(spec) == 3:
            entry["reverts_to"] = spec[2]
        progs.append(entry)
    apps = [{"id": a, "ranking": list(r)} for a, r in applicants.items()]
    out_couples = []
    for cid, (members, options) in (couples or {}).items():
        apps.extend({"id": m, "ranking": []} for m in members)
        out_couples.append({"id": cid, "members": list(members), "ranking": options})
    return {"format": "match-instance/1", "programs": progs, "applicants": apps,
            "couples": out_couples}  # fmt: skip
