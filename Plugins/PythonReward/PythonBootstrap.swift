/// The program the Python process runs (`python -c`): loads the user's module and function
/// once, then answers batches on stdin/stdout until stdin closes. The user's own prints go to
/// stderr, so they cannot corrupt the replies.
///
/// Request: a JSON line `{"structures": N, "atoms": A, "metrics": [[NAME, WIDTH], ...]}`, then
/// little-endian arrays: atom offsets (uint64 × N+1), atomic numbers (int32 × A), fractional
/// coordinates (float64 × 3A), lattices (float64 × 9N), then each metric (float64 × N·WIDTH,
/// row after row). The metrics reach the function as keyword arguments: numpy arrays of shape
/// (N,) for width 1 and (N, WIDTH) otherwise, NaN kept (lists without numpy). Reply: `ok N\n` and N float64, or `error LENGTH\n` and the message (a Python
/// error's traceback). The first reply, after loading, is `ok 0\n` or an error.
enum PythonBootstrap {
  static let program = #"""
    import importlib, importlib.util, json, os, struct, sys, traceback
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    requests = sys.stdin.buffer

    def send_error(text):
        data = text.encode("utf-8", "replace")
        replies.write(b"error %d\n" % len(data) + data)
        replies.flush()

    def send_rewards(values):
        replies.write(b"ok %d\n" % len(values) + struct.pack("<%dd" % len(values), *values))
        replies.flush()

    def load(module, function):
        if module.endswith(".py") or "/" in module:
            if not os.path.isfile(module):
                raise ImportError("module file %s does not exist" % module)
            name = os.path.splitext(os.path.basename(module))[0]
            sys.path.insert(0, os.path.dirname(os.path.abspath(module)))
            spec = importlib.util.spec_from_file_location(name, module)
            loaded = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(loaded)
        else:
            loaded = importlib.import_module(module)
        found = getattr(loaded, function, None)
        if not callable(found):
            functions = sorted(n for n, v in vars(loaded).items()
                               if callable(v) and not n.startswith("_"))
            raise AttributeError("module %s has no function '%s'; it has: %s"
                                 % (module, function, ", ".join(functions) or "none"))
        return found

    SYMBOLS = ("H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu "
               "Zn Ga Ge As Se Br Kr Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba "
               "La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi "
               "Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr").split()

    try:
        import numpy
    except ImportError:
        numpy = None
    try:
        from pymatgen.core import Lattice as PymatgenLattice, Structure as PymatgenStructure
    except ImportError:
        PymatgenStructure = None

    class LightStructure:
        """A structure without pymatgen: lattice (3x3, rows a, b, c in Angstrom), species
        (symbols), atomic_numbers, frac_coords (n x 3; numpy arrays when numpy is there),
        volume (A^3); len() is the number of atoms."""
        def __init__(self, rows, numbers, coords):
            self.lattice, self.atomic_numbers, self.frac_coords = rows, numbers, coords
            self.species = [SYMBOLS[z - 1] for z in numbers]
            (a, b, c) = [[float(x) for x in row] for row in rows]
            self.volume = abs(a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0])
                              + a[2] * (b[0] * c[1] - b[1] * c[0]))
        def __len__(self):
            return len(self.atomic_numbers)

    def structure(lattice, numbers, coords):
        rows = [list(lattice[3 * r:3 * r + 3]) for r in range(3)]
        triples = [list(coords[3 * a:3 * a + 3]) for a in range(len(numbers))]
        if PymatgenStructure is not None:
            return PymatgenStructure(PymatgenLattice(rows), [SYMBOLS[z - 1] for z in numbers],
                                     triples)
        if numpy is not None:
            return LightStructure(numpy.array(rows), list(numbers),
                                  numpy.array(triples).reshape(-1, 3))
        return LightStructure(rows, list(numbers), triples)

    def read_bytes(size):
        data = requests.read(size)
        if len(data) != size:
            sys.exit(0)
        return data

    def read(count, code):
        return struct.unpack("<%d%s" % (count, code),
                             read_bytes(struct.calcsize("<%d%s" % (count, code))))

    def read_metric(n, width):
        data = read_bytes(8 * n * width)
        if numpy is not None:
            values = numpy.frombuffer(data, dtype="<f8").astype(numpy.float64)
            return values if width == 1 else values.reshape(n, width)
        values = list(struct.unpack("<%dd" % (n * width), data))
        return values if width == 1 else [values[width * i:width * i + width] for i in range(n)]

    try:
        compute = load(sys.argv[1], sys.argv[2])
        params = json.loads(sys.argv[3])
    except BaseException:
        send_error(traceback.format_exc())
        sys.exit(0)
    send_rewards([])
    while True:
        line = requests.readline()
        if not line:
            break
        header = json.loads(line)
        n, atoms = header["structures"], header["atoms"]
        offsets, numbers = read(n + 1, "Q"), read(atoms, "i")
        coords, lattices = read(3 * atoms, "d"), read(9 * n, "d")
        metrics = {name: read_metric(n, width) for name, width in header.get("metrics", [])}
        try:
            clashes = sorted(set(metrics) & set(params))
            if clashes:
                raise ValueError("params %s clash with required_metrics of the same name"
                                 % ", ".join(clashes))
            structures = [structure(lattices[9 * i:9 * i + 9], numbers[offsets[i]:offsets[i + 1]],
                                    coords[3 * offsets[i]:3 * offsets[i + 1]]) for i in range(n)]
            values = [float(v) for v in compute(structures, **params, **metrics)]
            if len(values) != n:
                raise ValueError("%s returned %d values for %d structures"
                                 % (sys.argv[2], len(values), n))
        except BaseException:
            send_error(traceback.format_exc())
            continue
        send_rewards(values)
    """#
}
