"""matchengine: a verified stable-matching engine for residency matches (pure Python).

Public API (see ``shared/specs/match-exchange-format.md`` for the data):

* :func:`solve` — instance dict -> result dict (deferred acceptance, couples, reversion).
* :func:`verify` — every problem with a result, ``[]`` when valid and stable.
* :func:`explain`, :func:`explain_program` — why an applicant / a program got what it got.
* :func:`generate` — a synthetic instance shaped like a residency match.
* :class:`InstanceError`, :func:`validate_instance`, :func:`canonical_sha256`.

"""

from __future__ import annotations

# Eager imports: the submodules ``verify``, ``explain`` and ``generate`` share their names with
# the functions, and importing a submodule later would otherwise rebind the package attribute
# to the module ("'module' object is not callable").
from matchengine.explain import explain, explain_program
from matchengine.generate import generate
from matchengine.instance import InstanceError, canonical_sha256, validate_instance
from matchengine.solver import solve
from matchengine.verify import verify

__version__ = "0.1.0"

__all__ = [
    "InstanceError",
    "__version__",
    "canonical_sha256",
    "explain",
    "explain_program",
    "generate",
    "solve",
    "validate_instance",
    "verify",
]
