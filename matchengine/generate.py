"""Synthetic match instances shaped like a residency match (CaRMS / NRMP).

:func:`generate` builds a ``match-instance/1`` dict, deterministic per ``seed`` (it uses its
own ``random.Random(seed)``, never the global generator).  The market:

* **Programs** are quotas.  Each *base* program (a discipline at a site, e.g. ``FM-TOR``)
  has a CMG quota (``FM-TOR-CMG``); some also have an IMG quota (``FM-TOR-IMG``).  Sites
  have Zipf-like sizes, so big cities host more programs.  Each quota has a popularity
  drawn from a lognormal law (a few very popular programs, a long tail).
* **Applicants** are CMGs or IMGs (``img_share``).  A CMG applies only to CMG quotas, an
  IMG only to IMG quotas.  Each applicant has a home site and a quality score.  Their rank
  order list is a Plackett-Luce draw (popularity x idiosyncratic noise, so preferences are
  correlated across applicants), a third of the picks coming from their home site.  List
  lengths follow a gamma law with mean ``list_length`` (some lists are short).
* **Program rankings**: a program ranks about ``program_rank_share`` of those who applied
  to it (randomised rounding), the best by quality score + noise, in that order.
* **Positions** total ``positions`` (default 90% of the applicants), at least one per quota
  when there are enough; IMG quotas get about half of the IMGs' share of the positions.
* **Reversion**: ``reversion_share`` of the IMG quotas ``reverts_to`` their CMG twin
  (CMG quotas never revert, so there are no chains and no cycles).
* **Couples**: ``couples_share`` of the applicants are paired.  Members have empty own
  rankings; the couple ranks pairs built from the members' individual lists (each drawn
  with home-site bias ``couples_home_bias``), favouring pairs in the same site (often the
  very same program), about ``couples_pairs`` of them (default twice ``list_length``);
  ``couples_solo_share`` of the couples end their list with one to three options that
  leave one member unmatched.  Never ``[null, null]``, never a repeat.

  How stable matchings fare depends on these three knobs far more than on the share of
  couples (``bench/README.md``, scenario b4): the one-member options especially make
  markets with no stable matching common.  The defaults are the harsh end.

Pure Python, linear in the total list length: a million applicants take a few seconds.
"""

from __future__ import annotations

import bisect
import gc
import math
import random
from collections import deque
from collections.abc import Iterator
from itertools import accumulate, repeat
from operator import add
from typing import Any

__all__ = ["generate"]

DISCIPLINES = (
    "FM", "IM", "PED", "PSY", "GS", "OBGYN", "EM", "ANES", "DIAG", "ORTH", "NEUR", "DERM",
    "OPH", "OTO", "URO", "PATH", "RONC", "PHYS", "CARD", "NSUR", "PLAS", "VASC", "PUBH",
    "MGEN", "NUCM", "CSUR", "IMMU", "NEPH", "GERI", "RHEU",
)  # fmt: skip
SITES = (
    "TOR", "MTL", "VAN", "CGY", "EDM", "OTT", "WPG", "QC", "HAM", "HFX", "LON", "SASK",
    "SHR", "KIN", "SJN", "SUD", "VIC", "REG", "THB", "MON", "TRR", "WIN", "KEL", "PG",
    "CHI", "GAT", "NIA", "MIS", "BRA", "LET", "RDR", "NAN", "FRE", "SYD", "CHA", "TIM",
    "YK", "WHI", "IQA", "BAR",
)  # fmt: skip
DISCIPLINE_WEIGHT = {"FM": 8.0, "IM": 4.0, "PED": 2.0, "PSY": 2.0, "GS": 1.5}


def generate(
    *,
    applicants: int,
    programs: int,
    couples_share: float = 0.0,
    seed: int = 0,
    positions: int | None = None,
    list_length: float = 12.0,
    program_rank_share: float = 0.6,
    img_share: float = 0.3,
    reversion_share: float = 0.2,
    couples_solo_share: float = 0.6,
    couples_home_bias: float = 0.75,
    couples_pairs: float | None = None,
) -> dict[str, Any]:
    """A synthetic ``match-instance/1`` market (see the module docstring).

    ``applicants``, ``programs`` (quota entries, CMG and IMG streams counted apart) and
    ``positions`` are exact; the shares and ``list_length`` are targets of random draws.
    """
    enabled = gc.isenabled()
    gc.disable()  # millions of small acyclic objects: collections would only cost time
    try:
        return _generate(
            applicants=applicants,
            programs=programs,
            couples_share=couples_share,
            seed=seed,
            positions=positions,
            list_length=list_length,
            program_rank_share=program_rank_share,
            img_share=img_share,
            reversion_share=reversion_share,
            couples_solo_share=couples_solo_share,
            couples_home_bias=couples_home_bias,
            couples_pairs=2.0 * list_length if couples_pairs is None else couples_pairs,
        )
    finally:
        if enabled:
            gc.enable()


