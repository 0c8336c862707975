from django.urls import path

from dashboard.accounts import views

app_name = "accounts"

urlpatterns = [
    path("organizations/", views.organization_list, name="organizations"),
    path("organizations/new/", views.organization_add, name="organization_add"),
    path("organizations/switch/", views.switch_organization, name="switch_organization"),
    path("organizations/<int:pk>/check/", views.organization_check, name="organization_check"),
    path("organizations/<int:pk>/rename/", views.organization_rename, name="organization_rename"),
    path("organizations/<int:pk>/remove/", views.organization_remove, name="organization_remove"),
    path("logout-everywhere/", views.log_out_everywhere, name="log_out_everywhere"),
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_add, name="user_add"),
    path("users/<int:pk>/role/", views.user_role, name="user_role"),
    path("users/<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<int:pk>/reactivate/", views.user_reactivate, name="user_reactivate"),
]
