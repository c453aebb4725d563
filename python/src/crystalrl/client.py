"""`RewardClient`: scores batches on a list of `crystalrl serve` replicas, with failover.

The failover logic is written once, as a generator that yields the HTTP exchanges (and the
waits) it needs and receives their outcomes; `score` drives it with httpx's blocking client and
`async_score` with its asyncio client.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Generator, Iterable, Sequence

import httpx
import numpy as np

from . import _convert
from .errors import BadRequest, ComponentFailed, PipelineMismatch, Unavailable

log = logging.getLogger("crystalrl")

API = "/v1"
"""The server API this client speaks."""

PROBE_SECONDS = 5.0
"""The longest wait for a ``/readyz`` probe of a replica that failed."""


@dataclass(frozen=True)
class ScoreResult:
    """One scored batch, in the order of the structures sent.

    `rewards` holds the totals (NaN where a structure abstained); `components` and `raw` the
    weighted and raw reward of each component, by label; `metrics` every metric computed
    (``e_above_hull``, ``unique``, ``novel``, ...: one value per structure, or a row per
    structure for metrics of several values); `abstained` the indices whose total is NaN;
    `failures` the components that failed under ``on_error: nan``; `pipeline` the config hash;
    `replica` the URL that answered.
    """

    rewards: np.ndarray
    components: dict[str, np.ndarray]
    raw: dict[str, np.ndarray]
    metrics: dict[str, np.ndarray]
    abstained: np.ndarray
    failures: list[dict[str, str]]
    ids: list[str]
    pipeline: str
    request_id: str | None = None
    replica: str = ""

    def __len__(self) -> int:
        return len(self.rewards)

    @classmethod
    def from_reply(cls, reply: dict[str, Any], replica: str) -> "ScoreResult":
        """The result held by a 200 reply of ``POST /v1/score``."""
        def arrays(key: str) -> dict[str, np.ndarray]:
            return {name: _convert.per_structure(values) for name, values in reply[key].items()}

        return cls(
            rewards=_convert.per_structure(reply["rewards"]),
            components=arrays("components"),
            raw=arrays("raw"),
            metrics=arrays("metrics"),
            abstained=np.array(reply["abstained"], dtype=np.int64),
            failures=list(reply["failures"]),
            ids=list(reply["ids"]),
            pipeline=reply["pipeline"],
            request_id=reply.get("request_id"),
            replica=replica,
        )


@dataclass
class _Replica:
    url: str
    failures: int = 0
    retry_at: float = 0.0
    last_error: str = ""
    pipeline: str | None = None


@dataclass(frozen=True)
class _Send:
    replica: _Replica
    method: str
    path: str
    body: bytes | None = None

    @property
    def is_probe(self) -> bool:
        return self.path == "/readyz"


@dataclass(frozen=True)
class _Wait:
    seconds: float


@dataclass(frozen=True)
class _Outcome:
    status: int = 0
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    error: str = ""


_Exchange = Generator["_Send | _Wait", "_Outcome | None", Any]


class RewardClient:
    """A client of one or more replicas of ``crystalrl serve`` that serve the same pipeline.

    ``urls`` is one base URL or a list of them. ``token`` is sent as a bearer token;
    ``timeout`` (seconds) bounds each request, is sent as the server's deadline, and bounds
    the whole call when it has to wait for a replica to come back; ``retries`` is how many times
    a call may re-send its request after a failure (default: twice per replica); ``backoff`` the
    first pause (seconds) before a failed replica is probed again on ``/readyz``, doubled after
    each further failure up to ``max_backoff``; ``verify`` is httpx's TLS verification.

    A connection error, a timeout, a 503 or a 5xx other than a component failure sends the
    same request to the next healthy replica (safe: a batch's score is a function of the batch).
    A 4xx raises `BadRequest` at once, a component failure `ComponentFailed`, and a call that
    finds every replica failed raises `Unavailable` with each replica's last error. Replicas
    serving different pipelines are refused here, with `PipelineMismatch`.

    Thread-safe; a context manager (``with RewardClient(...) as client``); for asyncio use
    `async_score` and close with `aclose`.
    """

    def __init__(
        self,
        urls: str | Sequence[str],
        token: str | None = None,
        timeout: float = 60.0,
        retries: int | None = None,
        backoff: float = 1.0,
        max_backoff: float = 30.0,
        verify: Any = True,
    ) -> None:
        listed = [urls] if isinstance(urls, str) else list(urls)
        if not listed:
            raise ValueError("RewardClient needs at least one replica URL")
        if timeout <= 0:
            raise ValueError(f"timeout must be positive, not {timeout}")
        self.timeout = float(timeout)
        self.retries = 2 * len(listed) if retries is None else int(retries)
        self.backoff, self.max_backoff = float(backoff), float(max_backoff)
        self._replicas = [_Replica(url.rstrip("/")) for url in listed]
        self._headers = {"Content-Type": "application/json"}
        if token is not None:
            self._headers["Authorization"] = f"Bearer {token}"
        self._verify = verify
        self._lock = threading.Lock()
        self._rotation = itertools.count()
        self._http = httpx.Client(headers=self._headers, timeout=self.timeout, verify=verify)
        self._async_http: httpx.AsyncClient | None = None
        self._async_loop: asyncio.AbstractEventLoop | None = None
        try:
            self.pipeline_hash = self._check_pipelines()
        except BaseException:
            self._http.close()
            raise

    @property
    def urls(self) -> list[str]:
        """The replicas' base URLs."""
        return [replica.url for replica in self._replicas]

    def _check_pipelines(self) -> str:
        served: list[tuple[str, str]] = []
        for replica in self._replicas:
            try:
                response = self._http.get(replica.url + API + "/pipeline")
            except httpx.HTTPError as error:
                self._fail(replica, _describe(error))
                continue
            if response.status_code in (401, 403):
                raise BadRequest(response.status_code, _error_message(response.content), url=replica.url)
            if response.status_code != 200:
                self._fail(replica, f"GET /v1/pipeline answered {response.status_code}")
                continue
            replica.pipeline = _convert.loads(response.content)["pipeline"]
            served.append((replica.url, replica.pipeline))
        if not served:
            raise Unavailable({replica.url: replica.last_error for replica in self._replicas})
        for other in served[1:]:
            if other[1] != served[0][1]:
                raise PipelineMismatch(served[0], other)
        return served[0][1]

    # The failover state machine.

    def _fail(self, replica: _Replica, error: str, retry_after: float = 0.0) -> None:
        with self._lock:
            replica.failures += 1
            pause = min(self.max_backoff, self.backoff * 2 ** (replica.failures - 1))
            pause = max(pause, retry_after)
            replica.retry_at = time.monotonic() + pause
            replica.last_error = error
        log.warning("replica %s failed: %s; skipping it for %.1f s", replica.url, error, pause)

    def _recover(self, replica: _Replica) -> None:
        with self._lock:
            was_failed, replica.failures, replica.retry_at = replica.failures > 0, 0, 0.0
        if was_failed:
            log.info("replica %s is ready again", replica.url)

    def _pick(self, start: int, tried: set[str]) -> tuple[_Replica | None, float]:
        """The next replica to send to, first those not yet tried in this call: a healthy one,
        else one whose back-off is over (to probe). Else None and the earliest end of a
        back-off."""
        now = time.monotonic()
        order = self._replicas[start:] + self._replicas[:start]
        with self._lock:
            for fresh_only in (True, False):
                for replica in order:
                    if (replica.url in tried) == fresh_only:
                        continue
                    if replica.retry_at <= now:
                        return replica, 0.0
            return None, min(replica.retry_at for replica in self._replicas)

    def _exchange(self, method: str, path: str, body: bytes | None = None) -> _Exchange:
        """Sends one request with failover; returns the parsed 200 reply and its replica's URL."""
        deadline = time.monotonic() + self.timeout
        start = next(self._rotation) % len(self._replicas)
        tried: set[str] = set()
        previous: _Replica | None = None
        sends = 0
        while True:
            replica, ready_at = self._pick(start, tried)
            if replica is None:
                if sends > self.retries or ready_at >= deadline:
                    raise Unavailable({r.url: r.last_error for r in self._replicas})
                yield _Wait(max(0.0, ready_at - time.monotonic()))
                continue
            tried.add(replica.url)
            if replica.failures:
                probe = yield _Send(replica, "GET", "/readyz")
                assert probe is not None
                if probe.error or probe.status != 200:
                    self._fail(replica, probe.error or f"/readyz answered {probe.status}",
                               _retry_after(probe))
                    continue
                self._recover(replica)
            if sends > self.retries:
                raise Unavailable({r.url: r.last_error for r in self._replicas})
            if previous is not None and previous is not replica:
                log.warning("failover: sending %s %s to %s after %s failed", method, path,
                            replica.url, previous.url)
            sends += 1
            outcome = yield _Send(replica, method, path, body)
            assert outcome is not None
            failure = self._failure(replica, outcome)
            if failure is None:
                self._recover(replica)
                return _convert.loads(outcome.body), replica.url
            self._fail(replica, failure, _retry_after(outcome))
            previous = replica

    def _failure(self, replica: _Replica, outcome: _Outcome) -> str | None:
        """Why this outcome should go to another replica, None for a success; raises for the
        answers that no replica would answer differently."""
        if outcome.error:
            return outcome.error
        status = outcome.status
        if status == 200:
            served = _convert.loads(outcome.body).get("pipeline")
            if served is not None and served != self.pipeline_hash:
                return f"serves pipeline {served}, not {self.pipeline_hash}"
            return None
        if 400 <= status < 500:
            reply = _error_reply(outcome.body)
            raise BadRequest(status, str(reply.get("error", outcome.body[:200])), reply.get("field"),
                             reply.get("limit"), replica.url)
        reply = _error_reply(outcome.body)
        if status == 500 and reply.get("component"):
            raise ComponentFailed(str(reply["component"]), str(reply.get("error", "")), replica.url)
        return f"{status}: {reply.get('error', outcome.body[:200])}"

    # Drivers.

    def _send(self, send: _Send) -> _Outcome:
        try:
            response = self._http.request(send.method, send.replica.url + send.path, content=send.body,
                                          headers=self._deadline_header(send), timeout=self._timeout(send))
        except httpx.HTTPError as error:
            return _Outcome(error=_describe(error))
        return _Outcome(response.status_code, response.content, dict(response.headers))

    def _run(self, exchange: _Exchange) -> Any:
        step = next(exchange)
        while True:
            if isinstance(step, _Wait):
                time.sleep(step.seconds)
                outcome = None
            else:
                outcome = self._send(step)
            try:
                step = exchange.send(outcome)
            except StopIteration as done:
                return done.value

    async def _async_send(self, send: _Send) -> _Outcome:
        loop = asyncio.get_running_loop()
        if self._async_http is None or self._async_loop is not loop:
            # Connections belong to one event loop: a new loop (asyncio.run again) gets its own.
            self._async_http = httpx.AsyncClient(headers=self._headers, timeout=self.timeout,
                                                 verify=self._verify)
            self._async_loop = loop
        try:
            response = await self._async_http.request(send.method, send.replica.url + send.path,
                                                      content=send.body,
                                                      headers=self._deadline_header(send),
                                                      timeout=self._timeout(send))
        except httpx.HTTPError as error:
            return _Outcome(error=_describe(error))
        return _Outcome(response.status_code, response.content, dict(response.headers))

    async def _async_run(self, exchange: _Exchange) -> Any:
        step = next(exchange)
        while True:
            if isinstance(step, _Wait):
                await asyncio.sleep(step.seconds)
                outcome = None
            else:
                outcome = await self._async_send(step)
            try:
                step = exchange.send(outcome)
            except StopIteration as done:
                return done.value

    def _deadline_header(self, send: _Send) -> dict[str, str]:
        return {"X-Request-Timeout": repr(self.timeout)} if send.path.endswith("/score") else {}

    def _timeout(self, send: _Send) -> float:
        # A probe of a replica that came back needs no more than a few seconds.
        return min(self.timeout, PROBE_SECONDS) if send.is_probe else self.timeout

    # The API.

    @staticmethod
    def _score_body(structures: Iterable[Any], request_id: str | None) -> bytes:
        batch = [_convert.structure_json(item, index) for index, item in enumerate(structures)]
        if not batch:
            raise ValueError("score needs at least one structure")
        body: dict[str, Any] = {"structures": batch}
        if request_id is not None:
            body["request_id"] = request_id
        return _convert.dumps(body)

    def score(self, structures: Iterable[Any], request_id: str | None = None) -> ScoreResult:
        """Scores one batch (a GRPO group, or several): pymatgen Structures, ASE Atoms, CIF
        strings or dicts in the server's JSON form, mixed as you like. Uniqueness and diversity
        are computed within the batch."""
        body = self._score_body(structures, request_id)
        reply, url = self._run(self._exchange("POST", API + "/score", body))
        return ScoreResult.from_reply(reply, url)

    async def async_score(self, structures: Iterable[Any], request_id: str | None = None) -> ScoreResult:
        """`score` for asyncio."""
        body = self._score_body(structures, request_id)
        reply, url = await self._async_run(self._exchange("POST", API + "/score", body))
        return ScoreResult.from_reply(reply, url)

    def pipeline(self) -> dict[str, Any]:
        """``GET /v1/pipeline`` of a healthy replica: the composed reward config (``config``,
        with ``normalize_fn`` and ``eps``), its hash, components, metrics, plugins, energy
        calculator, hull and limits."""
        reply, _ = self._run(self._exchange("GET", API + "/pipeline"))
        return reply

    def ready(self) -> bool:
        """Whether at least one replica answers ``/readyz`` with 200."""
        for replica in self._replicas:
            try:
                if self._http.get(replica.url + "/readyz").status_code == 200:
                    return True
            except httpx.HTTPError:
                continue
        return False

    def close(self) -> None:
        """Closes the blocking connections (`aclose` closes the asyncio ones too)."""
        self._http.close()

    async def aclose(self) -> None:
        """Closes every connection."""
        self.close()
        if self._async_http is not None:
            await self._async_http.aclose()
            self._async_http = None

    def __enter__(self) -> "RewardClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aenter__(self) -> "RewardClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


def _describe(error: httpx.HTTPError) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def _error_reply(body: bytes) -> dict[str, Any]:
    try:
        reply = _convert.loads(body)
    except ValueError:
        return {}
    return reply if isinstance(reply, dict) else {}


def _error_message(body: bytes) -> str:
    return str(_error_reply(body).get("error", body[:200]))


def _retry_after(outcome: _Outcome) -> float:
    value = outcome.headers.get("retry-after", "")
    try:
        return float(value)
    except ValueError:
        return 0.0
