#!/usr/bin/env python
"""Is there really no stable matching?  A second opinion on the couples benchmark market.

``.venv/bin/python bench/couples_check.py [--seed N] [--share F]``

Generates the NRMP-size market of bench/run.py (48,000 applicants, 6,000 programs, 43,000
positions) with couples and *no reversion*, solves it with the engine, then asks the
independent SAT encoding of the tests (``tests/engine/test_crosscheck_sat.py``, written apart
from ``matchengine.exact``, after Drummond, Perrault & Bacchus 2015) the same question on the
whole market.  Both must agree: ``no-stable-matching`` from the engine and UNSAT from the
second encoding, or a stable matching from both.  The second encoding is slow (minutes).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from matchengine import solve  # noqa: E402
from matchengine.generate import generate  # noqa: E402
from tests.engine.test_crosscheck_sat import independent_stable_matching  # noqa: E402

NRMP = {"applicants": 48_000, "programs": 6_000, "positions": 43_000}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--share", type=float, default=0.025, help="share of applicants in couples")
    args = parser.parse_args(argv)
    instance = generate(**NRMP, seed=args.seed, couples_share=args.share, reversion_share=0.0)
    start = time.perf_counter()
    result = solve(instance)
    print(f"engine: {result['status']} in {time.perf_counter() - start:.1f} s", flush=True)
    start = time.perf_counter()
    other = independent_stable_matching(instance)
    verdict = "no stable matching" if other is None else "a stable matching"
    print(f"second encoding: {verdict} in {time.perf_counter() - start:.1f} s")
    agree = (other is None) == (result["status"] == "no-stable-matching")
    print("agree" if agree else "DISAGREE")
    return 0 if agree else 1


if __name__ == "__main__":
    raise SystemExit(main())
