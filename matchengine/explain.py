"""Why an applicant did not get a program they preferred, and why a program did not get
an applicant it preferred.

:func:`explain` looks at every program an applicant ranked above their match (for a couple
member: every option the couple ranked above its match) and says why it did not happen.
:func:`explain_program` looks at every applicant a program ranked above its last matched
applicant (or every applicant it ranked, if it did not fill its positions) who is not
matched there, and says why.  Both return plain JSON-serialisable dicts; the platform
translates from the ``code`` fields, and :func:`render_explanation` gives English text.

The judgement is the spec's "program p would take S, leaving L", against the final
capacities after reversion (see ``matchengine.verify``).  Ranks are 1-based.

Reason codes (stable; the platform translates from them):

``not-ranked``
    The program did not rank the applicant (the pair is not acceptable).
``no-positions``
    The program has no positions: capacity 0 and none received by reversion.
``positions-reverted``
    The program did not fill its positions and gave the unfilled ones to its
    ``reverts_to`` target; it keeps only the applicants it matched, all ranked above this
    applicant (or none at all).
``filled-with-higher``
    The program filled all its final positions with applicants it ranked higher:
    ``last_matched_rank`` (the rank on its list of its worst-ranked matched applicant) is
    better than ``applicant_rank``.
``needs-two-seats``
    A couple's option sends both members to this program; it would keep one of them but
    not both.
``couple-partner``
    (Couples) this member's half of the option was available, but the partner's half was
    not; the ``halves`` say why.
``available``
    (A half of a couple's option) the program would take this member.
``unmatched``
    (A half of a couple's option) the option leaves this member unmatched.
``blocking``
    Nothing prevents it: the program would take the applicant (couple), who prefer it.
    The result is then not stable (``status`` is not ``stable``).

Reasons in :func:`explain_program` may also have:

``matched-higher``
    The applicant matched a program they ranked higher (``matched``, ``matched_rank``;
    ``program_rank`` is this program's place on their list).
``did-not-rank-program``
    The applicant (or their couple, for this member) did not rank this program.
``couple-ranked-higher``
    The applicant's couple matched an option (``matched_option``, ranked
    ``matched_option_rank``) it ranked above every option with this program for this
    member (the best of which is ranked ``program_rank``).

For an applicant-side or program-side reason about a program that the result holds over
its final capacity, or about an invalid result, the codes still follow these rules, but
run ``verify`` first: an explanation of an invalid result explains little.
"""

from __future__ import annotations

from typing import Any

from matchengine.verify import _clean_assignments, _final_capacities, _Market

__all__ = ["explain", "explain_program", "render_explanation"]

Option = tuple[str | None, str | None]
_OK = ("available", "unmatched")


class _Context:
    """An instance and a result's assignments, with the derived figures explanations need."""

    def __init__(self, instance: dict[str, Any], result: dict[str, Any]) -> None:
        self.market = market = _Market(instance)
        self.assign = _clean_assignments(market, result.get("assignments"))
        self.held: dict[str, list[str]] = {p: [] for p in market.prog_ids}
        for a, p in self.assign.items():
            if p is not None:
                self.held[p].append(a)
        self.received: dict[str, int] = {}
        self.final = _final_capacities(
            market, {p: len(h) for p, h in self.held.items()}, self.received
        )
        self._rank: dict[str, dict[str, int]] = {}
        self.couple: dict[str, tuple[str, str, str, list[Option]]] = {
            c[0]: c for c in market.couples
        }

    def rank(self, p: str, a: str) -> int | None:
        """0-based rank of applicant a on program p's list, or None."""
        table = self._rank.get(p)
        if table is None:
            ranking = self.market.prog_ranking[p]
            table = self._rank[p] = dict(zip(ranking, range(len(ranking)), strict=True))
        return table.get(a)

    def offered(self, p: str) -> int:
        """Positions before the program itself reverts: its own plus what it received."""
        return self.market.capacity[p] + self.received.get(p, 0)

    def reverted(self, p: str) -> int:
        """Positions p gave away to its ``reverts_to`` target."""
        if p not in self.market.reverts_to:
            return 0
        return max(0, self.offered(p) - len(self.held[p]))


def _ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def _plus1(r: int | None) -> int | None:
    return None if r is None else r + 1


