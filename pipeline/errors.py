"""The one exception type the CLI turns into a one-line message and a non-zero exit."""


class MinutesError(Exception):
    """A problem the user can fix: the message names the file and says what to do."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code
