/// The symbolic analysis behind `BlockArrowLDL`: the border, the blocks grouped by shape, and each
/// shape's elimination program. It depends on the pattern and the pivot signs only, so one analysis
/// serves every factorisation of matrices with that pattern (a backtest re-solves one structure
/// every month); immutable and shareable across threads.
public final class BlockArrowStructure: Sendable {
    /// When the structure is accepted.
    public struct Limits: Sendable {
        /// Largest block (number of rows) allowed once the border is removed.
        public var maximumBlockSize = 16
        /// Largest border allowed (its Schur complement is factored as a dense matrix).
        public var maximumBorderSize = 96
        /// Border candidates tried, from the highest column degree down.
        public var maximumAttempts = 12
        /// Blocks whose shape fewer blocks share join the border, while it stays within half its
        /// limit: every group costs a pass of each kernel, which pays only when it holds many blocks.
        public var minimumGroupSize = 4
        public init() {}
    }

    /// Order of `K`.
    public let dimension: Int
    /// Number of stored entries of the pattern (the length of `factor`'s values).
    public let inputEntryCount: Int
    /// Columns of `K` in the border, ascending, and their pivot signs.
    public let borderColumns: [Int]
    let borderSigns: [Double]
    /// Entries of `K` between two border columns and where each goes in the border's dense matrix
    /// (`DenseBorder.index`).
    let borderEntries: [Int]
    let borderTargets: [Int]
    let programs: [BlockProgram]

    /// Number of blocks, number of distinct block shapes, and the most blocks sharing one shape.
    public var blockCount: Int { programs.reduce(0) { $0 + $1.blockCount } }
    public var shapeCount: Int { programs.count }
    public var largestShapeGroup: Int { programs.map(\.blockCount).max() ?? 0 }

    /// Analyses the pattern of `K`'s upper triangle (values ignored; entry order defines the layout
    /// expected by `factor`). `signs[j]` is the expected sign (+1/−1) of pivot `j`. Nil when the
    /// pattern is not a valid upper triangle, or when, within `limits`, no border leaves blocks small enough.
    public init?(pattern: SparseMatrixCSC, signs: [Int], limits: Limits = Limits()) {
        let n = pattern.cols
        guard pattern.rows == n, signs.count == n, pattern.colPointers.count == n + 1,
              signs.allSatisfy({ $0 == 1 || $0 == -1 }),
              let graph = SymmetricGraph(pattern: pattern),
              var partition = BorderPartition.find(graph: graph, limits: limits)
        else { return nil }
        var borderIndex = Self.borderIndex(partition.border, dimension: n)
        var programs = BlockShape.group(partition: partition, graph: graph, borderIndex: borderIndex, signs: signs)
        let stragglers = programs.filter { $0.blockCount < limits.minimumGroupSize }.flatMap(\.columns)
        if !stragglers.isEmpty, partition.border.count + stragglers.count <= limits.maximumBorderSize / 2 {
            partition = BorderPartition(border: (partition.border + stragglers).sorted(), graph: graph)
            borderIndex = Self.borderIndex(partition.border, dimension: n)
            programs = BlockShape.group(partition: partition, graph: graph, borderIndex: borderIndex, signs: signs)
        }
        dimension = n
        inputEntryCount = pattern.rowIndices.count
        borderColumns = partition.border
        borderSigns = partition.border.map { Double(signs[$0]) }
        let m = partition.border.count
        let entries = graph.borderEntries(borderIndex: borderIndex)
        borderEntries = entries.map(\.entry)
        borderTargets = entries.map { DenseBorder.index($0.row, $0.column, size: m) }
        self.programs = programs
    }

    /// Position of each column in the border, or −1.
    private static func borderIndex(_ border: [Int], dimension: Int) -> [Int] {
        var index = [Int](repeating: -1, count: dimension)
        for (t, column) in border.enumerated() { index[column] = t }
        return index
    }
}

