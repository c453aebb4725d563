"""Tokens and TLS of a `crystalrl serve` started with --token-file, --tls-cert and --tls-key:

- the server speaks HTTPS verified against the test's CA (CRYSTALRL_SERVER_CA, whose certificate
  must name the URL's host, e.g. subjectAltName IP:127.0.0.1), refuses verification against the
  system's CAs only, and answers nothing over plain HTTP on the same port;
- /v1/score, /v1/pipeline and /metrics answer 401 without a token or with a wrong one, with the
  body {"error": "unauthorized...", "field": null} and no token in the body or headers;
- the right token (CRYSTALRL_SERVER_TOKEN) gets 200 on each; /healthz and /readyz need none.

Run: CRYSTALRL_SERVER_URL=https://127.0.0.1:PORT CRYSTALRL_SERVER_TOKEN=... \
     CRYSTALRL_SERVER_CA=ca.pem python -m pytest tls_and_token.py   (or python tls_and_token.py)
"""

import sys

import httpx
import pytest

from server_env import CA, TOKEN, URL, client, wait_ready

SCORE = {"structures": [{"lattice": [[3.61, 0, 0], [0, 3.61, 0], [0, 0, 3.61]], "species": ["Cu"] * 4,
                         "frac_coords": [[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]]}]}
PROTECTED = [("POST", "/v1/score"), ("GET", "/v1/pipeline"), ("GET", "/metrics")]


def call(http, method, path):
    return http.request(method, path, json=SCORE if method == "POST" else None)


@pytest.fixture(scope="module", autouse=True)
def configured():
    assert URL.startswith("https://"), f"CRYSTALRL_SERVER_URL is not HTTPS: {URL}"
    assert TOKEN and CA, "set CRYSTALRL_SERVER_TOKEN and CRYSTALRL_SERVER_CA"
    with client() as http:
        wait_ready(http)


def wrong_tokens():
    changed_last = TOKEN[:-1] + ("a" if TOKEN[-1] != "a" else "b")
    # The last: a valid token followed by 256 more bytes (a length compared modulo 256 lets it in).
    return ["wrong", TOKEN[:-1], TOKEN + "x", changed_last, TOKEN + "x" * 256, TOKEN.upper() if TOKEN.upper() != TOKEN else "X"]


@pytest.mark.parametrize("method,path", PROTECTED)
def test_the_right_token_is_accepted(method, path):
    with client() as http:
        response = call(http, method, path)
        assert response.status_code == 200, response.text


@pytest.mark.parametrize("method,path", PROTECTED)
def test_no_token_or_a_wrong_one_gets_401_saying_nothing_about_tokens(method, path):
    with client(token=None) as http:
        attempts = [call(http, method, path)]
        for header in ["Bearer", f"Basic {TOKEN}", f"{TOKEN}"]:
            attempts.append(http.request(method, path, json=SCORE if method == "POST" else None,
                                         headers={"Authorization": header}))
    for token in wrong_tokens():
        with client(token=token) as http:
            attempts.append(call(http, method, path))
    let_in = [(r.request.headers.get("authorization", "")[:40], len(r.request.headers.get("authorization", "")))
              for r in attempts if r.status_code != 401]
    assert not let_in, f"answered without 401 for (Authorization header, its length): {let_in}"
    for response in attempts:
        assert response.json()["field"] is None
        assert response.json()["error"].startswith("unauthorized")
        assert TOKEN not in response.text
        assert all(TOKEN not in value for value in response.headers.values())


@pytest.mark.parametrize("path,status", [("/healthz", "alive"), ("/readyz", "ready")])
def test_health_needs_no_token(path, status):
    with client(token=None) as http:
        response = http.get(path)
        assert response.status_code == 200 and response.json() == {"status": status}


def test_https_is_verified_against_the_test_ca_only():
    with client(token=None) as http:  # verified against CRYSTALRL_SERVER_CA
        assert http.get("/healthz").status_code == 200
        assert http.get("/healthz").url.scheme == "https"
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(URL + "/healthz", verify=True, timeout=10)


def test_plain_http_on_the_tls_port_gets_no_answer():
    plain = "http://" + URL.removeprefix("https://") + "/healthz"
    try:
        response = httpx.get(plain, timeout=10)
    except httpx.HTTPError:
        return
    assert response.status_code != 200, "the TLS port answered plain HTTP"


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))
