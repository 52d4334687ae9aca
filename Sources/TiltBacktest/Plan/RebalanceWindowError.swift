import TiltData

extension PlanError {
    /// The error for a rebalancing window `from`…`to` not inside the data's rebalance months `first`…`last`
    /// (`last` the data's second-to-last month, `dataEnd` its last: a rebalance earns the month after it).
    /// Says which end lies outside and why, and hints the window clipped to the data; a window wholly
    /// outside says so and hints the months the data allows.
    static func windowOutsideData(from start: Month, to end: Month, first: Month, last: Month, dataEnd: Month) -> PlanError {
        let earn = "a rebalance earns the month after it"
        if end < first || start > last {
            let why = start == dataEnd ? " (\(start) is the data's last month, with no following month to earn)"
                : start > last ? " (the data ends in \(dataEnd))" : " (the data starts in \(first))"
            return PlanError("the rebalancing window \(start)…\(end) is outside the data, whose rebalance months are \(first)…\(last)\(why)",
                             at: .rebalanceWindow, hint: "choose months in \(first)…\(last), e.g. `from \(first) to \(last)`")
        }
        var parts: [String] = []
        if start < first {
            let n = first - start
            parts.append("it starts at \(start), \(n) month\(n == 1 ? "" : "s") before the data's first month \(first)")
        }
        if end > last {
            let n = end - last
            if end == dataEnd {   // last = dataEnd − 1: only the last month is outside
                parts.append("its last month, \(end), is the data's last month, with no following month to earn (the last rebalance month is \(last))")
            } else {
                let which = n == 1 ? "its last month, \(end), is" : "its last \(n) months, \(last + 1)…\(end), are"
                parts.append("\(which) after the data's last rebalance month \(last) (the data ends in \(dataEnd))")
            }
        }
        let (from, to) = (max(start, first), min(end, last))
        let fix = start < first && end > last ? "from \(from) to \(to)" : start < first ? "from \(from)" : "to \(to)"
        return PlanError("the rebalancing window \(start)…\(end) is partly outside the data: " + parts.joined(separator: "; "),
                         at: .rebalanceWindow,
                         hint: "write `\(fix)` to rebalance in \(from)…\(to), the part of the window inside the data (\(earn))")
    }
}
