from django.urls import path

from dashboard.jobs import views

app_name = "audit"

urlpatterns = [
    path("", views.audit_log, name="log"),
    path("export.csv", views.audit_csv, name="csv"),
]
