"""The one error an endpoint raises on purpose: an HTTP status and a message for the client."""
from __future__ import annotations

from ..errors import NormalizerError


class ApiError(NormalizerError):
    """A request the service refuses (4xx) or cannot answer (5xx), with a message that says what to do.

    The app turns it into ``{"error": message, "status": status}``; nothing else of the server's
    state (no traceback, no path) goes with it.
    """

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(message)


class ServeError(NormalizerError):
    """The service cannot start: the serve extra is missing, or an option has a value it cannot use."""