URN_RESOLUTION = 4  # urn copies of a program of average popularity
LENGTH_TABLE = 1 << 12  # pre-drawn list lengths


def _urn(members: list[int], weight: list[float]) -> list[int]:
    """An urn holding each member about ``URN_RESOLUTION * weight / mean`` times (at least once).

    A weighted draw is then one index into a list.  The last entry is repeated once as a
    sentinel, so that ``urn[int(u * (len(urn) - 1))]`` is safe for ``0 <= u <= 1``.
    """
    if not members:
        return []
    mean = sum(weight[j] for j in members) / len(members)
    urn: list[int] = []
    for j in members:
        urn.extend(repeat(j, max(1, round(URN_RESOLUTION * weight[j] / mean))))
    urn.append(urn[-1])
    return urn


def consume(iterator: Iterator[Any]) -> None:
    """Run an iterator to its end at C speed, keeping nothing."""
    deque(iterator, maxlen=0)


def _generate(
    *,
    applicants: int,
    programs: int,
    couples_share: float,
    seed: int,
    positions: int | None,
    list_length: float,
    program_rank_share: float,
    img_share: float,
    reversion_share: float,
    couples_solo_share: float,
    couples_home_bias: float,
    couples_pairs: float,
) -> dict[str, Any]:
    if applicants < 0 or programs < 0:
        raise ValueError("applicants and programs must be >= 0")
    for name, share in (
        ("couples_share", couples_share),
        ("program_rank_share", program_rank_share),
        ("img_share", img_share),
        ("reversion_share", reversion_share),
        ("couples_solo_share", couples_solo_share),
    ):
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"{name} must be between 0 and 1, got {share}")
    if list_length < 0:
        raise ValueError("list_length must be >= 0")
    if not 0.0 <= couples_home_bias < 1.0:
        raise ValueError(
            f"couples_home_bias must be at least 0 and below 1, got {couples_home_bias}"
        )
    if not couples_pairs >= 0:  # also refuses NaN
        raise ValueError("couples_pairs must be >= 0")
    if positions is None:
        positions = round(0.9 * applicants)
    if positions < 0:
        raise ValueError("positions must be >= 0")

    rng = random.Random(seed)
    rnd = rng.random

    # ---- programs: base programs at sites, CMG quota each, IMG quota for some
    n_img_q = round(programs * img_share / (1.0 + img_share)) if applicants else 0
    n_img_q = min(n_img_q, programs // 2)
    n_base = programs - n_img_q
    n_sites = max(1, min(len(SITES), round(math.sqrt(n_base / 2)) or 1))
    site_cw = list(accumulate(1.0 / (k + 1) ** 0.8 for k in range(n_sites)))
    disc_cw = list(accumulate(DISCIPLINE_WEIGHT.get(d, 1.0) for d in DISCIPLINES))
    used: dict[str, int] = {}
    base_names: list[str] = []
    base_site: list[int] = []
    for _ in range(n_base):
        s = bisect.bisect(site_cw, rnd() * site_cw[-1])
        d = bisect.bisect(disc_cw, rnd() * disc_cw[-1])
        stem = f"{DISCIPLINES[d]}-{SITES[s]}"
        k = used.get(stem, 0) + 1
        used[stem] = k
        base_names.append(stem if k == 1 else f"{stem}{k}")
        base_site.append(s)
    # Quotas: index < n_base are CMG quotas, the rest IMG twins of the first n_img_q bases
    # (bases are in random order, so that is a random subset).
    pid = [f"{b}-CMG" for b in base_names] + [f"{base_names[j]}-IMG" for j in range(n_img_q)]
    site = base_site + base_site[:n_img_q]
    n_prog = len(pid)
    popularity = [rng.lognormvariate(0.0, 0.9) for _ in range(n_prog)]
    for j in range(n_base):
        popularity[j] *= DISCIPLINE_WEIGHT.get(base_names[j].split("-", 1)[0], 1.0) ** 0.5
    for j in range(n_img_q):
        popularity[n_base + j] = popularity[j] * rng.lognormvariate(0.0, 0.3)

    # Sampling urns per stream (0 = CMG, 1 = IMG): global and per site.
    urns: list[list[int]] = []
    site_urns: list[list[list[int]]] = []
    for lo, hi in ((0, n_base), (n_base, n_prog)):
        members = list(range(lo, hi))
        urns.append(_urn(members, popularity))
        by_site: list[list[int]] = [[] for _ in range(n_sites)]
        for j in members:
            by_site[site[j]].append(j)
        site_urns.append([_urn(m, popularity) for m in by_site])

    # ---- applicants
    app_ids = [f"A{i + 1}" for i in range(applicants)]
    is_img = [rnd() < img_share for _ in range(applicants)]
    quality = [rng.gauss(0.0, 1.0) for _ in range(applicants)]
    home = [bisect.bisect(site_cw, rnd() * site_cw[-1]) for _ in range(applicants)]

    n_couples = min(round(applicants * couples_share / 2), applicants // 2)
    in_couple = [False] * applicants
    couple_members: list[tuple[int, int]] = []
    if n_couples:
        chosen = rng.sample(range(applicants), 2 * n_couples)
        for k in range(n_couples):
            a, b = chosen[2 * k], chosen[2 * k + 1]
            if is_img[a] and not is_img[b]:  # cosmetic: the CMG member first
                a, b = b, a
            couple_members.append((a, b))
            in_couple[a] = in_couple[b] = True
            home[b] = home[a]  # couples live together

    applied: list[list[int]] = [[] for _ in range(n_prog)]
    # List lengths: gamma(3, list_length / 3), rounded, at least 1; drawn from a table of
    # pre-drawn values (one table look-up per applicant instead of a gamma draw).
    length_table = [
        max(1, round(rng.gammavariate(3.0, list_length / 3.0))) if list_length else 0
        for _ in range(LENGTH_TABLE)
    ]

    def draw_list(i: int, home_bias: float) -> list[int]:
        """A Plackett-Luce list: weighted draws with replacement, repeats skipped.

        Each draw comes from the home site's urn with probability ``home_bias``, else from
        the stream's global urn; one uniform number decides both.
        """
        stream = 1 if is_img[i] else 0
        g_urn = urns[stream]
        n = n_base if stream == 0 else n_prog - n_base
        if n == 0 or list_length == 0:
            return []
        k = min(n, length_table[int(rnd() * LENGTH_TABLE)])
        if 2 * k > n:  # small pool: Gumbel keys over the whole pool
            lo = 0 if stream == 0 else n_base
            keyed = sorted(
                range(lo, lo + n),
                key=lambda j: math.log(-math.log(rnd() or 1e-300)) - math.log(popularity[j]),
            )
            return keyed[:k]
        h_urn = site_urns[stream][home[i]]
        b = home_bias if len(h_urn) > 1 else 0.0
        h_scale = (len(h_urn) - 1) / b if b else 0.0
        g_scale = (len(g_urn) - 1) / (1.0 - b)
        out: dict[int, None] = {}
        while len(out) < k:
            draws = [
                h_urn[int(r * h_scale)] if (r := rnd()) < b else g_urn[int((r - b) * g_scale)]
                for _ in repeat(None, k - len(out) + 2 + (k >> 2))
            ]
            out.update(dict.fromkeys(draws))
        return list(out)[:k]

    app_rank_idx: list[list[int]] = [[] for _ in range(applicants)]
    for i in range(applicants):
        if in_couple[i]:
            continue
        lst = draw_list(i, 0.34)
        app_rank_idx[i] = lst
        consume(map(list.append, map(applied.__getitem__, lst), repeat(i)))

    # ---- couples: pairs from the members' own lists, same site favoured
    couple_options: list[list[tuple[int | None, int | None]]] = []
    for a, b in couple_members:
        la, lb = draw_list(a, couples_home_bias), draw_list(b, couples_home_bias)
        scored: list[tuple[float, int, int]] = []
        for ra, p in enumerate(la):
            for rb, q in enumerate(lb):
                bonus = (6.0 if p == q else 5.0) if site[p] == site[q] else 0.0
                scored.append((ra + rb - bonus + 2.0 * rnd(), p, q))
        scored.sort()
        want = (
            max(1, round(rng.gammavariate(3.0, couples_pairs / 3.0)))
            if scored and couples_pairs
            else 0
        )
        options: list[tuple[int | None, int | None]] = [(p, q) for _, p, q in scored[:want]]
        if rnd() < couples_solo_share:  # fall-back options leaving one member unmatched
            tail: list[tuple[int | None, int | None]] = []
            if la:
                tail.append((la[0], None))
            if lb:
                tail.append((None, lb[0]))
            if len(la) > 1 and rnd() < 0.5:
                tail.append((la[1], None))
            rng.shuffle(tail)
            options.extend(tail[: 1 + int(rnd() * len(tail))])
        elif not options:
            if la:
                options.append((la[0], None))
            elif lb:
                options.append((None, lb[0]))
        couple_options.append(options)
        for who, side in ((a, 0), (b, 1)):
            seen_p: set[int] = set()
            for opt in options:
                p_ = opt[side]
                if p_ is not None and p_ not in seen_p:
                    seen_p.add(p_)
                    applied[p_].append(who)

    # ---- program rankings: the best ~share of applicants by quality + noise
    # The noise comes from slices of one shared pool of draws at random offsets: much
    # cheaper than one draw per application, and as good for a synthetic market.
    longest = max(map(len, applied), default=0)
    noise = [1.2 * rnd() for _ in range(max(1 << 16, 2 * longest))]
    span = len(noise) - longest
    prog_rankings: list[list[str]] = []
    for j in range(n_prog):
        pool = applied[j]
        if not pool:
            prog_rankings.append([])
            continue
        k = int(program_rank_share * len(pool) + rnd())
        off = int(rnd() * span)
        score = list(map(add, map(quality.__getitem__, pool), noise[off : off + len(pool)]))
        order = sorted(range(len(pool)), key=score.__getitem__, reverse=True)
        prog_rankings.append(list(map(app_ids.__getitem__, map(pool.__getitem__, order[:k]))))

    # ---- capacities: one each when possible, the rest in proportion to a size weight
    size = [rng.lognormvariate(0.0, 0.6) * popularity[j] ** 0.5 for j in range(n_prog)]
    if n_img_q:
        img_pos_share = min(0.9, img_share * 0.5)
        cmg_w = sum(size[:n_base])
        img_w = sum(size[n_base:])
        scale = img_pos_share / (1.0 - img_pos_share) * cmg_w / img_w if img_w else 0.0
        for j in range(n_base, n_prog):
            size[j] *= scale
    capacity = [1 if positions >= n_prog else 0 for _ in range(n_prog)]
    rest = positions - sum(capacity)
    if n_prog and rest > 0:
        total_w = sum(size)
        shares = [rest * w / total_w for w in size]
        for j in range(n_prog):
            capacity[j] += int(shares[j])
        left = positions - sum(capacity)
        by_fraction = sorted(range(n_prog), key=lambda j: int(shares[j]) - shares[j])
        for j in by_fraction[:left]:
            capacity[j] += 1
    elif n_prog and rest < 0:  # fewer positions than quotas: one each for a random subset
        for j in rng.sample(range(n_prog), positions):
            capacity[j] = 1

    # ---- assemble
    prog_out: list[dict[str, Any]] = []
    for j in range(n_prog):
        entry: dict[str, Any] = {"id": pid[j], "capacity": capacity[j], "ranking": prog_rankings[j]}
        if j >= n_base and rnd() < reversion_share:
            entry["reverts_to"] = pid[j - n_base]
        prog_out.append(entry)
    app_out = [
        {"id": app_ids[i], "ranking": list(map(pid.__getitem__, app_rank_idx[i]))}
        for i in range(applicants)
    ]
    couples_out = [
        {
            "id": f"C{k + 1}",
            "members": [app_ids[a], app_ids[b]],
            "ranking": [
                [None if p is None else pid[p], None if q is None else pid[q]]
                for p, q in couple_options[k]
            ],
        }
        for k, (a, b) in enumerate(couple_members)
    ]
    return {
        "format": "match-instance/1",
        "programs": prog_out,
        "applicants": app_out,
        "couples": couples_out,
    }
