"""schemathesis against openapi.yaml and a running `crystalrl serve`, for a bounded number of
examples: valid requests (generated from the schemas) and invalid ones (schemathesis's negative
mode) to all five operations. Passes when no response is a 5xx (not_a_server_error) and every
response has a documented status (status_code_conformance), body (response_schema_conformance),
content type (content_type_conformance) and headers (response_headers_conformance: Retry-After
on 503).

The only 5xx allowed are the documented 503 (queue full) and 504: a generated `timeout` or
X-Request-Timeout of 5e-324 seconds is valid and rightly expires before the batch is scored.
A 500 fails.

Generation is made cheap and repeatable: at most 30 examples per operation, one worker,
deterministic generation (no example database), and a copy of the spec whose batches have at most
4 structures of at most 6 atoms (the real limits are server flags, documented in openapi.yaml).

Run: CRYSTALRL_SERVER_URL=http://127.0.0.1:PORT python -m pytest schemathesis_run.py
(or `python schemathesis_run.py`); CRYSTALRL_SERVER_TOKEN and CRYSTALRL_SERVER_CA as in server_env.py.
"""

import pathlib
import subprocess
import sys
import tempfile

import pytest
import yaml

from server_env import CA, TOKEN, URL, client, wait_ready

SPEC = pathlib.Path(__file__).resolve().parents[3] / "openapi.yaml"
CHECKS = ["not_a_server_error", "status_code_conformance", "response_schema_conformance",
          "content_type_conformance", "response_headers_conformance"]


def small_batches_spec(directory):
    """openapi.yaml with maxItems on the batch and on each structure's atoms, written to `directory`."""
    spec = yaml.safe_load(SPEC.read_text())
    schemas = spec["components"]["schemas"]
    schemas["ScoreRequest"]["properties"]["structures"]["maxItems"] = 4
    for key in ("species", "frac_coords"):
        schemas["ExplicitStructure"]["properties"][key]["maxItems"] = 6
    path = pathlib.Path(directory) / "openapi.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


CONFIG = """
[checks.not_a_server_error]
expected-statuses = ["2xx", "3xx", "4xx", "503", "504"]
"""


def test_schemathesis_finds_no_server_error_and_no_departure_from_the_spec():
    with client() as http:
        wait_ready(http)
    with tempfile.TemporaryDirectory() as directory:
        config = pathlib.Path(directory) / "schemathesis.toml"
        config.write_text(CONFIG)
        command = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "run",
                   str(small_batches_spec(directory)),
                   "--url", URL, "--checks", ",".join(CHECKS), "--phases", "examples,coverage,fuzzing",
                   "--mode", "all", "--max-examples", "30", "--workers", "1", "--generation-deterministic",
                   "--request-timeout", "60", "--no-color"]
        if TOKEN:
            command += ["--header", f"Authorization: Bearer {TOKEN}"]
        if CA:
            command += ["--tls-verify", CA]
        run = subprocess.run(command, cwd=directory, timeout=900)
    assert run.returncode == 0, f"schemathesis exited {run.returncode}: see its report above"


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))
