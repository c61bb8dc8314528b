"""The one exception type the CLI turns into a one-line message and a non-zero exit."""

from typing import TypeVar

T = TypeVar("T")


class MinutesError(Exception):
    """A problem the user can fix: the message names the file and says what to do."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def choose(table: dict[str, T], name: str, what: str) -> T:
    """The engine called `name`, or an error that lists the ones there are."""
    try:
        return table[name]
    except KeyError:
        raise MinutesError(f"unknown {what} engine '{name}'. Available: {', '.join(sorted(table))}") from None
