from django.urls import path

from applicants import views

app_name = "applicants"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("register/", views.register, name="register"),
    path("contract/", views.participate, name="participate"),
    path("withdraw/", views.withdraw, name="withdraw"),
    path("provincial-list/", views.provincial_list, name="provincial_list"),
    path(
        "provincial-list/<int:pk>/remove/", views.provincial_list_remove, name="provincial_remove"
    ),
]
