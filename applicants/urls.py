from django.urls import path

from applicants import views

app_name = "applicants"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("register/", views.register, name="register"),
    path("provincial-list/", views.provincial_list, name="provincial_list"),
]
