"""JSON API endpoints of the programs domain."""

from ninja import Router

router = Router(tags=["programs"])
