"""Staff accounts. Roles come from the seed policies' own words."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    DESK = "desk", "Circulation desk staff"
    BRANCH_MANAGER = "branch_manager", "Branch manager (person in charge)"
    DIRECTOR = "director", "Library director (custodian of records)"
    DESIGNEE = "designee", "Director's designee"
    IT_ADMIN = "it_admin", "IT administrator"
    AUDITOR = "auditor", "Auditor"


# The people who open patron accounts to do library business. The IT administrator runs the
# machines and the auditor reads the audit log; neither has a reason to see a patron's record.
PATRON_DESK_ROLES: tuple[str, ...] = (
    Role.DESK,
    Role.BRANCH_MANAGER,
    Role.DIRECTOR,
    Role.DESIGNEE,
)


class StaffUser(AbstractUser):
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.DESK)
    branch = models.ForeignKey(
        "records.Branch", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "staff member"
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role]), name="staff_role_known"
            ),
        ]

    @property
    def is_custodian(self) -> bool:
        """The director and designees act as custodian of records."""
        return self.role in (Role.DIRECTOR, Role.DESIGNEE)

    @property
    def opens_patron_accounts(self) -> bool:
        return self.role in PATRON_DESK_ROLES
