from django.urls import path

from dashboard.links import views

app_name = "links"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("scan/", views.start_organization_scan, name="start_scan"),
    path("scans/<int:scan_id>/", views.scan_detail, name="scan"),
    path("scans/<int:scan_id>/progress/", views.scan_progress, name="progress"),
    path("scans/<int:scan_id>/cancel/", views.cancel_scan, name="cancel"),
    path("site-findings/", views.site_findings, name="site_findings"),
    path("site-findings/export.csv", views.report_csv, name="site_findings_csv"),
    path("ignore/", views.ignore_target, name="ignore"),
    path("unignore/", views.unignore_target, name="unignore"),
    path("fix/<int:row_id>/", views.fix_with_redirect, name="fix"),
    path("settings/", views.link_settings, name="settings"),
    path("spaces/<str:space_id>/", views.space_report, name="space_report"),
    path("spaces/<str:space_id>/scan/", views.start_space_scan, name="scan_space"),
    path("spaces/<str:space_id>/export.csv", views.report_csv, name="space_csv"),
]
