from django.urls import path

from programs import views

app_name = "programs"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("workspace/", views.workspace, name="workspace"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/edit/", views.edit, name="edit"),
    path("<str:code>/requirements/", views.requirements, name="requirements"),
]
