from django.urls import path

from matchruns import views

app_name = "matchruns"
urlpatterns = [
    path("admin/", views.admin_home, name="admin_home"),
    path("admin/run/", views.run_start, name="run_start"),
    path("admin/runs/<int:pk>/<str:what>.json", views.download, name="download"),
    path("result/", views.my_result, name="my_result"),
    path("result/letter.pdf", views.letter, name="letter"),
    path("programs/<int:pk>/results/", views.program_results, name="program_results"),
]
