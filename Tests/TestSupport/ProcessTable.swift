import Foundation

/// The processes of a process group as /proc shows them, for tests that check a host leaves
/// no helper process behind.
public enum ProcessTable {
  /// Live (not zombie) processes whose process group is `group`.
  public static func liveProcesses(inGroup group: pid_t) -> [pid_t] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { entry -> pid_t? in
      guard let pid = pid_t(entry),
        let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
      else { return nil }
      // After "pid (comm)": state, ppid, pgrp, ...
      let fields = stat[stat.index(after: close)...].split(separator: " ")
      guard fields.count > 2, fields[0] != "Z", pid_t(fields[2]) == group else { return nil }
      return pid
    }
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
