from django.apps import AppConfig


class LinksConfig(AppConfig):
    name = "dashboard.links"
    label = "links"
    verbose_name = "Link health"
