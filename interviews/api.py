"""JSON API of interviews."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["interviews"])
