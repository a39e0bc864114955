"""What can go wrong at the door. Messages are fit for the desk: no names, no card numbers."""


class DoorError(Exception):
    message = "The request could not be completed."

    def __init__(self, message: str | None = None):
        self.message = message or self.message
        super().__init__(self.message)


class PatronNotFound(DoorError):
    message = "No patron account matches."


class ItemNotFound(DoorError):
    message = "No item has that barcode."


class Refused(DoorError):
    """The library's policy (or the reader's need to know) does not allow this. Audited."""

    message = "Your role does not allow this."

    def __init__(self, ruling, message: str | None = None):
        self.ruling = ruling
        super().__init__(message or ruling.explanation or self.message)


class ActionFailed(DoorError):
    """A circulation rule refused the action (item already out, limit reached, ...)."""
