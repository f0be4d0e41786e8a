from django.urls import path

from fees import views

app_name = "fees"
urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("receipts/<str:number>/", views.receipt, name="receipt"),
    path("receipts/<str:number>/pdf/", views.receipt_pdf, name="receipt_pdf"),
    path("payments/record/", views.record_payment, name="record_payment"),
]
