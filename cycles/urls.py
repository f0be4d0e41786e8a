from django.urls import path

from cycles import views

app_name = "cycles"
urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
    path("<slug:slug>/calendar.ics", views.ical, name="ical"),
]
