from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("spaces/", include("dashboard.spaces.urls")),
    path("jobs/", include("dashboard.jobs.urls")),
    path("audit/", include("dashboard.jobs.audit_urls")),
    path("", include("dashboard.home.urls")),
]
