"""Disclosure requests over JSON: the same services, roles and rules as the screens.

One router (`_common.router`); each module adds its endpoints to it when imported. The
modules are imported in this order because it is the order of the paths in the OpenAPI
document.
"""

from custodian.api.disclosure._common import router

# isort: off
from custodian.api.disclosure import intake, cases, reviews, releases, oversight  # noqa: F401
# isort: on

__all__ = ["router"]
