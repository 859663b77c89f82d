from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "engine.web"
    label = "duty_web"
    verbose_name = "街道职责准入"
