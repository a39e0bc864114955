"""The two ways the engine says no before it decides anything."""


class RequestError(ValueError):
    """A request the engine cannot answer: bad shape, unknown profile, unknown field.

    The message is one line naming the problem, fit to print at a terminal.
    """


class ProfileError(ValueError):
    """A profile folder that cannot be loaded; the message names the file and the line."""

    def __init__(self, message: str, *, path=None, line: int | None = None):
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line else f"{path}: "
        super().__init__(f"{where}{message}")
        self.path = path
        self.line = line
