"""Registration records: branches, patrons, the people responsible for them, authorisations."""

import uuid

from django.db import models
from django.db.models import F, Q

from custodian.records.sealed_fields import BlindIndexField, SealedField


class Branch(models.Model):
    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "branches"

    def __str__(self) -> str:
        return self.name


class Patron(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        CARD_LOST = "card_lost", "Card reported lost"
        CARD_STOLEN = "card_stolen", "Card reported stolen"
        BLOCKED = "blocked", "Blocked"
        EXPIRED = "expired", "Expired"

    # The only identifier that may leave the records: in audit entries, URLs and logs.
    ref = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Personal fields are sealed at rest under the patron's data key (docs/encryption.md);
    # they are found only through the blind indexes below, by exact match.
    card_number = SealedField(max_length=32)
    pin_hash = models.CharField(max_length=200, blank=True, help_text="Argon2 hash; never the PIN.")
    first_name = SealedField(max_length=100)
    last_name = SealedField(max_length=100)
    address = SealedField(blank=True)
    phone = SealedField(max_length=40, blank=True)
    email = SealedField(kind="email", max_length=254, blank=True)
    birth_date = SealedField(kind="date", null=True, blank=True)
    card_index = BlindIndexField(source=("card_index", "card_number"), unique=True)
    name_index = BlindIndexField(source=("name_index", "last_name", "first_name"), db_index=True)
    last_name_index = BlindIndexField(source=("last_name_index", "last_name"), db_index=True)
    home_branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="patrons")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    # The day the card was reported lost or stolen, or the account blocked: the desk's alert
    # says it ("reported stolen on 3 November"). Empty for older records that never kept it.
    status_since = models.DateField(null=True, blank=True)
    # Privacy by default: past loans are kept only when the patron asks for it.
    keeps_reading_history = models.BooleanField(default=False)
    # When the patron last turned reading history on or off (the portal shows it).
    reading_history_changed_at = models.DateTimeField(null=True, blank=True)

    class NoticeChannel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "Text message"
        PHONE = "phone", "Phone message"
        NONE = "none", "No notices"

    # How the patron wants to be told (due soon, overdue, hold ready, a PIN reset).
    notice_channel = models.CharField(
        max_length=8, choices=NoticeChannel.choices, default=NoticeChannel.EMAIL
    )
    # Privacy by default: notices name no titles unless the patron asks for them.
    titles_in_notices = models.BooleanField(default=False)
    # "" = no choice made (the browser's language is used); else a code in LANGUAGES.
    preferred_language = models.CharField(max_length=8, blank=True, default="")
    registered_on = models.DateField()
    expires_on = models.DateField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gte=F("registered_on")),
                name="patron_expiry_after_registration",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=["active", "card_lost", "card_stolen", "blocked", "expired"]
                ),
                name="patron_status_known",
            ),
            models.CheckConstraint(
                condition=Q(status_since__isnull=True) | Q(status_since__gte=F("registered_on")),
                name="patron_status_since_registration",
            ),
            models.CheckConstraint(condition=~Q(card_index=""), name="patron_card_number_present"),
            models.CheckConstraint(
                condition=Q(notice_channel__in=["email", "sms", "phone", "none"]),
                name="patron_notice_channel_known",
            ),
            # A PIN is stored only as an Argon2 hash (argon2-cffi's "$argon2..." or Django's
            # "argon2$..." form); a bare PIN can never land in this column.
            models.CheckConstraint(
                condition=Q(pin_hash="")
                | Q(pin_hash__startswith="$argon2")
                | Q(pin_hash__startswith="argon2$"),
                name="patron_pin_is_a_hash",
            ),
        ]

    def __str__(self) -> str:
        # Deliberately not the name: str() ends up in logs and error pages.
        return f"Patron {self.ref}"


class ResponsibleParty(models.Model):
    """A parent, guardian or caretaker, or anyone who signed to accept financial responsibility."""

    class Relationship(models.TextChoices):
        PARENT = "parent", "Parent"
        GUARDIAN = "guardian", "Legal guardian"
        CARETAKER = "caretaker", "Caretaker"
        OTHER = "other", "Other responsible party"

    patron = models.ForeignKey(Patron, on_delete=models.CASCADE, related_name="responsible_parties")
    name = SealedField(owner="patron.ref", max_length=200)
    relationship = models.CharField(max_length=16, choices=Relationship.choices)
    financially_responsible = models.BooleanField(default=False)
    signed_on = models.DateField(null=True, blank=True)
    phone = SealedField(owner="patron.ref", max_length=40, blank=True)
    # The guardian's own library card, when they have one: links them to this patron in
    # the portal, where they see no more than the profile allows for the child's age.
    guardian_patron = models.ForeignKey(
        Patron,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="wards",
    )

    class Meta:
        verbose_name_plural = "responsible parties"
        constraints = [
            models.CheckConstraint(
                condition=Q(financially_responsible=False) | Q(signed_on__isnull=False),
                name="financial_responsibility_is_signed",
            ),
            models.CheckConstraint(
                condition=Q(relationship__in=["parent", "guardian", "caretaker", "other"]),
                name="responsible_party_relationship_known",
            ),
        ]

    def __str__(self) -> str:
        return f"Responsible party {self.pk} ({self.relationship})"


class Authorization(models.Model):
    """A patron's written authorisation for someone else to see named parts of their record."""

    patron = models.ForeignKey(Patron, on_delete=models.CASCADE, related_name="authorizations")
    agent_name = SealedField(owner="patron.ref", max_length=200)
    fields = models.JSONField(help_text="Contract field names the authorisation covers.")
    signed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Made by the patron in the portal (their own written consent), not on paper at the desk.
    made_in_portal = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("signed_on")),
                name="authorization_expiry_after_signing",
            ),
        ]

    def __str__(self) -> str:
        return f"Authorization {self.pk}"
