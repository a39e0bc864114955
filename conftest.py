"""Test-wide set-up: an isolated data directory, so tests never touch a real library's data."""

import os
import tempfile

# Always a fresh folder: tests must never write keys or databases into a real data directory.
os.environ["CUSTODIAN_DATA_DIR"] = tempfile.mkdtemp(prefix="custodian-test-")
os.environ.setdefault("CUSTODIAN_SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
