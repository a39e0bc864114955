from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "custodian.accounts"
    label = "accounts"
    verbose_name = "Staff accounts"
