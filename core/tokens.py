"""Secrets handed out once (referee links, reviewer invitations, API tokens): a new random
secret, and the SHA-256 that is all the database keeps of it."""

from __future__ import annotations

import hashlib
import secrets


def new_secret() -> str:
    """A random URL-safe secret (32 bytes of entropy)."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """The hex SHA-256 of ``secret``: what is stored and looked up, never the secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
