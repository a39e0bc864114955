"""Records of library services: programs, computers, rooms, reference, ILL, searches, cameras."""

from django.db import models
from django.db.models import F, Q

from custodian.records.models.patrons import Branch, Patron
from custodian.records.sealed_fields import SealedField


class Program(models.Model):
    title = models.CharField(max_length=300)
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="programs")
    starts_at = models.DateTimeField()
    capacity = models.PositiveIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return self.title


class ProgramRegistration(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="registrations")
    patron = models.ForeignKey(
        Patron, on_delete=models.CASCADE, related_name="program_registrations"
    )
    registered_at = models.DateTimeField()
    attended = models.BooleanField(
        null=True, help_text="Unknown until the program has taken place."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "patron"], name="one_registration_per_program"
            ),
        ]

    def __str__(self) -> str:
        return f"Program registration {self.pk}"


class ComputerSession(models.Model):
    """A public-computer sign-on: by card, or by guest pass with no patron at all."""

    patron = models.ForeignKey(
        Patron, null=True, blank=True, on_delete=models.CASCADE, related_name="computer_sessions"
    )
    guest_pass = models.CharField(max_length=32, blank=True)
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    workstation = models.CharField(max_length=32)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="computer_session_ends_after_start",
            ),
            # An open session has a user; an ended one may have been made anonymous by the
            # retention run (computer_sessions_days).
            models.CheckConstraint(
                condition=Q(patron__isnull=False) | ~Q(guest_pass="") | Q(ended_at__isnull=False),
                name="computer_session_has_user",
            ),
            # One person at a workstation at a time.
            models.UniqueConstraint(
                fields=["branch", "workstation"],
                condition=Q(ended_at__isnull=True),
                name="one_open_session_per_workstation",
            ),
        ]

    def __str__(self) -> str:
        return f"Computer session {self.pk} at {self.workstation}"


class Room(models.Model):
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(max_length=100)
    capacity = models.PositiveIntegerField(default=10)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["branch", "name"], name="room_name_unique_in_branch")
        ]

    def __str__(self) -> str:
        return self.name


class RoomBooking(models.Model):
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="bookings")
    # NULL once the booking has ended and the retention run has passed it: the room's use
    # stays for statistics and the overlap guard, the link to the patron does not.
    patron = models.ForeignKey(
        Patron, null=True, blank=True, on_delete=models.CASCADE, related_name="room_bookings"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    attendees = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="booking_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(attendees__gte=1), name="booking_has_attendees"),
        ]
        # Overlapping bookings of one room are refused by the database too, but that guard
        # is not expressible here portably: migration 0003 adds a PostgreSQL exclusion
        # constraint or SQLite triggers. On SQLite, a migration that remakes this table drops
        # the triggers, so such a migration must re-create them (see 0003).

    def __str__(self) -> str:
        return f"Room booking {self.pk}"


class ReferenceInterview(models.Model):
    class Channel(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        PHONE = "phone", "Phone"
        EMAIL = "email", "E-mail"
        CHAT = "chat", "Chat"

    patron = models.ForeignKey(
        Patron, null=True, blank=True, on_delete=models.CASCADE, related_name="reference_interviews"
    )
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField()
    channel = models.CharField(max_length=16, choices=Channel.choices)
    # Free text that can name someone: sealed at rest (docs/encryption.md), under the
    # library's key, not the patron's: a sealed value names its owner, and this row outlives
    # its patron link (kept anonymous for statistics).
    question = SealedField(owner="")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=["in_person", "phone", "email", "chat"]),
                name="reference_channel_known",
            ),
        ]

    def __str__(self) -> str:
        return f"Reference interview {self.pk}"


class InterlibraryLoanRequest(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        SHIPPED = "shipped", "Shipped to us"
        RECEIVED = "received", "Received"
        RETURNED = "returned", "Returned to lender"
        CANCELLED = "cancelled", "Cancelled"

    # NULL once the request is returned or cancelled, unless the patron keeps reading
    # history: the title stays for statistics, the link to the patron does not.
    patron = models.ForeignKey(
        Patron, null=True, blank=True, on_delete=models.CASCADE, related_name="ill_requests"
    )
    title = models.CharField(max_length=500)
    author = models.CharField(max_length=300, blank=True)
    lending_library = models.CharField(max_length=200, blank=True)
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.REQUESTED)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=["requested", "shipped", "received", "returned", "cancelled"]
                ),
                name="ill_status_known",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="ill_title_present"),
            # A request still in progress is someone's; only a closed one may be anonymous.
            models.CheckConstraint(
                condition=Q(status__in=["returned", "cancelled"]) | Q(patron__isnull=False),
                name="open_ill_names_patron",
            ),
        ]

    def __str__(self) -> str:
        return f"Interlibrary loan request {self.pk}"


class SearchRecord(models.Model):
    """A catalogue or licensed-database search, where the library keeps one at all."""

    patron = models.ForeignKey(
        Patron, null=True, blank=True, on_delete=models.CASCADE, related_name="searches"
    )
    database = models.CharField(max_length=100)
    query = SealedField(owner="", max_length=500)  # as the reference question
    searched_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Search record {self.pk}"


class CameraFootage(models.Model):
    """A stretch of security-camera recording, kept until `retain_until` unless held for a case."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    camera = models.CharField(max_length=100)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    retain_until = models.DateField()
    storage_ref = models.CharField(
        max_length=300, help_text="Where the video management system keeps it."
    )
    # Set only when an incident identified someone on the footage.
    identified_patrons = models.ManyToManyField(Patron, blank=True, related_name="camera_footage")

    class Meta:
        verbose_name_plural = "camera footage"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="footage_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"Footage {self.pk} from {self.camera}"
