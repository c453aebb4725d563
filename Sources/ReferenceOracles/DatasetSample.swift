import Foundation

/// Python snippets that read the shared datasets with pymatgen, for oracle scripts.
public enum DatasetSample {
  /// Python code defining `load(path, count)`: the first `count` rows of a CDVAE CSV as
  /// (material_id, pymatgen Structure) pairs.
  public static let pythonLoader = """
    import csv, warnings
    warnings.filterwarnings("ignore")
    from pymatgen.core import Structure
    def load(path, count):
        rows = []
        for row in csv.DictReader(open(path)):
            if len(rows) >= count:
                break
            rows.append((row["material_id"], Structure.from_str(row["cif"], fmt="cif")))
        return rows
    """
}
