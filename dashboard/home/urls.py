from django.urls import path

from dashboard.home import views

urlpatterns = [
    path("", views.home, name="home"),
]
