from django.urls import path

from programs import views

app_name = "programs"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("workspace/", views.workspace, name="workspace"),
    path("approvals/", views.approvals, name="approvals"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/edit/", views.edit, name="edit"),
    path("<str:code>/description/review/", views.description_review, name="description_review"),
    path(
        "<str:code>/description/versions/",
        views.description_versions,
        name="description_versions",
    ),
    path("<str:code>/quotas/", views.quotas, name="quotas"),
    path("<str:code>/requirements/", views.requirements, name="requirements"),
    path("<str:code>/reviewers/", views.reviewers, name="reviewers"),
    path(
        "<str:code>/reviewers/invitations/<int:pk>/",
        views.reviewer_invitation,
        name="reviewer_invitation",
    ),
    path("<str:code>/reviewers/<int:user_id>/", views.reviewer, name="reviewer"),
]
