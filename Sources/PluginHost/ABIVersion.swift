import CrystalRLABI

/// A plugin ABI version (major.minor), as packed by CRL_MAKE_VERSION.
public struct ABIVersion: Equatable, Comparable, CustomStringConvertible, Sendable, Codable {
  public let major: UInt32
  public let minor: UInt32

  public init(major: UInt32, minor: UInt32) {
    self.major = major
    self.minor = minor
  }

  public init(packed: UInt32) { self.init(major: packed >> 16, minor: packed & 0xFFFF) }

  public var packed: UInt32 { major << 16 | minor }

  /// The version this host speaks.
  public static let host = ABIVersion(
    major: UInt32(CRL_ABI_VERSION_MAJOR), minor: UInt32(CRL_ABI_VERSION_MINOR))

  /// Whether a plugin built for `self` may be loaded by a host speaking `host`: same major,
  /// and a minor no newer than the host's.
  public func isLoadable(by host: ABIVersion) -> Bool { major == host.major && minor <= host.minor }

  public var description: String { "\(major).\(minor)" }

  public static func < (lhs: ABIVersion, rhs: ABIVersion) -> Bool { lhs.packed < rhs.packed }
}
