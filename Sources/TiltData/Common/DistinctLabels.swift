extension CSVDocument {
    /// Throws at the first of `fields` whose label an earlier field already has, so that a label always
    /// picks one column (header names) or one row (row labels). `labels` holds one label per field: the
    /// trimmed text, or for months the `YYYY-MM` form, so that `1994-01` and `199401` are one month.
    /// `what` names the labels in the message ("header name", "row label").
    func checkDistinct(labels: [String], of fields: [CSVField], what: String) throws {
        var first: [String: CSVField] = [:]
        for (label, field) in zip(labels, fields) {
            if let earlier = first[label] {
                let place = earlier.line == field.line ? "at column \(earlier.column)" : "on line \(earlier.line)"
                throw error(at: field, "\(what) '\(label)' appears twice (also \(place))")
            }
            first[label] = field
        }
    }
}
