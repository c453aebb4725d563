/// Text as one CSV field: quoted (with doubled quotes) when it holds a comma, a quote or a
/// newline, as given otherwise.
public func csvField(_ text: String) -> String {
  guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
  return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
