"""Structures as the server's JSON form, and the server's JSON replies as exact floats."""

from __future__ import annotations

import json
import math
from typing import Any, Mapping

import numpy as np


def structure_json(item: Any, index: int) -> dict[str, Any]:
    """One structure of a request: a dict in the server's form (passed through), CIF text, a
    pymatgen ``Structure``/``IStructure`` or an ASE ``Atoms``. Raises TypeError or ValueError
    naming ``structures[index]`` otherwise."""
    where = f"structures[{index}]"
    if isinstance(item, Mapping):
        for key in ("lattice", "frac_coords"):
            try:
                values = np.asarray(item.get(key, []), dtype=float)
            except (TypeError, ValueError):
                continue  # not numbers: the server names the field
            if not np.isfinite(values).all():
                raise ValueError(f"{where}.{key}: not finite (JSON cannot carry NaN or infinity)")
        return dict(item)
    if isinstance(item, str):
        return {"cif": item}
    if hasattr(item, "lattice") and hasattr(item, "frac_coords") and hasattr(item, "species"):
        return _pymatgen_json(item, where)
    if hasattr(item, "get_scaled_positions") and hasattr(item, "get_chemical_symbols"):
        lattice = np.asarray(item.cell[:], dtype=float)
        coords = np.asarray(item.get_scaled_positions(wrap=False), dtype=float)
        return _explicit(lattice, list(item.get_chemical_symbols()), coords, where)
    raise TypeError(
        f"{where}: a {type(item).__name__} is not a structure; pass pymatgen Structures, ASE "
        "Atoms, CIF strings or dicts with lattice, species and frac_coords (or cif)"
    )


def _pymatgen_json(structure: Any, where: str) -> dict[str, Any]:
    if not structure.is_ordered:
        raise ValueError(f"{where}: a disordered structure (partial occupancies) cannot be scored")
    symbols = []
    for site_index, specie in enumerate(structure.species):
        element = getattr(specie, "element", specie)
        if getattr(element, "Z", 0) < 1:
            raise ValueError(f"{where}.species[{site_index}]: {specie!r} is not an element")
        symbols.append(element.symbol)
    return _explicit(np.asarray(structure.lattice.matrix, dtype=float), symbols,
                     np.asarray(structure.frac_coords, dtype=float), where)


def _explicit(lattice: np.ndarray, species: list[str], coords: np.ndarray, where: str) -> dict[str, Any]:
    if not np.isfinite(lattice).all():
        raise ValueError(f"{where}.lattice: not finite (JSON cannot carry NaN or infinity)")
    if not np.isfinite(coords).all():
        raise ValueError(f"{where}.frac_coords: not finite (JSON cannot carry NaN or infinity)")
    return {"lattice": lattice.tolist(), "species": species, "frac_coords": coords.tolist()}


def _integer(text: str) -> int | float:
    # "-0" is a float (negative zero) the server wrote; int("-0") would drop its sign.
    return -0.0 if text == "-0" else int(text)


def loads(text: str | bytes) -> Any:
    """Parses a reply: floats exactly as written (shortest round-trip digits give the very
    double the server computed), negative zero kept."""
    return json.loads(text, parse_int=_integer)


def dumps(body: Any) -> bytes:
    """Encodes a request: floats by their round-trip repr, non-finite numbers refused."""
    return json.dumps(body, allow_nan=False, separators=(",", ":")).encode()


def per_structure(values: list[Any]) -> np.ndarray:
    """A list of numbers or nulls (or of lists of them, for metrics of width > 1) as float64,
    NaN for null."""
    if any(isinstance(value, list) for value in values):
        width = max(len(value) if isinstance(value, list) else 1 for value in values)
        rows = [value if isinstance(value, list) else [value] * width for value in values]
        return np.array([[math.nan if v is None else float(v) for v in row] + [math.nan] * (width - len(row))
                         for row in rows], dtype=np.float64)
    return np.array([math.nan if value is None else float(value) for value in values], dtype=np.float64)
