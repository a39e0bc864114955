from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "custodian.desk"
    label = "desk"
