from django.urls import path

from ranking import views

app_name = "ranking"
urlpatterns = [
    path("", views.applicant, name="applicant"),
    path("pdf/", views.applicant_pdf, name="applicant_pdf"),
    path("couple/", views.couple, name="couple"),
    path("couple/pdf/", views.couple_pdf, name="couple_pdf"),
    path("program/<int:quota_id>/", views.program, name="program"),
    path("program/<int:quota_id>/pdf/", views.program_pdf, name="program_pdf"),
]