def _program_verdict(
    ctx: _Context, p: str, who: str, takers: tuple[str, ...], leaving: tuple[str, ...]
) -> dict[str, Any]:
    """Would p take ``who`` (one of ``takers``), leaving out ``leaving``?  With figures."""
    final = ctx.final[p]
    others = [b for b in ctx.held[p] if b not in leaving]
    ranks = sorted(r for b in others if (r := ctx.rank(p, b)) is not None)
    facts: dict[str, Any] = {
        "program": p,
        "applicant_rank": _plus1(ctx.rank(p, who)),
        "last_matched_rank": _plus1(ranks[-1]) if ranks else None,
        "capacity": ctx.market.capacity[p],
        "final_capacity": final,
        "matched_count": len(ctx.held[p]),
        "reverts_to": ctx.market.reverts_to.get(p),
        "reverted": ctx.reverted(p),
    }
    own = ctx.rank(p, who)
    if own is None:
        return {**facts, "code": "not-ranked"}
    if final == 0 and ctx.offered(p) == 0:
        return {**facts, "code": "no-positions"}

    def kept(group: tuple[str, ...]) -> bool:
        group_ranks = [ctx.rank(p, s) for s in group]
        if any(r is None for r in group_ranks):
            return False
        worst = max(r for r in group_ranks if r is not None)
        better = sum(1 for r in ranks if r < worst)
        return better + len(group) <= final

    if kept(takers):
        return {**facts, "code": "available"}
    if len(takers) > 1 and kept((who,)):
        partner = next(s for s in takers if s != who)
        # Both fit alone but not together; or the partner does not fit at all, which the
        # partner's half reports.
        return {**facts, "code": "needs-two-seats" if kept((partner,)) else "available"}
    if ctx.reverted(p):
        return {**facts, "code": "positions-reverted"}
    return {**facts, "code": "filled-with-higher"}


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _program_message(who: str, v: dict[str, Any]) -> str:
    p = v["program"]
    code = v["code"]
    if code == "not-ranked":
        return f"{p} did not rank {who}."
    if code == "no-positions":
        return f"{p} has no positions."
    ranks = ""
    if v["last_matched_rank"] is not None and v["applicant_rank"] is not None:
        ranks = (
            f" (its last matched applicant is {_ordinal(v['last_matched_rank'])} on its list, "
            f"{who} is {_ordinal(v['applicant_rank'])})"
        )
    if code == "positions-reverted":
        text = (
            f"{p} did not fill its positions: {_count(v['reverted'], 'unfilled position')} "
            f"reverted to {v['reverts_to']}"
        )
        kept = v["final_capacity"]
        if kept:
            return (
                f"{text}, and it keeps only the {_count(kept, 'applicant')} it matched, "
                f"ranked above {who}{ranks}."
            )
        return f"{text}; it matched nobody."
    if code == "filled-with-higher":
        n = v["final_capacity"]
        filled = f"its {_count(n, 'position')}" if n == 1 else f"all {n} of its positions"
        return f"{p} filled {filled} with applicants it ranked higher{ranks}."
    if code == "needs-two-seats":
        return (
            f"{p} would need seats for both members of the couple, but with "
            f"{_count(v['final_capacity'], 'position')} and the applicants it ranked higher, "
            f"it has room for only one ({who} is {_ordinal(v['applicant_rank'])} on its list)."
        )
    if code == "available":
        return f"{p} would take {who}."
    return f"{p} would take {who}: this blocks the result, which is not stable."


def _half(ctx: _Context, option: Option, side: int, members: tuple[str, str]) -> dict[str, Any]:
    """One member's half of a couple's option: would its program take them?"""
    member = members[side]
    p = option[side]
    if p is None:
        return {
            "member": member,
            "program": None,
            "code": "unmatched",
            "message": f"this option leaves {member} unmatched.",
        }
    takers = members if option[0] == option[1] else (member,)
    v = _program_verdict(ctx, p, member, takers, members)
    return {"member": member, **v, "message": _program_message(member, v)}


