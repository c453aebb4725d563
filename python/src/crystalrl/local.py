"""`serve_local`: a `crystalrl serve` of one's own on a loopback port, for single-machine use."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from typing import Any, Iterator, Sequence

import httpx

from .client import RewardClient


def find_binary(binary: str | None = None) -> list[str]:
    """The command that runs the server: `binary`, else ``$CRYSTALRL_BINARY``, else
    ``crystalrl-serve`` or ``crystalrl`` (as ``crystalrl serve``) on ``PATH``."""
    candidate = binary or os.environ.get("CRYSTALRL_BINARY") or shutil.which("crystalrl-serve") \
        or shutil.which("crystalrl")
    if not candidate:
        raise FileNotFoundError(
            "no crystalrl server binary: pass binary=..., set CRYSTALRL_BINARY, or put "
            "crystalrl-serve (make serve) or crystalrl on PATH"
        )
    if not (os.path.isfile(candidate) and os.access(candidate, os.X_OK)):
        raise FileNotFoundError(f"{candidate} is not an executable file")
    is_command_line = os.path.basename(candidate) == "crystalrl"
    return [candidate, "serve"] if is_command_line else [candidate]


class LocalServer:
    """A server process started with `start` and stopped, with its plugin and energy workers
    (its whole process group), by `stop`. `url` is its address once started. The server runs
    in `cwd` (default: this process's), which relative paths of the config (``../shared/data``)
    are resolved from."""

    def __init__(self, overrides: Sequence[str] = (), binary: str | None = None, port: int = 0,
                 host: str = "127.0.0.1", options: Sequence[str] = (), startup_timeout: float = 300.0,
                 cwd: str | os.PathLike[str] | None = None):
        self.cwd = cwd
        self.command = find_binary(binary) + ["--host", host, "--port", str(port), *options, *overrides]
        self.startup_timeout = startup_timeout
        self.url = ""
        self.process: subprocess.Popen[bytes] | None = None
        self._errors = tempfile.TemporaryFile()

    def start(self) -> str:
        """Starts the server, waits for its ``listening on`` line and for ``/readyz``; returns
        its URL. Stops it and raises RuntimeError when it exits or is not ready in time."""
        # A session of its own: Ctrl-C in the terminal reaches Python, which stops the server in
        # order, and `stop` can signal the workers with it.
        self.process = subprocess.Popen(self.command, stdout=subprocess.PIPE, stderr=self._errors,
                                        stdin=subprocess.DEVNULL, start_new_session=True, cwd=self.cwd)
        try:
            self.url = self._read_address()
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self.url

    def _read_address(self) -> str:
        assert self.process is not None and self.process.stdout is not None
        found: list[str] = []
        stdout = self.process.stdout

        def read() -> None:
            for line in stdout:
                text = line.decode(errors="replace").strip()
                if text.startswith("listening on ") and not found:
                    found.append(text[len("listening on "):])
            # Drained to the end, so the server never blocks on a full pipe.

        threading.Thread(target=read, daemon=True).start()
        deadline = time.monotonic() + self.startup_timeout
        while not found:
            self._check_starting(deadline, "did not listen")
            time.sleep(0.02)
        return found[0]

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while True:
            try:
                if httpx.get(self.url + "/readyz", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            self._check_starting(deadline, "was not ready")
            time.sleep(0.1)

    def _check_starting(self, deadline: float, failure: str) -> None:
        """Raises RuntimeError, with what the server wrote to standard error, when it has exited
        or `deadline` has passed."""
        assert self.process is not None
        if self.process.poll() is not None:
            raise RuntimeError(f"crystalrl serve exited with status {self.process.returncode}: "
                               f"{self.errors()}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"crystalrl serve {failure} within {self.startup_timeout} s: "
                               f"{self.errors()}")

    def errors(self) -> str:
        """What the server wrote to standard error so far (its last 4000 characters)."""
        self._errors.seek(0)
        return self._errors.read().decode(errors="replace")[-4000:]

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM to the server's process group (it finishes the batches in flight), SIGKILL
        after `grace` seconds; returns once the server has exited. Idempotent."""
        process, self.process = self.process, None
        if process is None:
            return
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, None)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
            try:
                process.wait(wait)
                break
            except subprocess.TimeoutExpired:
                continue
        # The group may still hold workers that outlived the server for an instant.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        if process.stdout is not None:
            process.stdout.close()
        self._errors.close()


@contextlib.contextmanager
def serve_local(*overrides: str, binary: str | None = None, port: int = 0, options: Sequence[str] = (),
                startup_timeout: float = 300.0, cwd: str | os.PathLike[str] | None = None,
                **client_options: Any) -> Iterator[RewardClient]:
    """Starts ``crystalrl serve OVERRIDES`` on a free loopback port, waits until it is ready,
    and yields a `RewardClient` connected to it (`client_options` go to the client); on exit,
    also on an exception or Ctrl-C, stops the server and its workers.

    ``options`` are server flags such as ``["--max-concurrency", "4"]``; `cwd` the server's
    working directory. The binary is
    `binary`, else ``$CRYSTALRL_BINARY``, else ``crystalrl-serve`` or ``crystalrl`` on PATH.

        with crystalrl.serve_local("custom_reward=validity") as client:
            print(client.score(structures).rewards)
    """
    server = LocalServer(overrides, binary=binary, port=port, options=options,
                         startup_timeout=startup_timeout, cwd=cwd)
    try:
        url = server.start()
        with RewardClient(url, **client_options) as client:
            yield client
    finally:
        server.stop()
