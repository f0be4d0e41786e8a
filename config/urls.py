from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
]

urlpatterns += i18n_patterns(
    path("", include("core.urls")),
    path("accounts/", include("allauth.urls")),
    path("account/", include("accounts.urls")),
    path("cycles/", include("cycles.urls")),
    path("programs/", include("programs.urls")),
    path("applicant/", include("applicants.urls")),
    path("fees/", include("fees.urls")),
    path("applications/", include("applications.urls")),
    path("ranking/", include("ranking.urls")),
    path("documents/", include("documents.urls")),
    path("match/", include("matchruns.urls")),
    path("references/", include("references.urls")),
    path("notifications/", include("notifications.urls")),
    path("review/", include("review.urls")),
    path("interviews/", include("interviews.urls")),
    path("api/", include("config.api")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
