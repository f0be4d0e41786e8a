"""JSON API endpoints of the cycles domain."""

from ninja import Router

router = Router(tags=["cycles"])
