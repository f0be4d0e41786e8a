"""matchengine: a verified stable-matching engine for residency matches (pure Python).

Public API (see ``shared/specs/match-exchange-format.md`` for the data):

* :func:`solve` — instance dict -> result dict (deferred acceptance, couples, reversion).
* :func:`verify` — every problem with a result, ``[]`` when valid and stable.
* :func:`explain`, :func:`explain_program` — why an applicant / a program got what it got.
* :func:`generate` — a synthetic instance shaped like a residency match.
* :class:`InstanceError`, :func:`validate_instance`, :func:`canonical_sha256`.

``verify``, ``explain``, ``explain_program`` and ``generate`` are imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from matchengine.instance import InstanceError, canonical_sha256, validate_instance
from matchengine.solver import solve

if TYPE_CHECKING:
    from matchengine.explain import explain, explain_program
    from matchengine.generate import generate
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

_LAZY = {
    "verify": "matchengine.verify",
    "explain": "matchengine.explain",
    "explain_program": "matchengine.explain",
    "generate": "matchengine.generate",
}


def __getattr__(name: str) -> Any:
    """Import ``verify``, ``explain``, ``explain_program`` and ``generate`` on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'matchengine' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
