"""The domain error every service raises for a refused operation.

Its message is translated and says what is wrong and how to fix it; views show it as is.
"""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the match refused the operation (deadline passed, not eligible, …)."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return str(self.message)
