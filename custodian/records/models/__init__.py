from custodian.records.models.circulation import (
    Charge,
    CirculationCount,
    Hold,
    Item,
    Loan,
    PastLoan,
    Payment,
)
from custodian.records.models.keys import DataKey
from custodian.records.models.patrons import Authorization, Branch, Patron, ResponsibleParty
from custodian.records.models.services import (
    CameraFootage,
    ComputerSession,
    InterlibraryLoanRequest,
    Program,
    ProgramRegistration,
    ReferenceInterview,
    Room,
    RoomBooking,
    SearchRecord,
)

__all__ = [
    "Authorization",
    "Branch",
    "CameraFootage",
    "Charge",
    "CirculationCount",
    "ComputerSession",
    "DataKey",
    "Hold",
    "InterlibraryLoanRequest",
    "Item",
    "Loan",
    "PastLoan",
    "Patron",
    "Payment",
    "Program",
    "ProgramRegistration",
    "ReferenceInterview",
    "ResponsibleParty",
    "Room",
    "RoomBooking",
    "SearchRecord",
]
