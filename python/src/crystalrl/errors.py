"""The exceptions of the client: refused batches, failed components, unreachable replicas."""

from __future__ import annotations

from typing import Mapping


class CrystalRLError(Exception):
    """Base class of every error the client raises."""


class BadRequest(CrystalRLError, ValueError):
    """The server refused the request (4xx); never retried.

    `status` is the HTTP status, `field` the field at fault as the server names it
    (``structures[3].frac_coords[1][0]``, or None), `message` its explanation, and `limit` the
    limit exceeded for a 413 (``max-structures``, ...), else None.
    """

    def __init__(self, status: int, message: str, field: str | None = None, limit: str | None = None, url: str = ""):
        self.status, self.message, self.field, self.limit, self.url = status, message, field, limit, url
        where = f" (field {field})" if field else ""
        at = f" from {url}" if url else ""
        super().__init__(f"{status}{at}: {message}{where}")


class ComponentFailed(CrystalRLError):
    """A reward component with ``on_error: fail`` failed on this batch (the server's 500 naming
    `component`). The batch would fail the same way on every replica, so it is not retried."""

    def __init__(self, component: str, message: str, url: str = ""):
        self.component, self.message, self.url = component, message, url
        super().__init__(f"component {component!r} failed on {url}: {message}")


class PipelineMismatch(CrystalRLError, ValueError):
    """Replicas serve different pipelines (their config hashes differ)."""

    def __init__(self, first: tuple[str, str], second: tuple[str, str]):
        self.first, self.second = first, second
        super().__init__(
            f"replicas serve different pipelines: {first[0]} serves {first[1]}, "
            f"{second[0]} serves {second[1]}"
        )


class Unavailable(CrystalRLError, ConnectionError):
    """No replica could answer. `errors` maps each replica's URL to its last error."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        listed = "; ".join(f"{url}: {error}" for url, error in self.errors.items())
        super().__init__(f"no replica could score the batch: {listed}")
