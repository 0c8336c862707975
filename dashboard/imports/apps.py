from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "dashboard.imports"
    label = "imports"
    verbose_name = "Website imports"

    def ready(self):
        # Registers the import job kinds with the job runner.
        from dashboard.imports import actions  # noqa: F401
