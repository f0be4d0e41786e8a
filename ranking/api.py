"""JSON API endpoints of the ranking domain."""

from ninja import Router

router = Router(tags=["ranking"])
