"""A Python client's view of a running `crystalrl serve` with the default config (the atomic
density reward, N/V), checked against openapi.yaml and the contract:

- a batch given as JSON (lattice, species as symbols and atomic numbers, frac_coords) and the
  same batch as CIF text (rock salt NaCl by its symmetry operations, cubic SrTiO3, wurtzite ZnO)
  score with the documented reply shape: keys, one value per structure in every list, null
  never NaN, `abstained` matching the null totals, the pipeline hash of GET /v1/pipeline, raw
  rewards equal to N/V, and equal totals for JSON and CIF;
- every bad input (malformed JSON, wrong types, unknown keys, an empty batch, no atoms, length
  mismatches, unknown elements, numbers a double cannot hold such as 1e400, singular lattices,
  CIFs that do not parse, ids that are not strings) gets 400 with the exact `field` (a numeric
  id too large for an integer may also be taken as an id, but must not crash the server), each limit gets 413 naming it, and
  after each of them the valid batch still scores to the same totals; so does an
  X-Request-Timeout header that is not a positive number (field "X-Request-Timeout");
- a rejected batch counts only as an error in /metrics.

Run: CRYSTALRL_SERVER_URL=http://127.0.0.1:PORT python -m pytest client_checks.py
(or `python client_checks.py`); CRYSTALRL_SERVER_TOKEN and CRYSTALRL_SERVER_CA as in server_env.py.
"""

import copy
import json
import math
import re
import sys

import pytest

from server_env import client, wait_ready

A_NACL, A_SRTIO3, A_ZNO, C_ZNO = 5.64, 3.905, 3.25, 5.21
HEX_B = [A_ZNO * math.cos(math.radians(120)), A_ZNO * math.sin(math.radians(120)), 0.0]

NACL = {
    "lattice": [[A_NACL, 0, 0], [0, A_NACL, 0], [0, 0, A_NACL]],
    "species": ["Na", 11, "Na", 11, "Cl", 17, "Cl", 17],
    "frac_coords": [[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0],
                    [0.5, 0, 0], [0, 0.5, 0], [0, 0, 0.5], [0.5, 0.5, 0.5]],
    "id": "nacl",
}
SRTIO3 = {
    "lattice": [[A_SRTIO3, 0, 0], [0, A_SRTIO3, 0], [0, 0, A_SRTIO3]],
    "species": ["Sr", 22, "O", "O", 8],
    "frac_coords": [[0, 0, 0], [0.5, 0.5, 0.5], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]],
    "id": "srtio3",
}
ZNO = {
    "lattice": [[A_ZNO, 0, 0], HEX_B, [0, 0, C_ZNO]],
    "species": ["Zn", "Zn", "O", "O"],
    "frac_coords": [[1 / 3, 2 / 3, 0], [2 / 3, 1 / 3, 0.5], [1 / 3, 2 / 3, 0.382], [2 / 3, 1 / 3, 0.882]],
    "id": "zno",
}
# N / V of each, in atoms per cubic Angstrom.
DENSITIES = [8 / A_NACL**3, 5 / A_SRTIO3**3, 4 / (A_ZNO * A_ZNO * math.sin(math.radians(120)) * C_ZNO)]

NACL_CIF = """data_NaCl
_symmetry_space_group_name_H-M 'F m -3 m'
_cell_length_a 5.64
_cell_length_b 5.64
_cell_length_c 5.64
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
loop_
_symmetry_equiv_pos_as_xyz
'x, y, z'
'x, y+1/2, z+1/2'
'x+1/2, y, z+1/2'
'x+1/2, y+1/2, z'
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Na1 Na 0.0 0.0 0.0
Cl1 Cl 0.5 0.5 0.5
"""
SRTIO3_CIF = """data_SrTiO3
_symmetry_space_group_name_H-M 'P 1'
_cell_length_a 3.905
_cell_length_b 3.905
_cell_length_c 3.905
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Sr1 Sr 0.0 0.0 0.0
Ti1 Ti 0.5 0.5 0.5
O1 O 0.5 0.5 0.0
O2 O 0.5 0.0 0.5
O3 O 0.0 0.5 0.5
"""
ZNO_CIF = """data_ZnO
_symmetry_space_group_name_H-M 'P 1'
_cell_length_a 3.25
_cell_length_b 3.25
_cell_length_c 5.21
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 120
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Zn1 Zn 0.333333333333 0.666666666667 0.0
Zn2 Zn 0.666666666667 0.333333333333 0.5
O1 O 0.333333333333 0.666666666667 0.382
O2 O 0.666666666667 0.333333333333 0.882
"""

