from django.urls import path

from review import views

app_name = "review"
urlpatterns = [
    path("program/<str:code>/", views.review_list, name="list"),
    path("program/<str:code>/export.csv", views.export_csv, name="export_csv"),
    path("program/<str:code>/list.pdf", views.export_pdf, name="export_pdf"),
    path("program/<str:code>/assign/", views.assign_bulk, name="assign_bulk"),
    path("program/<str:code>/filters/", views.filter_save, name="filter_save"),
    path(
        "program/<str:code>/filters/<int:saved_id>/delete/",
        views.filter_delete,
        name="filter_delete",
    ),
    path("program/<str:code>/settings/", views.settings_page, name="settings"),
    path("program/<str:code>/criteria/", views.criterion_save, name="criterion_add"),
    path(
        "program/<str:code>/criteria/<int:criterion_id>/",
        views.criterion_save,
        name="criterion_edit",
    ),
    path(
        "program/<str:code>/criteria/<int:criterion_id>/delete/",
        views.criterion_delete,
        name="criterion_delete",
    ),
    path("program/<str:code>/masking/", views.masking_save, name="masking"),
    path("application/<int:pk>/", views.reader, name="reader"),
    path("application/<int:pk>/application.pdf", views.reader_pdf, name="reader_pdf"),
    path(
        "application/<int:pk>/documents/<int:document_id>/",
        views.document,
        name="document",
    ),
    path("application/<int:pk>/scores/", views.score_save, name="scores"),
    path("application/<int:pk>/notes/", views.note_save, name="notes"),
    path("application/<int:pk>/assign/", views.assign_one, name="assign_one"),
]
