"""Custodian: patron records for public libraries that keep confidentiality by construction."""

__version__ = "0.1.0"
