"""Fixtures shared with the door and desk tests."""

from tests.door.conftest import clerk, main_branch, rosalind  # noqa: F401