/// The symmetric graph of an upper-triangle pattern: for each column, its neighbours and the entry
/// (index into the pattern's values) that connects them; and each column's diagonal entry.
struct SymmetricGraph {
    let dimension: Int
    /// Neighbours of column `j`: `adjacency[start[j]..<start[j + 1]]`, with their entries in `entry`.
    let start: [Int]
    let adjacency: [Int]
    let entry: [Int]
    /// Entry of `K[j, j]`, or −1 when the pattern stores none.
    let diagonalEntry: [Int]

    /// Nil when the pattern is not a valid upper triangle with sorted, distinct rows in each column
    /// (an index out of range or below the diagonal, a repeated entry, pointers that do not increase).
    init?(pattern: SparseMatrixCSC) {
        let n = pattern.cols
        dimension = n
        var degree = [Int](repeating: 0, count: n + 1)
        var diagonal = [Int](repeating: -1, count: n)
        for j in 0..<n {
            let first = pattern.colPointers[j], end = pattern.colPointers[j + 1]
            guard first >= 0, first <= end, end <= pattern.rowIndices.count else { return nil }
            for p in first..<end {
                let i = pattern.rowIndices[p]
                guard i >= 0, i <= j, p == first || pattern.rowIndices[p - 1] < i else { return nil }
                if i == j { diagonal[j] = p } else { degree[i] += 1; degree[j] += 1 }
            }
        }
        var start = [Int](repeating: 0, count: n + 1)
        for j in 0..<n { start[j + 1] = start[j] + degree[j] }
        var fill = start
        var adjacency = [Int](repeating: 0, count: start[n]), entry = adjacency
        for j in 0..<n {
            for p in pattern.colPointers[j]..<pattern.colPointers[j + 1] {
                let i = pattern.rowIndices[p]
                guard i != j else { continue }
                adjacency[fill[i]] = j; entry[fill[i]] = p; fill[i] += 1
                adjacency[fill[j]] = i; entry[fill[j]] = p; fill[j] += 1
            }
        }
        self.start = start
        self.adjacency = adjacency
        self.entry = entry
        diagonalEntry = diagonal
    }

    func degree(_ j: Int) -> Int { start[j + 1] - start[j] }

    /// Entries joining two border columns (diagonal included), as (entry, row, column) in border indices.
    func borderEntries(borderIndex: [Int]) -> [(entry: Int, row: Int, column: Int)] {
        var result: [(entry: Int, row: Int, column: Int)] = []
        for j in 0..<dimension where borderIndex[j] >= 0 {
            let t = borderIndex[j]
            if diagonalEntry[j] >= 0 { result.append((diagonalEntry[j], t, t)) }
            for p in start[j]..<start[j + 1] where adjacency[p] < j && borderIndex[adjacency[p]] >= 0 {
                result.append((entry[p], borderIndex[adjacency[p]], t))
            }
        }
        return result
    }
}

/// The border and the blocks left when it is removed.
struct BorderPartition {
    let border: [Int]
    /// Columns of the blocks, block after block, each in elimination order (ascending degree, then
    /// index); block `b` is `blockColumns[blockStart[b]..<blockStart[b + 1]]`.
    let blockColumns: [Int]
    let blockStart: [Int]
    var blockCount: Int { blockStart.count - 1 }
    func block(_ b: Int) -> ArraySlice<Int> { blockColumns[blockStart[b]..<blockStart[b + 1]] }

    /// Tries borders made of the columns of highest degree — all columns of degree at least `d`, for
    /// the distinct degrees `d` from the top — and keeps the first whose blocks are all small.
    static func find(graph: SymmetricGraph, limits: BlockArrowStructure.Limits) -> BorderPartition? {
        let n = graph.dimension
        // Columns by descending degree (counting sort), and the distinct degrees.
        var count = [Int](repeating: 0, count: n + 1)
        for j in 0..<n { count[graph.degree(j)] += 1 }
        let degrees = (0...n).reversed().filter { count[$0] > 0 }
        var inBorder = [Bool](repeating: false, count: n)
        var border: [Int] = []
        for attempt in 0...min(limits.maximumAttempts, degrees.count) {
            if attempt > 0 {
                let degree = degrees[attempt - 1]
                guard border.count + count[degree] <= limits.maximumBorderSize else { return nil }
                for j in 0..<n where graph.degree(j) == degree {
                    inBorder[j] = true
                    border.append(j)
                }
            }
            if let partition = components(graph: graph, inBorder: inBorder, maximumSize: limits.maximumBlockSize) {
                return BorderPartition(border: border.sorted(), blockColumns: partition.columns, blockStart: partition.start)
            }
        }
        return nil
    }

