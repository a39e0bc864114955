"""Disclosure requests, the cases they open, their review, release and costs.

No patron data lives here: a request names its patron only by the opaque `Patron.ref`
(resolved through the door from the card number, which is never stored). What a release
hands over is built through the door at release time and kept as the package files.

Free text someone types (who asked, the officer, what they said, notes, decisions, to whom
a package went) can still name a person, so it is sealed at rest (SealedField) under the
library's own key (`owner=""`): a case is kept on its own retention schedule (`cases`), not
the patron's, and may outlive the patron's erasure. Codes, choices, clause ids and hashes
stay clear. Never filter or order by a sealed column; the length limits are the forms' and
the API's (disclosure.limits), `max_length` here only documents them.
"""

import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import F, Q

from custodian.disclosure import vocab
from custodian.records.sealed_fields import SealedField


def disclosure_storage():
    """Private storage under the data directory (never served as static/media)."""
    return FileSystemStorage(location=settings.DATA_DIR / "disclosure")


def _choices(mapping):
    return [(k, v) for k, v in mapping.items() if k]


ROLES_ASSIGNABLE = [("branch_manager", "Branch manager"), ("director", "Director")]


class DisclosureRequest(models.Model):
    ref = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    profile = models.CharField(max_length=64)

    requester_kind = models.CharField(max_length=20, choices=_choices(vocab.REQUESTER_KINDS))
    requester_name = SealedField(owner="", max_length=200, blank=True)
    requester_organisation = SealedField(owner="", max_length=200, blank=True)
    financially_responsible = models.BooleanField(default=False)
    officer_name = SealedField(owner="", max_length=200, blank=True)
    officer_badge = SealedField(owner="", max_length=64, blank=True)
    officer_agency = SealedField(owner="", max_length=200, blank=True)
    stated_purpose = SealedField(
        owner="", blank=True, help_text="What the requester says the request is for."
    )
    response_address = SealedField(
        owner="", blank=True, help_text="To whom the library's response goes."
    )

    channel = models.CharField(max_length=16, choices=_choices(vocab.CHANNELS))
    evidence = models.JSONField(default=list, blank=True)
    purpose = models.CharField(max_length=32, blank=True, choices=_choices(vocab.PURPOSES))

    # The patron concerned: the opaque reference only. Never the card number or a name.
    patron_ref = models.UUIDField(null=True, blank=True)
    patron_age = models.PositiveSmallIntegerField(null=True, blank=True)

    instrument_type = models.CharField(
        max_length=32, blank=True, choices=_choices(vocab.INSTRUMENT_TYPES)
    )
    instrument_signed_by = models.CharField(
        max_length=20, blank=True, choices=_choices(vocab.SIGNERS)
    )
    instrument_court = models.CharField(max_length=10, blank=True, choices=_choices(vocab.COURTS))
    instrument_scope = models.JSONField(default=list, blank=True)
    instrument_date_from = models.DateField(null=True, blank=True)
    instrument_date_to = models.DateField(null=True, blank=True)
    nondisclosure = models.BooleanField(default=False)
    scan = models.FileField(storage=disclosure_storage, upload_to="scans/%Y/%m/", blank=True)
    scan_content_type = models.CharField(max_length=40, blank=True)

    requested = models.JSONField(default=list)
    decision = models.JSONField()
    outcome = models.CharField(max_length=16, choices=_choices(vocab.OUTCOMES))
    refer_to = models.CharField(max_length=16, blank=True, choices=ROLES_ASSIGNABLE)
    sealed = models.BooleanField(default=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(requester_kind__in=list(vocab.REQUESTER_KINDS)),
                name="disclosure_requester_kind_known",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=list(vocab.CHANNELS)), name="disclosure_channel_known"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=list(vocab.OUTCOMES)), name="disclosure_outcome_known"
            ),
            models.CheckConstraint(
                condition=Q(instrument_type="")
                | Q(instrument_type__in=list(vocab.INSTRUMENT_TYPES)),
                name="disclosure_instrument_type_known",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="refer") | Q(refer_to__in=["branch_manager", "director"]),
                name="disclosure_refer_names_whom",
            ),
            models.CheckConstraint(
                condition=Q(instrument_date_from__isnull=True)
                | Q(instrument_date_to__isnull=True)
                | Q(instrument_date_to__gte=F("instrument_date_from")),
                name="disclosure_date_range_ordered",
            ),
            # A FISA order or any nondisclosure instrument is sealed at intake (the case
            # carries the current state: only the director can unseal it).
            models.CheckConstraint(
                condition=~(Q(nondisclosure=True) | Q(instrument_type="fisa_order"))
                | Q(sealed=True),
                name="disclosure_secrecy_orders_sealed",
            ),
            models.CheckConstraint(
                condition=Q(nondisclosure=False) | ~Q(instrument_type=""),
                name="disclosure_nondisclosure_needs_document",
            ),
        ]

    def __str__(self) -> str:
        return f"Disclosure request {self.ref}"

    @property
    def is_officer(self) -> bool:
        return self.requester_kind in vocab.OFFICER_KINDS

    @property
    def is_custody(self) -> bool:
        return self.instrument_type in vocab.CUSTODY_INSTRUMENTS


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        APPROVED = "approved", "Release approved"
        RELEASED = "released", "Released"
        DECLINED = "declined", "Declined"
        CLOSED = "closed", "Closed"

    class Kind(models.TextChoices):
        REFERRAL = "referral", "Referred request"
        FOLLOW_UP = "follow_up", "Director follow-up"
        CUSTODY = "custody", "Custody document visit"

    ref = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.OneToOneField(DisclosureRequest, on_delete=models.PROTECT, related_name="case")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    assigned_role = models.CharField(max_length=16, choices=ROLES_ASSIGNABLE)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    sealed = models.BooleanField(default=False)
    cost_recovery = models.BooleanField(
        default=False, help_text="The requester bears the library's costs."
    )
    due_on = models.DateField(null=True, blank=True)
    desk_notes = SealedField(owner="", blank=True)
    # The decision that now governs the case: the desk's, then each review's.
    decision = models.JSONField()
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    unsealed_at = models.DateTimeField(null=True, blank=True)
    unsealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unseal_reason = SealedField(owner="", blank=True)

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(assigned_role__in=["branch_manager", "director"]),
                name="case_assigned_role_known",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "approved", "released", "declined", "closed"]),
                name="case_status_known",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["referral", "follow_up", "custody"]), name="case_kind_known"
            ),
            # Sealed cases belong to the director alone.
            models.CheckConstraint(
                condition=Q(sealed=False) | Q(assigned_role="director"),
                name="case_sealed_to_director",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True)
                | Q(status__in=["released", "declined", "closed"]),
                name="case_closed_only_when_done",
            ),
            # Unsealing is an explicit act: who, when and why are all recorded.
            models.CheckConstraint(
                condition=Q(unsealed_at__isnull=True)
                | (Q(sealed=False) & Q(unsealed_by__isnull=False) & ~Q(unseal_reason="")),
                name="case_unsealing_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"Case {self.ref}"

    @property
    def obligations(self) -> list[str]:
        return list(self.decision.get("obligations", []))


class CaseEvent(models.Model):
    """The case timeline: every step, append-only."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=40)
    note = SealedField(owner="", blank=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(kind=""), name="case_event_kind_present")
        ]

    def __str__(self) -> str:
        return f"{self.kind} on case {self.case_id}"

    @property
    def label(self) -> str:
        """The event in words for the timeline (never its code)."""
        return vocab.EVENTS.get(self.kind) or self.kind.replace("_", " ").capitalize()


class ChecklistItem(models.Model):
    """One thing staff must do: a decision obligation, or a step of Sonoma III.C.2 a-i."""

    class Kind(models.TextChoices):
        OBLIGATION = "obligation", "Obligation of the decision"
        OFFICER = "officer", "Officer procedure step"

    request = models.ForeignKey(
        DisclosureRequest, on_delete=models.PROTECT, related_name="checklist"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    code = models.CharField(max_length=40)
    clause = models.CharField(max_length=40, blank=True)
    label = models.TextField()
    read_aloud = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    done = models.BooleanField(default=False)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    note = SealedField(owner="", blank=True)

    class Meta:
        ordering = ["kind", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "kind", "code"], name="one_checklist_item_per_code"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["obligation", "officer"]), name="checklist_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(done=False, done_at__isnull=True, done_by__isnull=True)
                | Q(done=True, done_at__isnull=False, done_by__isnull=False),
                name="checklist_done_has_who_and_when",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.code} of request {self.request_id}"


class Review(models.Model):
    """The legal review of a referred request; the engine decides again with it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reviews")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    by_role = models.CharField(max_length=16, choices=ROLES_ASSIGNABLE)
    instrument_valid = models.BooleanField(null=True)
    counsel_consulted = models.BooleanField(default=False)
    board_consulted = models.BooleanField(default=False)
    emergency_confirmed = models.BooleanField(default=False)
    notes = SealedField(owner="", blank=True)
    decision = models.JSONField()
    outcome = models.CharField(max_length=16, choices=_choices(vocab.OUTCOMES))
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(by_role__in=["branch_manager", "director"]), name="review_by_role_known"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=list(vocab.OUTCOMES)), name="review_outcome_known"
            ),
        ]

    def __str__(self) -> str:
        return f"Review {self.pk} ({self.outcome})"


