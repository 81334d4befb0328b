from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kerne.core"
    label = "core"

    def ready(self) -> None:
        # Each app names its audit events in <app>/audit_types.py (kerne.core.audit_types).
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("audit_types")
