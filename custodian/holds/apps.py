from django.apps import AppConfig


class HoldsConfig(AppConfig):
    name = "custodian.holds"
    label = "holds"
    verbose_name = "Legal holds and erasure"
