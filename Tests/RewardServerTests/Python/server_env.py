"""The server under test, as the Swift test that started it describes it in the environment.

CRYSTALRL_SERVER_URL    base URL, e.g. http://127.0.0.1:41234 (required)
CRYSTALRL_SERVER_TOKEN  a bearer token the server accepts (when it runs with --token-file)
CRYSTALRL_SERVER_CA     a CA certificate file to verify HTTPS against (when it runs with TLS)
"""

import os
import ssl
import time

import httpx

URL = os.environ.get("CRYSTALRL_SERVER_URL", "").rstrip("/")
TOKEN = os.environ.get("CRYSTALRL_SERVER_TOKEN") or None
CA = os.environ.get("CRYSTALRL_SERVER_CA") or None

if not URL:
    raise RuntimeError("CRYSTALRL_SERVER_URL is not set: start `crystalrl serve` and export its URL")


def tls_verify():
    """What httpx verifies HTTPS with: the test's CA when given, else the system's."""
    return ssl.create_default_context(cafile=CA) if CA else True


def client(token=TOKEN):
    """An httpx client for the server, sending `token` as a bearer token when it is not None."""
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return httpx.Client(base_url=URL, headers=headers, verify=tls_verify(), timeout=120)


def wait_ready(http, seconds=120):
    """Waits until GET /readyz answers 200; fails after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        response = http.get("/readyz")
        if response.status_code == 200:
            return
        assert response.status_code == 503, f"/readyz answered {response.status_code}: {response.text}"
        assert time.monotonic() < deadline, f"not ready after {seconds} s: {response.text}"
        time.sleep(0.5)
