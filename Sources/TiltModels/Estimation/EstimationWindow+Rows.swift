import TiltData

extension EstimationWindow {
    /// The positions in `months` (strictly increasing) of the window ending at the rebalance month T,
    /// which must be one of them. Shared by every factor model so they all see the same rows.
    func rows(of months: [Month], endingAt rebalance: Month) throws -> Range<Int> {
        if let k = months.indices.dropFirst().first(where: { months[$0] <= months[$0 - 1] }) {
            throw ModelError("months must strictly increase (\(months[k - 1]) then \(months[k]))")
        }
        try validate(at: rebalance)
        guard let last = months.firstIndex(of: rebalance) else {
            let range = months.isEmpty ? "no months" : "\(months[0])…\(months[months.count - 1])"
            throw ModelError("the rebalance month \(rebalance) is not in the data (\(range))")
        }
        let firstMonth = firstMonth(endingAt: rebalance)
        let first = months.firstIndex { $0 >= firstMonth } ?? last
        return first..<(last + 1)
    }
}
