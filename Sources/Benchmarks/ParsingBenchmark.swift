import CrystalCore
import Foundation
import ReferenceOracles

/// Structures per second: the CDVAE CSV reader vs pymatgen's Structure.from_str(cif) on
/// perov_5/val.csv, same file, same run.
let parsingBenchmark = Benchmark(name: "parsing") {
  let url = SharedData.url("perov_5/val.csv")
  var count = 0
  let ours = try medianSeconds(repetitions: 5) { count = try CDVAEDataset.read(url).count }
  let python = try PythonOracle.run(
    """
    import csv, sys, time, warnings
    warnings.filterwarnings("ignore")
    from pymatgen.core import Structure
    cifs = [row["cif"] for row in csv.DictReader(open(sys.argv[1]))]
    start = time.perf_counter()
    for cif in cifs:
        Structure.from_str(cif, fmt="cif")
    print(len(cifs), time.perf_counter() - start)
    """, arguments: [url.path]
  ).split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
  let oursRate = Double(count) / ours
  let pythonRate = python[0] / python[1]
  print(
    String(
      format: "CrystalRL CSV reader: %.0f structures/s (%d structures, whole file)", oursRate, count
    ))
  print(String(format: "pymatgen from_str:    %.0f structures/s (parse loop only)", pythonRate))
  print(String(format: "ratio: %.1fx", oursRate / pythonRate))
}