REPLY_KEYS = {"request_id", "pipeline", "ids", "rewards", "components", "raw", "metrics",
              "abstained", "failures"}
VALID = {"structures": [NACL, SRTIO3, ZNO], "request_id": "json-batch"}


@pytest.fixture(scope="module")
def http():
    with client() as c:
        wait_ready(c)
        yield c


@pytest.fixture(scope="module")
def baseline(http):
    """The reply to the valid JSON batch, which every later score of it must equal."""
    response = http.post("/v1/score", json=VALID)
    assert response.status_code == 200, response.text
    return response.json()


def is_number_or_null(value):
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)
                             and math.isfinite(value))


def check_reply(reply, count):
    """The shape of a 200 reply for a batch of `count` structures."""
    assert set(reply) <= REPLY_KEYS and set(reply) >= REPLY_KEYS - {"request_id"}, sorted(reply)
    assert re.fullmatch(r"[0-9a-f]{16}", reply["pipeline"]), reply["pipeline"]
    assert len(reply["ids"]) == count and all(isinstance(i, str) for i in reply["ids"])
    assert len(reply["rewards"]) == count and all(map(is_number_or_null, reply["rewards"]))
    for table in ("components", "raw"):
        for label, values in reply[table].items():
            assert len(values) == count and all(map(is_number_or_null, values)), (table, label)
    for name, values in reply["metrics"].items():
        assert len(values) == count, name
        for value in values:
            assert is_number_or_null(value) or (
                isinstance(value, list) and all(map(is_number_or_null, value))), (name, value)
    assert reply["abstained"] == [i for i, r in enumerate(reply["rewards"]) if r is None]
    assert isinstance(reply["failures"], list)


def test_json_batch(http, baseline):
    response = http.post("/v1/score", json=VALID)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert not re.search(r"\bNaN\b|Infinity", response.text), response.text
    reply = response.json()
    check_reply(reply, 3)
    assert reply["request_id"] == "json-batch"
    assert reply["ids"] == ["nacl", "srtio3", "zno"]
    assert reply["pipeline"] == http.get("/v1/pipeline").json()["pipeline"]
    assert reply["raw"]["atomic_density"] == pytest.approx(DENSITIES, rel=1e-9)
    assert reply["components"]["atomic_density"] == pytest.approx(DENSITIES, rel=1e-9)
    assert reply["abstained"] == [] and reply["failures"] == []
    assert reply["rewards"] == baseline["rewards"]


def test_cif_batch(http, baseline):
    cifs = [{"cif": text} for text in (NACL_CIF, SRTIO3_CIF, ZNO_CIF)]
    response = http.post("/v1/score", json={"structures": cifs})
    assert response.status_code == 200, response.text
    reply = response.json()
    check_reply(reply, 3)
    assert "request_id" not in reply
    # Without an id, a CIF's structure is named by its data block, as `crystalrl reward` names it.
    assert reply["ids"] == ["NaCl", "SrTiO3", "ZnO"]
    assert reply["raw"]["atomic_density"] == pytest.approx(DENSITIES, rel=1e-9)
    assert reply["rewards"] == pytest.approx(baseline["rewards"], rel=1e-9, abs=1e-12)


def test_mixed_batch_with_ids(http, baseline):
    structures = [{"cif": NACL_CIF, "id": "nacl-cif"}, SRTIO3, {"cif": ZNO_CIF, "id": "zno-cif"}]
    reply = http.post("/v1/score", json={"structures": structures}).json()
    check_reply(reply, 3)
    assert reply["ids"] == ["nacl-cif", "srtio3", "zno-cif"]
    assert reply["rewards"] == pytest.approx(baseline["rewards"], rel=1e-9, abs=1e-12)


def test_pipeline_and_health(http):
    pipeline = http.get("/v1/pipeline").json()
    assert [c["label"] for c in pipeline["components"]] == ["atomic_density"]
    assert set(pipeline["limits"]) == {"max_concurrency", "max_queue", "max_request_seconds",
                                       "max_body_bytes", "max_structures", "max_atoms"}
    assert http.get("/healthz").json() == {"status": "alive"}
    assert http.get("/readyz").json() == {"status": "ready"}


MARK = "@@number@@"


def edited(edit, token=None):
    """The valid batch with `edit` applied to a deep copy; with `token`, the string MARK placed
    by `edit` becomes that bare token (1e400, NaN) in the JSON text."""
    body = copy.deepcopy(VALID)
    edit(body)
    text = json.dumps(body)
    return text.replace(json.dumps(MARK), token) if token else text


