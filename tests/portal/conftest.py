from tests.door.conftest import auditor, clerk, it_admin, main_branch, rosalind  # noqa: F401
