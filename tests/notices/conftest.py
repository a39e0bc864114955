from tests.door.conftest import clerk, main_branch, rosalind  # noqa: F401
