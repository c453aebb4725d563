/// Minimum-cost perfect assignment of rows to columns of a square cost matrix (the Hungarian
/// method with row and column potentials, O(n³)).
enum LinearAssignment {
  /// For each row, the column assigned to it, minimizing the total cost.
  /// `cost` is row-major with `n * n` finite entries.
  static func solve(cost: [Double], n: Int) -> [Int] {
    precondition(cost.count == n * n, "square cost matrix expected")
    // Arrays are 1-based internally; column 0 is a virtual column holding the row being added.
    var rowPotential = [Double](repeating: 0, count: n + 1)
    var columnPotential = [Double](repeating: 0, count: n + 1)
    var rowOfColumn = [Int](repeating: 0, count: n + 1)
    var previousColumn = [Int](repeating: 0, count: n + 1)
    for row in stride(from: 1, through: n, by: 1) {
      rowOfColumn[0] = row
      var column = 0
      var slack = [Double](repeating: .infinity, count: n + 1)
      var used = [Bool](repeating: false, count: n + 1)
      repeat {
        used[column] = true
        let currentRow = rowOfColumn[column]
        var delta = Double.infinity
        var nextColumn = 0
        for candidate in 1...n where !used[candidate] {
          let reduced =
            cost[(currentRow - 1) * n + candidate - 1] - rowPotential[currentRow]
            - columnPotential[candidate]
          if reduced < slack[candidate] {
            slack[candidate] = reduced
            previousColumn[candidate] = column
          }
          if slack[candidate] < delta {
            delta = slack[candidate]
            nextColumn = candidate
          }
        }
        for candidate in 0...n {
          if used[candidate] {
            rowPotential[rowOfColumn[candidate]] += delta
            columnPotential[candidate] -= delta
          } else {
            slack[candidate] -= delta
          }
        }
        column = nextColumn
      } while rowOfColumn[column] != 0
      repeat {
        let previous = previousColumn[column]
        rowOfColumn[column] = rowOfColumn[previous]
        column = previous
      } while column != 0
    }
    var assignment = [Int](repeating: 0, count: n)
    for column in 1..<(n + 1) where rowOfColumn[column] > 0 {
      assignment[rowOfColumn[column] - 1] = column - 1
    }
    return assignment
  }
}
