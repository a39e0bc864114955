"""The SIP accounts machines sign in with (issue 12), and the count of wrong logins.

One account per machine (a self-check kiosk, a PC-booking server, a return machine), tied
to the branch it stands in: its purpose decides which messages it may send and, through
the profile's `[kiosks]` table, what of a patron's record it may show (docs/sip2.md).
"""

from django.db import models
from django.db.models import Q

# Every stored password is an Argon2 hash ("$argon2id$..."); the database refuses anything else.
HASH_PREFIX = "$argon2"


class Purpose(models.TextChoices):
    SELF_CHECK = "self_check", "Self-check kiosk"
    PC_BOOKING = "pc_booking", "Public-computer booking"
    RETURN = "return", "Automated return machine"


class SipAccount(models.Model):
    # The login name the machine sends in CN: letters, digits, "-", "_", "." (checked by the
    # service; the database keeps it non-empty and unique).
    name = models.CharField(max_length=64, unique=True)
    branch = models.ForeignKey("records.Branch", on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    # Argon2 (argon2-cffi, as staff passwords and patron PINs): never the password itself.
    password_hash = models.CharField(max_length=200)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "SIP account"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose__in=[p.value for p in Purpose]), name="sip_purpose_known"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="sip_name_given"),
            models.CheckConstraint(
                condition=Q(password_hash__startswith=HASH_PREFIX), name="sip_password_hashed"
            ),
        ]

    def __str__(self) -> str:
        return f"SIP account {self.name}"


class SipLoginThrottle(models.Model):
    """Wrong SIP logins counted per account name and per peer address.

    `key` is "name:" or "peer:" + a keyed hash, so a name that does not exist is counted
    exactly like one that does. A name locks after NAME_LIMIT failures until an account
    command lifts it (a new password, or `enable`); a peer address locks for a cool-off.
    """

    key = models.CharField(max_length=80, unique=True)
    failures = models.PositiveIntegerField(default=0)
    first_failure_at = models.DateTimeField()
    last_failure_at = models.DateTimeField()
    locked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(key__startswith="name:") | Q(key__startswith="peer:"),
                name="sip_throttle_key_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"SIP login throttle {self.pk}"
