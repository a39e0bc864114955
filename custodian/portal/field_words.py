"""The record fields' labels and the proofs' phrases, marked for translation.

The labels live in the policy vocabulary (custodian/policy/vocabulary.py, no Django), and
portal pages pass them through gettext at run time (e.g. looked_words.field), which
makemessages cannot see. Listing them here puts them in the catalogue;
tests/portal/test_translations.py fails if a label is missing from this list.
"""

from django.utils.translation import gettext_noop

FIELD_LABELS = (
    gettext_noop("Whether the person is a patron at all"),
    gettext_noop("Name on the account"),
    gettext_noop("Postal address"),
    gettext_noop("Telephone number"),
    gettext_noop("E-mail address"),
    gettext_noop("Date of birth"),
    gettext_noop("Library card number"),
    gettext_noop("How many items are checked out now"),
    gettext_noop("Due dates of items checked out now"),
    gettext_noop("Titles of items checked out now"),
    gettext_noop("Whether anything is overdue"),
    gettext_noop("How many items are overdue"),
    gettext_noop("Titles of overdue items"),
    gettext_noop("Titles of items marked lost"),
    gettext_noop("How much is owed"),
    gettext_noop("What each charge is for"),
    gettext_noop("Payments made"),
    gettext_noop("How many holds"),
    gettext_noop("Titles on hold"),
    gettext_noop("Past checkouts (opted-in history)"),
    gettext_noop("Program registration and attendance"),
    gettext_noop("Public-computer use"),
    gettext_noop("Meeting-room bookings"),
    gettext_noop("Reference interviews"),
    gettext_noop("Interlibrary loans"),
    gettext_noop("Catalogue and database searches"),
    gettext_noop("Security-camera video and photographs"),
)

# What a requester may be asked to show (vocabulary.EVIDENCE_LABELS; the privacy page).
PROOF_LABELS = (
    gettext_noop("the library card"),
    gettext_noop("the full card number"),
    gettext_noop("photo identification"),
    gettext_noop("the PIN"),
    gettext_noop("the patron's signed authorisation"),
    gettext_noop("the officer's name and badge number"),
)
