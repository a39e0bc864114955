"""Fixtures shared across test folders: the browser tests' one Chromium (tests/browser/chromium.py)."""

pytest_plugins = ["tests.browser.chromium"]