def second(**changes):
    """An edit that updates structures[1] (None deletes a key)."""
    def edit(body):
        for key, value in changes.items():
            if value is None:
                body["structures"][1].pop(key)
            else:
                body["structures"][1][key] = value
    return edit


def put(path, value):
    """An edit that sets the element at `path` (keys and indices) to `value`."""
    def edit(body):
        target = body
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    return edit


COORD = ["structures", 1, "frac_coords", 0, 2]
BAD_INPUTS = [  # (name, body text, field)
    ("not JSON", '{"structures": [', None),
    ("bare NaN token", edited(put(COORD, MARK), "NaN"), None),
    ("bare Infinity token", edited(put(COORD, MARK), "Infinity"), None),
    ("body an array", "[]", None),
    ("structures missing", "{}", "structures"),
    ("structures an object", json.dumps({"structures": NACL}), "structures"),
    ("empty batch", json.dumps({"structures": []}), "structures"),
    ("structure a string", edited(put(["structures", 1], "NaCl")), "structures[1]"),
    ("unknown top-level key", edited(put(["requestid"], "x")), "requestid"),
    ("unknown structure key", edited(second(spins=[0, 0, 0, 0, 0])), "structures[1].spins"),
    ("id a boolean", edited(second(id=True)), "structures[1].id"),
    ("id a fraction", edited(second(id=2.5)), "structures[1].id"),
    ("request_id a number", edited(put(["request_id"], 7)), "request_id"),
    ("timeout zero", edited(put(["timeout"], 0)), "timeout"),
    ("timeout a string", edited(put(["timeout"], "10")), "timeout"),
    ("lattice of 2 rows", edited(second(lattice=[[4, 0, 0], [0, 4, 0]])), "structures[1].lattice"),
    ("lattice row of 2", edited(put(["structures", 1, "lattice", 2], [0, 4])), "structures[1].lattice[2]"),
    ("lattice a string", edited(second(lattice="cubic")), "structures[1].lattice"),
    ("coordinate a string", edited(put(COORD, "0.5")), "structures[1].frac_coords[0][2]"),
    ("coordinate null", edited(put(COORD, None)), "structures[1].frac_coords[0][2]"),
    ("coordinate true", edited(put(COORD, True)), "structures[1].frac_coords[0][2]"),
    ("frac_coords a number", edited(second(frac_coords=5)), "structures[1].frac_coords"),
    ("frac_coords missing", edited(second(frac_coords=None)), "structures[1].frac_coords"),
    ("species a string", edited(second(species="SrTiO3")), "structures[1].species"),
    ("species entry a boolean", edited(put(["structures", 1, "species", 0], True)), "structures[1].species[0]"),
    ("no atoms", edited(second(species=[], frac_coords=[])), "structures[1].species"),
    ("fewer coordinates than species", edited(put(["structures", 1, "frac_coords"], SRTIO3["frac_coords"][:4])),
     "structures[1].frac_coords"),
    ("more coordinates than species", edited(put(["structures", 1, "species"], SRTIO3["species"][:4])),
     "structures[1].frac_coords"),
    ("unknown element symbol", edited(put(["structures", 1, "species", 2], "Xx")), "structures[1].species[2]"),
    ("lowercase symbol", edited(put(["structures", 1, "species", 2], "o")), "structures[1].species[2]"),
    ("atomic number 0", edited(put(["structures", 1, "species", 2], 0)), "structures[1].species[2]"),
    ("atomic number 104", edited(put(["structures", 1, "species", 2], 104)), "structures[1].species[2]"),
    ("atomic number 2.5", edited(put(["structures", 1, "species", 2], 2.5)), "structures[1].species[2]"),
    ("coordinate 1e400", edited(put(COORD, MARK), "1e400"), "structures[1].frac_coords[0][2]"),
    ("lattice -1e400", edited(put(["structures", 1, "lattice", 2, 2], MARK), "-1e400"),
     "structures[1].lattice[2][2]"),
    ("singular lattice", edited(second(lattice=[[4, 0, 0], [8, 0, 0], [0, 0, 4]])), "structures[1].lattice"),
    ("zero lattice", edited(second(lattice=[[0, 0, 0], [0, 0, 0], [0, 0, 0]])), "structures[1].lattice"),
    ("CIF that does not parse", edited(put(["structures", 1], {"cif": "this is not a CIF"})), "structures[1].cif"),
    ("empty CIF", edited(put(["structures", 1], {"cif": ""})), "structures[1].cif"),
    ("CIF a number", edited(put(["structures", 1], {"cif": 5})), "structures[1].cif"),
    ("CIF of two structures", edited(put(["structures", 1], {"cif": NACL_CIF + SRTIO3_CIF})), "structures[1].cif"),
    ("CIF beside a lattice", edited(second(cif=SRTIO3_CIF)), "structures[1].lattice"),
]


