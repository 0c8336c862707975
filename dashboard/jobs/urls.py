from django.urls import path

from dashboard.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("<int:job_id>/", views.job_detail, name="detail"),
    path("<int:job_id>/follow/", views.job_follow, name="follow"),
    path("<int:job_id>/retry/", views.job_retry, name="retry"),
    path("<int:job_id>/cancel/", views.job_cancel, name="cancel"),
]
