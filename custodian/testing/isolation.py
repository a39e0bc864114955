"""A pytest plugin, loaded with `-p` before pytest-django reads the settings.

It points CUSTODIAN_DATA_DIR at a fresh folder so a test run never writes keys or
databases into a real data directory, and parallel runs never share a test database.
(A root conftest.py is imported too late: pytest-django has configured Django by then.)
"""

import os
import tempfile

from custodian.i18n import ensure_compiled

os.environ["CUSTODIAN_DATA_DIR"] = tempfile.mkdtemp(prefix="custodian-test-")
# The Spanish screens under test read the compiled catalogue (.mo is not committed).
ensure_compiled()
os.environ.setdefault(
    "CUSTODIAN_SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789"
)
