"""Which staff roles may do what at the desk, in the seed policies' words."""

from custodian.accounts.models import Role

# The people who open patron accounts to do library business. The IT administrator runs the
# machines and the auditor reads the audit log; neither has a reason to see a patron's record.
PATRON_DESK_ROLES: tuple[str, ...] = (
    Role.DESK,
    Role.BRANCH_MANAGER,
    Role.DIRECTOR,
    Role.DESIGNEE,
)
