"""Scores every .cif file of a folder as one batch and prints a table: file, total, each
component's weighted reward, and the metrics computed.

    python score_folder.py FOLDER [OVERRIDE ...]          # starts a server of its own
    python score_folder.py FOLDER --url http://host:8000  # or uses running replicas
"""

import argparse
from pathlib import Path

import crystalrl


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("overrides", nargs="*", help="pipeline overrides, e.g. custom_reward=validity")
    parser.add_argument("--url", action="append", help="a running replica (repeatable)")
    args = parser.parse_args()

    files = sorted(args.folder.glob("*.cif"))
    if not files:
        raise SystemExit(f"no .cif files in {args.folder}")
    cifs = [path.read_text() for path in files]

    if args.url:
        if args.overrides:
            raise SystemExit("overrides configure a server of our own; with --url the server decides")
        connection = crystalrl.RewardClient(args.url)
    else:
        connection = crystalrl.serve_local(*args.overrides)
    with connection as client:
        result = client.score(cifs)

    labels = list(result.components)
    print("file".ljust(16) + "total".rjust(12) + "".join(label.rjust(24) for label in labels))
    for index, path in enumerate(files):
        row = [result.rewards[index]] + [result.components[label][index] for label in labels]
        print(path.name.ljust(16) + f"{row[0]:12.6f}" + "".join(f"{value:24.6f}" for value in row[1:]))
    print(f"metrics: {', '.join(sorted(result.metrics)) or 'none'}")


if __name__ == "__main__":
    main()
