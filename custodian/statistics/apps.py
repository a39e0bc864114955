from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "custodian.statistics"
    label = "statistics"
    verbose_name = "Statistics"
