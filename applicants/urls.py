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
    path("provincial-list/upload/", views.provincial_upload, name="provincial_upload"),
    path("provincial-list/imports/<int:pk>/", views.provincial_import, name="provincial_import"),
    path("information/", views.my_information, name="my_information"),
    path("information/profile/", views.file_profile, name="file_profile"),
    path("information/<slug:key>/", views.file_section, name="file_section"),
    path("information/<slug:key>/waive/", views.file_section_waive, name="file_section_waive"),
    path("information/<slug:key>/<int:pk>/", views.file_entry_edit, name="file_entry_edit"),
    path(
        "information/<slug:key>/<int:pk>/delete/",
        views.file_entry_delete,
        name="file_entry_delete",
    ),
    path("can-apply/<str:code>/", views.can_apply_page, name="can_apply"),
    path("can-apply/<str:code>/acknowledge/", views.ros_acknowledge, name="ros_acknowledge"),
]
