from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "custodian.retention"
    label = "retention"
    verbose_name = "Records' retention"
