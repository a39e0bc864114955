from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "custodian.records"
    label = "records"
    verbose_name = "Patron records"
