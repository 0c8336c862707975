from django.apps import AppConfig


class GitbookConfig(AppConfig):
    name = "dashboard.gitbook"
    label = "gitbook"
    verbose_name = "GitBook API access"
