from django.apps import AppConfig


class SpacesConfig(AppConfig):
    name = "dashboard.spaces"
    label = "spaces"

    def ready(self):
        # Registers the space job kinds with the job runner.
        from dashboard.spaces import actions, bulk  # noqa: F401
