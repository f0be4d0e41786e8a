from django.urls import path

from applications import views

app_name = "applications"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("select/", views.select, name="select"),
    path("submit/", views.submit, name="submit"),
    path("assign/", views.bulk, name="bulk"),
    path("<int:pk>/remove/", views.remove, name="remove"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/preview.pdf", views.preview_pdf, name="preview_pdf"),
    path("<int:pk>/note/", views.note, name="note"),
    path("program/<str:code>/", views.program, name="program"),
    path("read/<int:pk>/", views.read, name="read"),
    path("read/<int:pk>/application.pdf", views.read_pdf, name="read_pdf"),
]
