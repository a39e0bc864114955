import pytest

from tests.door.conftest import main_branch, rosalind  # noqa: F401
from tests.sip2 import kiosk_library


@pytest.fixture
def machines(main_branch):  # noqa: F811
    """One SIP account of each purpose at MAIN."""
    return {p: kiosk_library.account(p) for p in kiosk_library.NAMES}


@pytest.fixture
def reader_with_pin(rosalind):  # noqa: F811
    return kiosk_library.with_pin(rosalind)