@pytest.mark.parametrize("body,field", [case[1:] for case in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_names_its_field_and_the_server_keeps_serving(http, baseline, body, field):
    response = http.post("/v1/score", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    error = response.json()
    assert isinstance(error["error"], str) and error["error"], error
    assert "field" in error and error["field"] == field, error
    again = http.post("/v1/score", json=VALID)
    assert again.status_code == 200 and again.json()["rewards"] == baseline["rewards"]


@pytest.mark.parametrize("number", ["1e19", "-1e19", "1e300"])
def test_an_id_too_large_for_an_integer_is_no_crash(http, baseline, number):
    response = http.post("/v1/score", content=edited(put(["structures", 1, "id"], MARK), number))
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        assert response.json()["field"] == "structures[1].id"
    assert http.post("/v1/score", json=VALID).json()["rewards"] == baseline["rewards"]


def test_request_timeout_header(http, baseline):
    ok = http.post("/v1/score", json=VALID, headers={"X-Request-Timeout": "30"})
    assert ok.status_code == 200 and ok.json()["rewards"] == baseline["rewards"]
    for value in ["soon", "0", "-5", "nan"]:
        response = http.post("/v1/score", json=VALID, headers={"X-Request-Timeout": value})
        assert response.status_code == 400 and response.json()["field"] == "X-Request-Timeout", response.text
    assert http.post("/v1/score", json=VALID).json()["rewards"] == baseline["rewards"]


def one_atom(i):
    return {"lattice": [[3, 0, 0], [0, 3, 0], [0, 0, 3]], "species": ["Cu"], "frac_coords": [[0, 0, 0]],
            "id": f"cu{i}"}


def test_limits_answer_413_naming_the_limit(http, baseline):
    limits = http.get("/v1/pipeline").json()["limits"]
    atoms = limits["max_atoms"] + 1
    crowded = {"lattice": [[100, 0, 0], [0, 100, 0], [0, 0, 100]], "species": ["C"] * atoms,
               "frac_coords": [[i / atoms, 0.5, 0.5] for i in range(atoms)]}
    cases = [
        ({"structures": [NACL, crowded]}, "max-atoms", "structures[1]"),
        ({"structures": [one_atom(i) for i in range(limits["max_structures"] + 1)]}, "max-structures", "structures"),
    ]
    for body, limit, field in cases:
        response = http.post("/v1/score", json=body)
        assert response.status_code == 413, response.text[:500]
        error = response.json()
        assert error["limit"] == limit and error["field"] == field and limit in error["error"], error
        assert http.post("/v1/score", json=VALID).json()["rewards"] == baseline["rewards"]
    if limits["max_body_bytes"] > 64 << 20:
        pytest.skip(f"max-body-bytes is {limits['max_body_bytes']}: too large to send here")
    body = json.dumps(VALID).encode()
    padded = body[:-1] + b" " * (limits["max_body_bytes"] + 1 - len(body)) + b"}"
    response = http.post("/v1/score", content=padded, headers={"Content-Type": "application/json"})
    assert response.status_code == 413, response.text[:500]
    assert response.json()["limit"] == "max-body-bytes"
    assert http.post("/v1/score", json=VALID).json()["rewards"] == baseline["rewards"]


def metric(text, name, **labels):
    """The value of the Prometheus sample `name{labels}` in `text` (0 when absent)."""
    for line in text.splitlines():
        match = re.fullmatch(r"(\w+)(?:\{(.*)\})?\s+(\S+)", line.strip())
        if match and match[1] == name:
            found = dict(re.findall(r'(\w+)="([^"]*)"', match[2] or ""))
            if all(found.get(k) == v for k, v in labels.items()):
                return float(match[3])
    return 0.0


def test_a_rejected_batch_counts_only_as_an_error(http, baseline):
    before = http.get("/metrics")
    assert before.status_code == 200 and before.headers["content-type"].startswith("text/plain")
    assert "crystalrl_batch_structures" in before.text
    bad = edited(put(COORD, MARK), "1e400")
    assert http.post("/v1/score", content=bad).status_code == 400
    after = http.get("/metrics").text
    assert metric(after, "crystalrl_requests_total", status="400") == \
        metric(before.text, "crystalrl_requests_total", status="400") + 1
    assert metric(after, "crystalrl_batch_structures_count") == \
        metric(before.text, "crystalrl_batch_structures_count")


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))
