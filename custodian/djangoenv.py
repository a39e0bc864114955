"""Start Django for command-line work (the policy commands never need it)."""

import os


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "custodian.settings")
    import django

    django.setup()
