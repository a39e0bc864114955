"""The test suite never touches a real library's data directory."""

from django.conf import settings


def test_tests_run_in_a_fresh_data_directory():
    assert "custodian-test-" in str(settings.DATA_DIR)


def test_sqlite_test_database_lives_in_that_directory():
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        assert str(settings.DATA_DIR) in db["TEST"]["NAME"]
