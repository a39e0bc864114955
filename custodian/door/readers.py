"""Who is reading: a staff member in a role, or the patron the record is about."""

from dataclasses import dataclass
from typing import Literal
from uuid import UUID

# What the patron proved when signing in online, in the contract's evidence words.
PATRON_EVIDENCE = frozenset({"library_card", "card_number", "pin"})
# The audit log's role word for a SIP machine acting for the patron at it, or on its own.
MACHINE_ROLE = "sip_machine"


@dataclass(frozen=True, slots=True)
class Reader:
    kind: Literal["staff", "patron"]
    username: str | None = None
    role: str | None = None
    # The staff member's own branch, where their check-outs are counted.
    branch_id: int | None = None
    patron_ref: UUID | None = None
    evidence: tuple[str, ...] = ()
    # A patron at a SIP machine: the machine's account name and purpose (docs/sip2.md).
    machine: str | None = None
    machine_purpose: str | None = None

    @classmethod
    def staff(cls, user) -> "Reader":
        """A signed-in staff member (`accounts.StaffUser`); the role comes from the account."""
        return cls(
            kind="staff",
            username=user.get_username(),
            role=str(user.role),
            branch_id=getattr(user, "branch_id", None),
        )

    @classmethod
    def patron(
        cls, ref: UUID | str, *, evidence: tuple[str, ...] = ("card_number", "pin")
    ) -> "Reader":
        """The patron, reading their own record online.

        `evidence` is what was actually verified at sign-in: online that is the card
        number and the PIN; at a self-check terminal that reads the physical card, pass
        `("library_card",)` (the card in hand: asked as in person). What that proves is
        the profile's `[proofs]`.
        """
        unknown = set(evidence) - PATRON_EVIDENCE
        if unknown or not evidence:
            raise ValueError(f"a patron proves who they are with one of {sorted(PATRON_EVIDENCE)}")
        return cls(kind="patron", patron_ref=UUID(str(ref)), evidence=tuple(evidence))

    @classmethod
    def at_machine(
        cls,
        ref: UUID | str,
        *,
        pin_verified: bool,
        machine: str,
        purpose: str,
        branch_id: int,
    ) -> "Reader":
        """The patron at a SIP machine (a self-check kiosk, a PC-booking system): asked about
        as self-service online, with the card number and, when it was given and verified
        at this connection, the PIN. The door then narrows to the machine's purpose (the
        profile's `[kiosks]`) and audits as "sip:<account>"."""
        evidence = ("card_number", "pin") if pin_verified else ("card_number",)
        return cls(
            kind="patron",
            patron_ref=UUID(str(ref)),
            evidence=evidence,
            branch_id=branch_id,
            machine=machine,
            machine_purpose=purpose,
        )

    @property
    def actor(self) -> str:
        """The name the audit log keeps: a staff username, "sip:<account>" for a machine,
        or just "patron", never a name."""
        if self.machine is not None:
            return f"sip:{self.machine}"
        return self.username if self.kind == "staff" else "patron"

    @property
    def audit_role(self) -> str:
        if self.machine is not None:
            return MACHINE_ROLE
        return self.role if self.kind == "staff" else "patron"
