import Foundation

/// The processes of a process group as /proc shows them, for tests that check a host leaves
/// no helper process behind.
public enum ProcessTable {
  /// Live (not zombie) processes whose process group is `group`.
  public static func liveProcesses(inGroup group: pid_t) -> [pid_t] {
    liveProcesses { $0.group == group }
  }

  /// Live (not zombie) processes whose parent is `parent`.
  public static func liveChildren(of parent: pid_t) -> [pid_t] {
    liveProcesses { $0.parent == parent }
  }

  /// The resident memory (VmRSS) of `pid` in KiB, from /proc/PID/status; 0 when it is gone.
  public static func residentKiB(of pid: pid_t) -> Int {
    let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
  }

  /// Whether process `pid` exists and is not a zombie.
  public static func isAlive(_ pid: pid_t) -> Bool { status(of: pid)?.zombie == false }

  /// The live processes whose parent and group pass `filter`, in pid order.
  private static func liveProcesses(where filter: ((parent: pid_t, group: pid_t)) -> Bool)
    -> [pid_t]
  {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { entry -> pid_t? in
      guard let pid = pid_t(entry), let status = status(of: pid), !status.zombie,
        filter((status.parent, status.group))
      else { return nil }
      return pid
    }.sorted()
  }

  /// State, parent and process group of `pid`, from /proc/PID/stat; nil when it is gone.
  private static func status(of pid: pid_t) -> (zombie: Bool, parent: pid_t, group: pid_t)? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { return nil }
    // After "pid (comm)": state, ppid, pgrp, ...
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 2, let parent = pid_t(fields[1]), let group = pid_t(fields[2]) else {
      return nil
    }
    return (fields[0] == "Z", parent, group)
  }

  /// Waits up to `timeout` seconds for process group `group` to have no live process; returns
  /// the survivors.
  public static func survivors(ofGroup group: pid_t, within timeout: Double = 3) -> [pid_t] {
    let deadline = Date().addingTimeInterval(timeout)
    var alive = liveProcesses(inGroup: group)
    while !alive.isEmpty && Date() < deadline {
      usleep(20_000)
      alive = liveProcesses(inGroup: group)
    }
    return alive
  }
}