def _option_explanation(
    ctx: _Context, cid: str, k: int, option: Option, who: str
) -> dict[str, Any]:
    """Why couple ``cid`` did not get its option ``k`` (0-based), seen from member ``who``."""
    _, m1, m2, _ = ctx.couple[cid]
    members = (m1, m2)
    halves = [_half(ctx, option, 0, members), _half(ctx, option, 1, members)]
    mine = 0 if who == m1 else 1
    own, partner = halves[mine], halves[1 - mine]
    if own["code"] == "needs-two-seats":
        code = own["code"]
        summary = f"{own['program']} has room for only one of the two"
        detail = own["message"]
    elif own["code"] not in _OK:
        code = own["code"]
        summary = f"{who} could not be placed"
        detail = own["message"]
    elif partner["code"] not in _OK:
        code = "couple-partner"
        summary = f"{partner['member']} could not be placed"
        detail = partner["message"]
    else:
        code = "blocking"
        summary = "both members would be taken"
        detail = "This option blocks the result, which is not stable."
    shown = f"({option[0] or 'unmatched'}, {option[1] or 'unmatched'})"
    return {
        "option": [option[0], option[1]],
        "option_rank": k + 1,
        "program": option[mine],
        "code": code,
        "halves": halves,
        "summary": summary,
        "message": f"Option {shown}, ranked {_ordinal(k + 1)} by the couple: {summary}. " + detail,
    }


def _current_option_index(
    ctx: _Context, members: tuple[str, str], options: list[Option]
) -> int | None:
    """0-based index of the couple's current pair on its list; len if unmatched; None if
    the pair is not on the list (an invalid result)."""
    current = (ctx.assign[members[0]], ctx.assign[members[1]])
    if current == (None, None):
        return len(options)
    try:
        return options.index(current)
    except ValueError:
        return None


def explain(instance: dict[str, Any], result: dict[str, Any], applicant_id: str) -> dict[str, Any]:
    """Why ``applicant_id`` did not get each program (couple option) it ranked above its match.

    Returns ``{"kind": "applicant", "applicant", "matched", "matched_rank", "couple",
    "partner", "matched_option", "matched_option_rank", "reasons": [...]}``.  For a single
    applicant each reason has ``program``, ``program_rank`` (on the applicant's list),
    ``code``, ``applicant_rank`` and ``last_matched_rank`` (on the program's list),
    ``capacity``, ``final_capacity``, ``matched_count``, ``reverts_to``, ``reverted``,
    ``message``.  For a couple member each reason is an option: ``option``, ``option_rank``,
    ``program`` (this member's half), ``code``, ``halves`` (one per member, each with the
    figures above) and ``message``.  Raises ``KeyError`` for an unknown applicant.
    """
    ctx = _Context(instance, result)
    market = ctx.market
    if applicant_id not in market.app_ranking:
        raise KeyError(f"unknown applicant {applicant_id!r}")
    a = applicant_id
    matched = ctx.assign[a]
    out: dict[str, Any] = {
        "kind": "applicant",
        "applicant": a,
        "matched": matched,
        "matched_rank": None,
        "couple": None,
        "partner": None,
        "matched_option": None,
        "matched_option_rank": None,
        "reasons": [],
    }
    cid = market.couple_of.get(a)
    if cid is None:
        ranking = market.app_ranking[a]
        stop = len(ranking)
        if matched is not None and matched in ranking:
            stop = ranking.index(matched)
            out["matched_rank"] = stop + 1
        for i, p in enumerate(ranking[:stop]):
            v = _program_verdict(ctx, p, a, (a,), (a,))
            if v["code"] == "available":
                v["code"] = "blocking"
            out["reasons"].append({"program_rank": i + 1, **v, "message": _program_message(a, v)})
        return out

    _, m1, m2, options = ctx.couple[cid]
    out["couple"] = cid
    out["partner"] = m2 if a == m1 else m1
    out["matched_option"] = [ctx.assign[m1], ctx.assign[m2]]
    index = _current_option_index(ctx, (m1, m2), options)
    if index is not None and index < len(options):
        out["matched_option_rank"] = index + 1
    stop = len(options) if index is None else index
    for k, option in enumerate(options[:stop]):
        out["reasons"].append(_option_explanation(ctx, cid, k, option, a))
    return out


