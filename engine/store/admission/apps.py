from django.apps import AppConfig


class AdmissionConfig(AppConfig):
    name = "engine.store.admission"
    label = "admission"
    verbose_name = "准入审核记录"
    default_auto_field = "django.db.models.BigAutoField"
