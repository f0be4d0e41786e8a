from django.urls import path

from references import views

app_name = "references"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/", views.create, name="create"),
    path("claim/", views.claim, name="claim"),
    path("r/<str:token>/", views.referee, name="referee"),
    path("early-letters/", views.early_letters, name="early_letters"),
    path("program/<str:code>/", views.program, name="program"),
    path("assignment/<int:pk>/unassign/", views.unassign, name="unassign"),
    path("<str:reference_id>/", views.detail, name="detail"),
    path("<str:reference_id>/edit/", views.edit, name="edit"),
    path("<str:reference_id>/finalise/", views.finalise, name="finalise"),
    path("<str:reference_id>/resend/", views.resend, name="resend"),
    path("<str:reference_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<str:reference_id>/cover-sheet/", views.cover_sheet, name="cover_sheet"),
    path("<str:reference_id>/assign/", views.assign, name="assign"),
    path("<str:reference_id>/content/", views.content, name="content"),
]
