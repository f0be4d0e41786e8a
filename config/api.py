"""The JSON API (django-ninja) with its OpenAPI schema at /<lang>/api/openapi.json.

Each app contributes a router in its ``api.py``; endpoints are thin and call services and
selectors, and check permissions through ``core.permissions``.
"""

from __future__ import annotations

from django.urls import path
from ninja import NinjaAPI
from ninja.security import django_auth

api = NinjaAPI(
    title="Jumelage API",
    version="1",
    description="Residency match platform: programs, applications, rank order lists, results.",
    auth=django_auth,
    urls_namespace="api",
)

from applicants.api import router as applicants_router  # noqa: E402
from applications.api import router as applications_router  # noqa: E402
from cycles.api import router as cycles_router  # noqa: E402
from documents.api import router as documents_router  # noqa: E402
from interviews.api import router as interviews_router  # noqa: E402
from matchruns.api import router as matchruns_router  # noqa: E402
from notifications.api import router as notifications_router  # noqa: E402
from programs.api import router as programs_router  # noqa: E402
from ranking.api import router as ranking_router  # noqa: E402
from references.api import router as references_router  # noqa: E402
from review.api import router as review_router  # noqa: E402

api.add_router("/cycles/", cycles_router)
api.add_router("/programs/", programs_router)
api.add_router("/ranking/", ranking_router)
api.add_router("/matchruns/", matchruns_router)
api.add_router("/references/", references_router)
api.add_router("/applicants/", applicants_router)
api.add_router("/documents/", documents_router)
api.add_router("/notifications/", notifications_router)
api.add_router("/applications/", applications_router)
api.add_router("/review/", review_router)
api.add_router("/interviews/", interviews_router)

urlpatterns = [path("", api.urls)]