    /// Connected components of the graph without the border, flat (nil as soon as one exceeds `maximumSize`).
    fileprivate static func components(graph: SymmetricGraph, inBorder: [Bool], maximumSize: Int)
        -> (columns: [Int], start: [Int])? {
        let n = graph.dimension
        var visited = inBorder
        var columns: [Int] = [], start = [0]
        columns.reserveCapacity(n)
        for root in 0..<n where !visited[root] {
            let first = columns.count
            visited[root] = true
            columns.append(root)
            var next = first
            while next < columns.count {
                let j = columns[next]
                next += 1
                for p in graph.start[j]..<graph.start[j + 1] where !visited[graph.adjacency[p]] {
                    visited[graph.adjacency[p]] = true
                    columns.append(graph.adjacency[p])
                    guard columns.count - first <= maximumSize else { return nil }
                }
            }
            columns[first...].sort { (graph.degree($0), $0) < (graph.degree($1), $1) }
            start.append(columns.count)
        }
        return (columns, start)
    }
}

extension BorderPartition {
    /// The blocks left by a given (sorted) border.
    init(border: [Int], graph: SymmetricGraph) {
        var inBorder = [Bool](repeating: false, count: graph.dimension)
        for j in border { inBorder[j] = true }
        let partition = Self.components(graph: graph, inBorder: inBorder, maximumSize: .max)
        self.init(border: border, blockColumns: partition?.columns ?? [], blockStart: partition?.start ?? [0])
    }
}

/// What makes blocks interchangeable: the same number of members with the same signs, the same
/// border neighbours, and the same local pattern. Local positions are the members (in elimination
/// order) followed by the border neighbours (ascending).
struct BlockShape: Hashable, Sendable {
    let signs: [Int]
    let borderNeighbours: [Int]
    /// Stored local entries `(a, b)`, `a ≤ b`, encoded `a · size + b`, ascending.
    let entries: [Int]
    var memberCount: Int { signs.count }
    var size: Int { signs.count + borderNeighbours.count }

    /// Whether a block with these signs, border neighbours and (sorted) local entries has this shape.
    func matches(signs memberSigns: [Int], borderNeighbours neighbours: [Int], entries pairs: [(key: Int, entry: Int)]) -> Bool {
        guard signs == memberSigns, borderNeighbours == neighbours, entries.count == pairs.count else { return false }
        for (key, pair) in zip(entries, pairs) where key != pair.key { return false }
        return true
    }

