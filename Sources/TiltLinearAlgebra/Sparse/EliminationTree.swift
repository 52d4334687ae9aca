/// Elimination tree and column counts of the LDLᵀ factor of a symmetric matrix given by the
/// pattern of its upper triangle (every diagonal present), as in QDLDL's `etree` routine.
struct EliminationTree {
    /// `parent[j]`: parent of column `j`, or -1 for a root.
    let parent: [Int]
    /// `columnCounts[j]`: number of strictly-lower entries in column `j` of `L`.
    let columnCounts: [Int]

    init(upper: PermutedUpperTriangle) {
        let n = upper.dimension
        var parent = [Int](repeating: -1, count: n)
        var counts = [Int](repeating: 0, count: n)
        var visitedBy = [Int](repeating: -1, count: n)
        for j in 0..<n {
            visitedBy[j] = j
            for p in upper.colPointers[j]..<upper.colPointers[j + 1] {
                // Walk from row i up the tree until reaching a node already seen for row j of L:
                // each node on the way gets an entry in row j.
                var i = upper.rowIndices[p]
                while visitedBy[i] != j {
                    if parent[i] == -1 { parent[i] = j }
                    counts[i] += 1
                    visitedBy[i] = j
                    i = parent[i]
                }
            }
        }
        self.parent = parent
        self.columnCounts = counts
    }
}
