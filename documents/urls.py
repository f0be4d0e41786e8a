from django.urls import path

from documents import views

app_name = "documents"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("upload/", views.upload, name="upload"),
    path("<int:document_id>/file/", views.download, name="download"),
    path("<int:document_id>/reuse/", views.reuse, name="reuse"),
    path("<int:document_id>/assign/", views.assign, name="assign"),
    path("assignments/<int:assignment_id>/unassign/", views.unassign, name="unassign"),
    path("<int:document_id>/translate/", views.translate, name="translate"),
    path(
        "<int:document_id>/outside-translation/",
        views.outside_translation,
        name="outside_translation",
    ),
    path(
        "references/<str:reference_id>/translate/",
        views.reference_translate,
        name="reference_translate",
    ),
    path(
        "references/<str:reference_id>/outside-translation/",
        views.reference_outside_translation,
        name="reference_outside_translation",
    ),
    path(
        "reference-translations/<int:translation_id>/file/",
        views.reference_translation_file,
        name="reference_translation_file",
    ),
    path("letters/program/<int:program_id>/", views.letter_edit, name="letter_edit"),
    path("letters/<int:letter_id>/assign/", views.letter_assign, name="letter_assign"),
    path("letters/<int:letter_id>/", views.letter_view, name="letter_view"),
    path("application/<int:application_id>/", views.application_file, name="application_file"),
    path("processing/", views.queue, name="queue"),
    path("processing/<int:document_id>/process/", views.process, name="process"),
    path("processing/<int:document_id>/reject/", views.reject, name="reject"),
    path(
        "processing/status/<int:verification_id>/verify/",
        views.status_verify,
        name="status_verify",
    ),
    path(
        "processing/status/<int:verification_id>/reject/",
        views.status_reject,
        name="status_reject",
    ),
]
