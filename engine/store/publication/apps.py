from django.apps import AppConfig


class PublicationConfig(AppConfig):
    name = "engine.store.publication"
    label = "publication"
    verbose_name = "公布的清单"
    default_auto_field = "django.db.models.BigAutoField"
