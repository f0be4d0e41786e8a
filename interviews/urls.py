from django.urls import path

from interviews import views

app_name = "interviews"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("mine/<int:offer_id>/pick/", views.pick, name="pick"),
    path("mine/<int:offer_id>/decline/", views.decline, name="decline"),
    path("mine/<int:offer_id>/interview.ics", views.applicant_ics, name="applicant_ics"),
    path("program/<str:code>/", views.program, name="program"),
    path("program/<str:code>/bulk/", views.bulk, name="bulk"),
    path("program/<str:code>/upload/", views.upload, name="upload"),
    path("program/<str:code>/uploads/<int:pk>/", views.upload_report, name="upload_report"),
    path("program/<str:code>/statuses.csv", views.statuses_csv, name="statuses_csv"),
    path("program/<str:code>/application/<int:pk>/", views.offer, name="offer"),
    path("program/<str:code>/slots/", views.slots_publish, name="slots_publish"),
    path("program/<str:code>/slots/<int:pk>/withdraw/", views.slot_withdraw, name="slot_withdraw"),
    path("program/<str:code>/release/", views.release, name="release"),
    path("program/<str:code>/interviews.ics", views.program_ics, name="program_ics"),
]
