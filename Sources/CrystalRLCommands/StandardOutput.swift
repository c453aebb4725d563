// Glibc's `stdout` is a C global the strict checks refuse; reading the pointer is safe (it is set
// before `main` and never changes). This file imports Glibc alone so the exemption stays here.
@preconcurrency import Glibc

/// Flushes standard output; throws when any write to it failed.
func flushStandardOutput() throws {
  guard fflush(stdout) == 0, ferror(stdout) == 0 else {
    throw OutputError(
      description: "cannot write standard output: \(String(cString: strerror(errno)))")
  }
}

/// Standard output could not be written.
struct OutputError: Error, CustomStringConvertible {
  let description: String
}
