"""A small generated library per test, at a fixed moment so every run sees the same data."""

import datetime as dt

import pytest

FIXED_NOW = dt.datetime(2026, 3, 10, 19, 30, tzinfo=dt.UTC)
PATRONS = 600
SEED = 11


@pytest.fixture
def library(db, settings, tmp_path):
    """Generate a library into the test database (rolled back after the test)."""
    from custodian.synth.generator import generate

    settings.DATA_DIR = tmp_path
    return generate(patrons=PATRONS, seed=SEED, now=FIXED_NOW)
