from tests.disclosure.conftest import audit_log, door, make_user, real_engine, staff  # noqa: F401
