from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path

from dashboard.accounts.login import ThrottledAuthenticationForm
from dashboard.ui import health
from dashboard.ui import views as ui_views

urlpatterns = [
    path("health/", health.health, name="health"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=ThrottledAuthenticationForm
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("spaces/", include("dashboard.spaces.urls")),
    path("links/", include("dashboard.links.urls")),
    path("imports/", include("dashboard.imports.urls")),
    path("jobs/", include("dashboard.jobs.urls")),
    path("audit/", include("dashboard.jobs.audit_urls")),
    path("settings/", include("dashboard.accounts.urls")),
    path("", include("dashboard.home.urls")),
]

if settings.BENCHMARK_VIEWS:
    urlpatterns.insert(0, path("_bench/bare/", ui_views.bare, name="bench_bare"))
