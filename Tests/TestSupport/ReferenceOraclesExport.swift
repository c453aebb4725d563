@_exported import ReferenceOracles
