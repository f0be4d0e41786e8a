from django.urls import path

from matchruns import views

app_name = "matchruns"
urlpatterns = [
    path("admin/", views.admin_home, name="admin_home"),
]
