"""A stand-in energy worker for tests: energy = -1 eV per atom, except
Z=92 in a structure makes the worker crash, Z=93 makes it hang, Z=94 gives null.
With argument 'refuse' it greets with an error; with 'garbage' it answers nonsense."""
import json
import sys
import time

mode = sys.argv[1] if len(sys.argv) > 1 else "ok"
if mode == "refuse":
    print(json.dumps({"error": "missing Python package (No module named 'chgnet')"}), flush=True)
    sys.exit(1)
print(json.dumps({"ready": True, "model": "fake"}), flush=True)
for line in sys.stdin:
    if mode == "garbage":
        print("not json", flush=True)
        continue
    request = json.loads(line)
    energies = []
    for s in request["structures"]:
        if 92 in s["numbers"]:
            print("simulated crash", file=sys.stderr, flush=True)
            sys.exit(3)
        if 93 in s["numbers"]:
            time.sleep(3600)
        energies.append(None if 94 in s["numbers"] else -1.0 * len(s["numbers"]))
    print(json.dumps({"energies": energies}), flush=True)
