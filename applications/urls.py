from django.urls import path

from applications import views

app_name = "applications"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("select/", views.select, name="select"),
    path("submit/", views.submit, name="submit"),
    path("<int:pk>/remove/", views.remove, name="remove"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
