from django.apps import AppConfig


class LinksConfig(AppConfig):
    name = "dashboard.links"
    label = "links"
    verbose_name = "Link health"

    def ready(self):
        # Registers the scan and redirect job kinds with the job runner.
        from dashboard.links import fixes, scans  # noqa: F401
        from dashboard.links.memory import limit_malloc_arenas

        limit_malloc_arenas()
