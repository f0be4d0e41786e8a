from django.urls import path

from ranking import views

app_name = "ranking"
urlpatterns = [
    path("", views.applicant, name="applicant"),
    path("edit/", views.applicant_edit, name="applicant_edit"),
    path("pdf/", views.applicant_pdf, name="applicant_pdf"),
    path("couple/", views.couple, name="couple"),
    path("couple/invite/", views.couple_invite_view, name="couple_invite"),
    path("couple/<int:couple_id>/respond/", views.couple_respond_view, name="couple_respond"),
    path("couple/<int:couple_id>/unlink/", views.couple_dissolve_view, name="couple_dissolve"),
    path("couple/edit/", views.couple_edit, name="couple_edit"),
    path("couple/pdf/", views.couple_pdf, name="couple_pdf"),
    path("program/<int:quota_id>/", views.program, name="program"),
    path("program/<int:quota_id>/edit/", views.program_edit, name="program_edit"),
    path("program/<int:quota_id>/import/", views.program_import, name="program_import"),
    path("program/<int:quota_id>/history/", views.program_history, name="program_history"),
    path("program/<int:quota_id>/pdf/", views.program_pdf, name="program_pdf"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<int:pk>/", views.approval, name="approval"),
]