    /// Groups the blocks by shape and records, for each group, which entry of `K` fills which local slot.
    static func group(partition: BorderPartition, graph: SymmetricGraph, borderIndex: [Int], signs: [Int]) -> [BlockProgram] {
        let borderSize = partition.border.count
        var groupOf: [BlockShape: Int] = [:]
        var shapes: [BlockShape] = []
        // Per group, flat over its blocks: the blocks' columns, and the entry behind each shape entry.
        var members: [[Int]] = [], sources: [[Int]] = []
        // Local position of each column of the current block and of each border neighbour.
        var local = [Int](repeating: -1, count: graph.dimension)
        var borderLocal = [Int](repeating: -1, count: borderSize)
        var neighbours: [Int] = [], memberSigns: [Int] = [], pairs: [(key: Int, entry: Int)] = []
        var last = -1
        for index in 0..<partition.blockCount {
            let block = partition.block(index)
            neighbours.removeAll(keepingCapacity: true)
            memberSigns.removeAll(keepingCapacity: true)
            pairs.removeAll(keepingCapacity: true)
            for (a, j) in block.enumerated() {
                local[j] = a
                memberSigns.append(signs[j])
                for p in graph.start[j]..<graph.start[j + 1] {
                    let t = borderIndex[graph.adjacency[p]]
                    if t >= 0 && borderLocal[t] < 0 { borderLocal[t] = 0; neighbours.append(t) }
                }
            }
            neighbours.sort()
            for (offset, t) in neighbours.enumerated() { borderLocal[t] = block.count + offset }
            let size = block.count + neighbours.count
            for (a, j) in block.enumerated() {
                if graph.diagonalEntry[j] >= 0 { pairs.append((a * size + a, graph.diagonalEntry[j])) }
                for p in graph.start[j]..<graph.start[j + 1] {
                    let column = graph.adjacency[p], t = borderIndex[column]
                    let b = t < 0 ? local[column] : borderLocal[t]
                    // Each member–member entry once (from its lower position), each member–border entry once.
                    if b > a { pairs.append((a * size + b, graph.entry[p])) }
                }
            }
            pairs.sort { $0.key < $1.key }
            // Consecutive blocks mostly share a shape: compare with the last one before hashing.
            if last < 0 || !shapes[last].matches(signs: memberSigns, borderNeighbours: neighbours, entries: pairs) {
                let shape = BlockShape(signs: memberSigns, borderNeighbours: neighbours, entries: pairs.map(\.key))
                if let existing = groupOf[shape] {
                    last = existing
                } else {
                    last = shapes.count
                    groupOf[shape] = last
                    shapes.append(shape)
                    members.append([])
                    sources.append([])
                }
            }
            members[last].append(contentsOf: block)
            for pair in pairs { sources[last].append(pair.entry) }
            for j in block { local[j] = -1 }
            for t in neighbours { borderLocal[t] = -1 }
        }
        return shapes.indices.map {
            BlockProgram(shape: shapes[$0], members: members[$0], sources: sources[$0], borderSize: borderSize)
        }
    }
}

/// The symbolic half of one group of same-shape blocks: which entries of `K` fill which slots, and
/// the shape's elimination program (members pivoted in order, border positions not). Slot `s` of
/// block `k` lives at `s·b + k` of the group's value array (`b` blocks), so every operation of the
/// program is a loop over the blocks, innermost, over contiguous memory. The border part of each
/// pivot's row takes consecutive slots: across the blocks it is a dense `t × b` row-major matrix,
/// which the kernels hand to BLAS when `b` is large.
struct BlockProgram: Sendable {
    let blockCount: Int
    let memberCount: Int
    let slotCount: Int
    /// Column of `K` at member position `p` of block `k`: `columns[p·b + k]`.
    let columns: [Int]
    /// Slot of each entry of the shape, and the entry of `K` (index into its values) behind it in
    /// block `k`: `sources[e·b + k]`.
    let entrySlot: [Int]
    let sources: [Int]
    /// Slots that only fill reaches (zero before the elimination).
    let fillSlots: [Int]
    let diagonalSlot: [Int]
    let signs: [Double]
    /// Row `p` of the factor, member part: local positions `rowTarget[rowStart[p]..<rowStart[p + 1]]`
    /// after `p` with a structural nonzero, and the slots holding them.
    let rowStart: [Int]
    let rowTarget: [Int]
    let rowSlot: [Int]
    /// Row `p` of the factor, border part: the slots `borderStart[p]..<borderStart[p + 1]` (the border
    /// parts take the first slots, row after row), for the border rows
    /// `borderRow[borderStart[p]..<borderStart[p + 1]]` (indices into the border's dense matrix).
    let borderStart: [Int]
    let borderRow: [Int]
    /// Pivot `p`'s rank-one update of the entries with a member position:
    /// `slot[target] −= slot[left] · slot[right] / d_p`.
    let updateStart: [Int]
    let updateTarget: [Int]
    let updateLeft: [Int]
    let updateRight: [Int]
    /// …and of the entries between two border positions, which no later pivot reads: the pairs
    /// `(i, j ≥ i)` of row `p`'s border part, in that order, go straight into the border's dense
    /// matrix (`DenseBorder.index`) at `schurTarget[schurStart[p]...]`.
    let schurStart: [Int]
    let schurTarget: [Int]

