"""The policy engine: each library's written policy as data, deciding every disclosure.

    from custodian.policy import decide, RequestError, get_engine
    decision = decide(request)                      # shared/contract request -> decision
    get_engine().profile("westchester").staff_fields("desk")

No Django here (an import-linter contract enforces it): the door, the CLI and the tests
all call the same `decide`.
"""

from custodian.policy.engine import Engine, decide, get_engine
from custodian.policy.errors import ProfileError, RequestError
from custodian.policy.profile import Profile, load_profile

__all__ = [
    "Engine",
    "Profile",
    "ProfileError",
    "RequestError",
    "decide",
    "get_engine",
    "load_profile",
]
