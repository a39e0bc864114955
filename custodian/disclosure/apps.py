from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "custodian.disclosure"
    label = "disclosure"
    verbose_name = "Disclosure requests and cases"
    default_auto_field = "django.db.models.BigAutoField"