    /// Symbolic elimination of the shape's pattern, recording the slots it fills and the operations.
    /// `members` and `sources` are flat over the blocks: each block's columns (`shape.memberCount`)
    /// and the entries behind the shape's entries (`shape.entries.count`), block after block.
    init(shape: BlockShape, members: [Int], sources entrySources: [Int], borderSize: Int) {
        let c = shape.memberCount, size = shape.size, b = members.count / c
        blockCount = b
        memberCount = c
        signs = shape.signs.map(Double.init)
        // Structure after elimination: the shape's entries, the members' diagonals, and fill.
        var nonzero = [Bool](repeating: false, count: size * size)
        for key in shape.entries { nonzero[key] = true }
        for a in 0..<c { nonzero[a * size + a] = true }
        var rows: [[Int]] = []
        for p in 0..<c {
            let row = ((p + 1)..<size).filter { nonzero[p * size + $0] }
            for (index, i) in row.enumerated() { for j in row[index...] { nonzero[i * size + j] = true } }
            rows.append(row)
        }
        // Slots: the border part of each pivot row first (consecutive), then every other entry
        // with a member position.
        var slotOf = [Int](repeating: -1, count: size * size)
        var slots = 0
        var borderStart = [0], borderRow: [Int] = []
        for (p, row) in rows.enumerated() {
            for j in row where j >= c {
                slotOf[p * size + j] = slots
                slots += 1
                borderRow.append(shape.borderNeighbours[j - c])
            }
            borderStart.append(borderRow.count)
        }
        for a in 0..<c {
            for j in a..<size where nonzero[a * size + j] && slotOf[a * size + j] < 0 {
                slotOf[a * size + j] = slots
                slots += 1
            }
        }
        slotCount = slots
        func slot(_ a: Int, _ b: Int) -> Int { slotOf[min(a, b) * size + max(a, b)] }
        entrySlot = shape.entries.map { slotOf[$0] }
        let sourced = Set(entrySlot)
        fillSlots = (0..<slots).filter { !sourced.contains($0) }
        diagonalSlot = (0..<c).map { slot($0, $0) }
        var rowStart = [0], rowTarget: [Int] = [], rowSlot: [Int] = []
        var updateStart = [0], updateTarget: [Int] = [], updateLeft: [Int] = [], updateRight: [Int] = []
        var schurStart = [0], schurTarget: [Int] = []
        for (p, row) in rows.enumerated() {
            for (index, i) in row.enumerated() {
                if i < c {
                    rowTarget.append(i)
                    rowSlot.append(slot(p, i))
                    for j in row[index...] {
                        updateTarget.append(slot(i, j))
                        updateLeft.append(slot(p, i))
                        updateRight.append(slot(p, j))
                    }
                } else {
                    for j in row[index...] {
                        let s = shape.borderNeighbours[i - c], t = shape.borderNeighbours[j - c]
                        schurTarget.append(DenseBorder.index(s, t, size: borderSize))
                    }
                }
            }
            rowStart.append(rowTarget.count)
            updateStart.append(updateTarget.count)
            schurStart.append(schurTarget.count)
        }
        (self.rowStart, self.rowTarget, self.rowSlot) = (rowStart, rowTarget, rowSlot)
        (self.borderStart, self.borderRow) = (borderStart, borderRow)
        (self.updateStart, self.updateTarget, self.updateLeft, self.updateRight) =
            (updateStart, updateTarget, updateLeft, updateRight)
        (self.schurStart, self.schurTarget) = (schurStart, schurTarget)
        let entryCount = shape.entries.count
        var columns = [Int](repeating: 0, count: c * b), sources = [Int](repeating: 0, count: entryCount * b)
        for k in 0..<b {
            for p in 0..<c { columns[p * b + k] = members[k * c + p] }
            for e in 0..<entryCount { sources[e * b + k] = entrySources[k * entryCount + e] }
        }
        self.columns = columns
        self.sources = sources
    }
}
