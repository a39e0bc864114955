"""Which staff roles may do what at the desk, in the seed policies' words."""

from custodian.accounts.models import PATRON_DESK_ROLES, Role

__all__ = ["PATRON_DESK_ROLES", "Role"]