def explain_program(
    instance: dict[str, Any], result: dict[str, Any], program_id: str
) -> dict[str, Any]:
    """Why each applicant ``program_id`` ranked above its last match is not matched there.

    If the program did not fill its positions (before or after reversion), every applicant
    it ranked is considered.  Returns ``{"kind": "program", "program", "capacity",
    "received", "final_capacity", "reverts_to", "reverted", "matched" (ids, best first),
    "last_matched_rank", "vacancies", "reasons": [...]}``; each reason has ``applicant``,
    ``applicant_rank`` (on the program's list), ``code``, ``couple``, ``matched``,
    ``matched_rank`` and ``program_rank`` (on the applicant's list; for a couple member,
    ranks of options), ``matched_option``, ``options`` (couple option explanations, for
    ``couple-partner`` and ``blocking``) and ``message``.  Raises ``KeyError`` for an
    unknown program.
    """
    ctx = _Context(instance, result)
    market = ctx.market
    if program_id not in market.capacity:
        raise KeyError(f"unknown program {program_id!r}")
    p = program_id
    ranking = market.prog_ranking[p]
    held = ctx.held[p]
    held_ranks = sorted((r, b) for b in held if (r := ctx.rank(p, b)) is not None)
    last = held_ranks[-1][0] if held_ranks else None
    final = ctx.final[p]
    unfilled = len(held) < ctx.offered(p) or len(held) < final
    out: dict[str, Any] = {
        "kind": "program",
        "program": p,
        "capacity": market.capacity[p],
        "received": ctx.received.get(p, 0),
        "final_capacity": final,
        "reverts_to": market.reverts_to.get(p),
        "reverted": ctx.reverted(p),
        "matched": [b for _, b in held_ranks] + [b for b in held if ctx.rank(p, b) is None],
        "last_matched_rank": _plus1(last),
        "vacancies": max(0, final - len(held)),
        "reasons": [],
    }
    candidates = ranking if unfilled or last is None else ranking[:last]
    for i, b in enumerate(candidates):
        if ctx.assign.get(b) == p:
            continue
        reason = _applicant_reason(ctx, p, b)
        out["reasons"].append({"applicant": b, "applicant_rank": i + 1, **reason})
    return out


def _applicant_reason(ctx: _Context, p: str, b: str) -> dict[str, Any]:
    """Why applicant b (ranked by p, not matched there) is not at p."""
    market = ctx.market
    m = ctx.assign.get(b)
    reason: dict[str, Any] = {
        "code": "",
        "couple": None,
        "matched": m,
        "matched_rank": None,
        "program_rank": None,
        "matched_option": None,
        "options": [],
        "message": "",
    }
    cid = market.couple_of.get(b)
    if cid is None:
        rk = market.app_ranking[b]
        if m is not None and m in rk:
            reason["matched_rank"] = rk.index(m) + 1
        if p not in rk:
            reason["code"] = "did-not-rank-program"
            reason["message"] = f"{b} did not rank {p}."
            return reason
        reason["program_rank"] = rk.index(p) + 1
        if reason["matched_rank"] is not None and reason["matched_rank"] < reason["program_rank"]:
            reason["code"] = "matched-higher"
            reason["message"] = (
                f"{b} matched {m}, their {_ordinal(reason['matched_rank'])} choice, which they "
                f"ranked above {p} (their {_ordinal(reason['program_rank'])})."
            )
            return reason
        v = _program_verdict(ctx, p, b, (b,), (b,))
        code = "blocking" if v["code"] == "available" else v["code"]
        reason["code"] = code
        reason["message"] = _program_message(b, {**v, "code": code})
        return reason

    _, m1, m2, options = ctx.couple[cid]
    side = 0 if b == m1 else 1
    reason["couple"] = cid
    reason["matched_option"] = [ctx.assign[m1], ctx.assign[m2]]
    with_p = [k for k, o in enumerate(options) if o[side] == p]
    index = _current_option_index(ctx, (m1, m2), options)
    if index is not None and index < len(options):
        reason["matched_rank"] = index + 1
    if not with_p:
        reason["code"] = "did-not-rank-program"
        reason["message"] = f"{b}'s couple {cid} did not rank {p} for {b}."
        return reason
    reason["program_rank"] = with_p[0] + 1
    stop = len(options) if index is None else index
    above = [k for k in with_p if k < stop]
    if not above:
        reason["code"] = "couple-ranked-higher"
        reason["message"] = (
            f"{b}'s couple {cid} matched its {_ordinal(stop + 1)} option "
            f"({reason['matched_option'][0] or 'unmatched'}, "
            f"{reason['matched_option'][1] or 'unmatched'}), which it ranked above every "
            f"option with {p} for {b} (the best is its {_ordinal(with_p[0] + 1)})."
        )
        return reason
    explained = [_option_explanation(ctx, cid, k, options[k], b) for k in above]
    reason["options"] = explained
    codes = [e["code"] for e in explained]
    if "blocking" in codes:
        reason["code"] = "blocking"
        reason["message"] = (
            f"{b}'s couple {cid} ranked an option with {p} above its match and would get it: "
            "this blocks the result, which is not stable."
        )
    elif all(c == "couple-partner" for c in codes):
        reason["code"] = "couple-partner"
        reason["message"] = (
            f"{b}'s couple {cid} ranked {p} for {b} above its match, but in each such option "
            f"the partner could not be placed."
        )
    else:
        first = next(e for e in explained if e["code"] != "couple-partner")
        reason["code"] = first["code"]
        reason["message"] = first["message"]
    return reason


