from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dashboard.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from dashboard.accounts.connections import connections_changed
        from dashboard.accounts.models import Connection

        def on_change(**kwargs) -> None:
            connections_changed()

        post_save.connect(on_change, sender=Connection, dispatch_uid="connections_changed_on_save")
        post_delete.connect(
            on_change, sender=Connection, dispatch_uid="connections_changed_on_delete"
        )
