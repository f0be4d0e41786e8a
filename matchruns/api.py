"""JSON API endpoints of the matchruns domain."""

from ninja import Router

router = Router(tags=["matchruns"])