def render_explanation(explanation: dict[str, Any]) -> str:
    """Readable English text for an :func:`explain` or :func:`explain_program` result."""
    kind = explanation.get("kind")
    if kind == "applicant":
        return _render_applicant(explanation)
    if kind == "program":
        return _render_program(explanation)
    raise ValueError(f"not an explanation: kind is {kind!r}")


def _render_applicant(e: dict[str, Any]) -> str:
    a = e["applicant"]
    lines: list[str] = []
    if e["couple"] is None:
        if e["matched"] is None:
            lines.append(f"{a} was not matched.")
        elif e["matched_rank"] is not None:
            lines.append(
                f"{a} was matched to {e['matched']}, their {_ordinal(e['matched_rank'])} choice."
            )
        else:
            lines.append(f"{a} was matched to {e['matched']}, which they did not rank.")
        if e["reasons"]:
            lines.append(
                f"Programs {a} ranked higher:" if e["matched"] else f"Programs {a} ranked:"
            )
            for r in e["reasons"]:
                lines.append(f"  {r['program_rank']}. {r['message']}")
        elif e["matched_rank"] == 1:
            lines.append("That is their first choice.")
        else:
            lines.append(f"{a} ranked no program.")
        return "\n".join(lines)
    pair = e["matched_option"]
    head = f"{a} applied as a couple ({e['couple']}) with {e['partner']}."
    if pair == [None, None]:
        lines.append(f"{head} The couple was not matched.")
    elif e["matched_option_rank"] is not None:
        lines.append(
            f"{head} The couple was matched to ({pair[0] or 'unmatched'}, "
            f"{pair[1] or 'unmatched'}), its {_ordinal(e['matched_option_rank'])} option."
        )
    else:
        lines.append(f"{head} The couple's assignments are not an option on its list.")
    if e["reasons"]:
        lines.append("Options the couple ranked higher:")
        for r in e["reasons"]:
            o = r["option"]
            lines.append(
                f"  {r['option_rank']}. ({o[0] or 'unmatched'}, {o[1] or 'unmatched'}): "
                f"{r['summary']}."
            )
            for h in r["halves"]:
                lines.append(f"       {h['member']}: {h['message']}")
    return "\n".join(lines)


def _render_program(e: dict[str, Any]) -> str:
    p = e["program"]
    lines = [f"{p} offered {_count(e['capacity'], 'position')}."]
    if e["received"]:
        lines.append(f"It received {_count(e['received'], 'position')} by reversion.")
    if e["reverted"]:
        lines.append(f"{_count(e['reverted'], 'unfilled position')} reverted to {e['reverts_to']}.")
    matched = e["matched"]
    lines.append(
        f"Final capacity {e['final_capacity']}; matched {len(matched)}"
        + (f": {', '.join(matched)}." if matched else ".")
    )
    if e["last_matched_rank"] is not None:
        lines.append(
            f"Its last matched applicant is {_ordinal(e['last_matched_rank'])} on its list."
        )
    if e["vacancies"]:
        verb = "remains" if e["vacancies"] == 1 else "remain"
        lines.append(f"{_count(e['vacancies'], 'position')} {verb} vacant.")
    if e["reasons"]:
        lines.append("Applicants it ranked higher who are not matched here:")
        for r in e["reasons"]:
            lines.append(f"  {r['applicant_rank']}. {r['applicant']}: {r['message']}")
    else:
        lines.append("No applicant it ranked higher is missing.")
    return "\n".join(lines)
