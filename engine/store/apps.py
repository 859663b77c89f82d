from django.apps import AppConfig


class StoreConfig(AppConfig):
    name = "engine.store"
    label = "store"
    verbose_name = "准入流程数据"
    default_auto_field = "django.db.models.BigAutoField"