class WrittenDecision(models.Model):
    """The director's written decision and what supported it (Sonoma III.C.2.i, Jensen 7)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="written_decisions")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    by_role = models.CharField(max_length=16, blank=True)
    disclose = models.BooleanField(help_text="Whether the library heeds the request.")
    # The fields the decision discloses; empty: what the policy engine's answer releases.
    fields = models.JSONField(default=list, blank=True)
    text = SealedField(owner="")
    basis = SealedField(
        owner="", help_text="What information or circumstances supported the decision."
    )
    # Giving more than the engine's answer is the Director's explicit override, with a reason
    # and counsel's review of it (who and on what day).
    override = models.BooleanField(default=False)
    override_reason = SealedField(owner="", blank=True)
    counsel_name = SealedField(owner="", max_length=200, blank=True)
    counsel_reviewed_on = models.DateField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="written_decision_has_text"),
            models.CheckConstraint(condition=~Q(basis=""), name="written_decision_has_basis"),
            models.CheckConstraint(
                condition=Q(override=False)
                | (
                    Q(disclose=True, by_role="director", counsel_reviewed_on__isnull=False)
                    & ~Q(override_reason="")
                    & ~Q(counsel_name="")
                ),
                name="written_decision_override_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"Written decision {self.pk}"


class Release(models.Model):
    """A disclosure package: exactly the released fields, within scope and date range."""

    ref = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="releases")
    fields = models.JSONField()
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)
    handed_to = SealedField(owner="", max_length=300)
    handed_at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    emergency = models.BooleanField(default=False)
    pdf = models.FileField(storage=disclosure_storage, upload_to="packages/%Y/%m/")
    json = models.FileField(storage=disclosure_storage, upload_to="packages/%Y/%m/")
    sha256 = models.CharField(max_length=64, help_text="Of the JSON package.")
    # When whoever handed it over (if not a custodian of records) opened it to do so: once.
    handover_opened_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(handed_to=""), name="release_handed_to_present"),
            models.CheckConstraint(
                condition=Q(date_from__isnull=True)
                | Q(date_to__isnull=True)
                | Q(date_to__gte=F("date_from")),
                name="release_date_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"Disclosure package {self.ref}"


class CostRecord(models.Model):
    """Staff time spent responding, billed to the requester (Westchester 5)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="costs")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    description = SealedField(owner="", max_length=300)
    staff_minutes = models.PositiveIntegerField()
    hourly_rate_cents = models.PositiveIntegerField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(staff_minutes__gt=0), name="cost_minutes_positive"),
            models.CheckConstraint(condition=~Q(description=""), name="cost_description_present"),
        ]

    def __str__(self) -> str:
        return f"{self.staff_minutes} minutes on case {self.case_id}"

    @property
    def amount_cents(self) -> int:
        return round(self.staff_minutes * self.hourly_rate_cents / 60)


class CounselReview(models.Model):
    """Counsel's review after an emergency release (Westchester 6), due by a deadline."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="counsel_review")
    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="+")
    due_by = models.DateTimeField()
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    counsel_name = SealedField(owner="", max_length=200, blank=True)
    conclusion = SealedField(owner="", blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(recorded_at__isnull=True)
                | (Q(recorded_by__isnull=False) & ~Q(counsel_name="") & ~Q(conclusion="")),
                name="counsel_review_recorded_fully",
            ),
        ]

    def __str__(self) -> str:
        return f"Counsel review of case {self.case_id}"
