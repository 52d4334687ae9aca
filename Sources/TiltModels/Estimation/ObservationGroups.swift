import TiltLinearAlgebra

/// The asset columns of a window grouped by which of its rows they observe (finite returns), so that
/// all assets with the same missing-data pattern share one least-squares factorisation. With complete
/// data there is a single group; a stock listed mid-window shares its group with every stock listed
/// the same month.
struct ObservationGroups {
    /// Assets observed in exactly the same window rows.
    struct Group {
        /// Positions within the window (0 = its first row) where the assets' returns are finite.
        let rows: [Int]
        /// Column indices of the assets, increasing.
        var columns: [Int]
    }

    /// The groups, ordered by their first column.
    let groups: [Group]

    /// Groups the columns of `returns` by their finite entries in the rows `window`. Columns observed in
    /// every row of the window (the common case) are found by one scan and form the first group of their
    /// kind without hashing their pattern.
    init(returns: Matrix, window: Range<Int>) {
        let words = (window.count + 63) / 64
        var groupOfPattern: [[UInt64]: Int] = [:]
        var groups: [Group] = []
        var completeGroup: Int?
        var pattern = [UInt64](repeating: 0, count: words)
        for j in 0..<returns.cols {
            let column = j * returns.rows
            let complete = returns.storage[(column + window.lowerBound)..<(column + window.upperBound)].allSatisfy(\.isFinite)
            if complete, let g = completeGroup {
                groups[g].columns.append(j)
                continue
            }
            for w in pattern.indices { pattern[w] = 0 }
            for (position, i) in window.enumerated() where returns.storage[column + i].isFinite {
                pattern[position >> 6] |= 1 << UInt64(position & 63)
            }
            if let g = groupOfPattern[pattern] {
                groups[g].columns.append(j)
            } else {
                groupOfPattern[pattern] = groups.count
                if complete { completeGroup = groups.count }
                let rows = (0..<window.count).filter { pattern[$0 >> 6] & (1 << UInt64($0 & 63)) != 0 }
                groups.append(Group(rows: rows, columns: [j]))
            }
        }
        self.groups = groups
    }
}
