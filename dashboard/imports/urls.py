from django.urls import path

from dashboard.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.import_list, name="list"),
    path("new/", views.import_new, name="new"),
    path("new/spaces/", views.space_picker, name="space_picker"),
    path("bulk/", views.import_bulk, name="bulk"),
    path("batches/<int:batch_id>/", views.batch_detail, name="batch"),
    path("batches/<int:batch_id>/stop/", views.batch_stop, name="batch_stop"),
    path("space/<str:space_id>/", views.space_imports, name="space"),
    path("<int:run_id>/", views.import_detail, name="detail"),
    path("<int:run_id>/cancel/", views.import_cancel, name="cancel"),
    path("<int:run_id>/retry/", views.import_retry, name="retry"),
]
