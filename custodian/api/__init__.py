"""The JSON API under /api/ (django-ninja). `custodian.api.main.api` is mounted in urls.py."""
