"""Navigation entries for the signed-in user, from the permissions module."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from core.permissions import roles_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    roles = roles_of(getattr(request, "user", None))
    return {"nav_roles": roles}
