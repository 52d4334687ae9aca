extension CSVDocument {
    /// The names of the value columns written in the header `fields` (trimmed), each checked where it is
    /// written: a name may not be empty (the column would be an asset, factor or column called "") nor
    /// appear twice (a name always picks one column).
    func headerNames(_ fields: ArraySlice<CSVField>) throws -> [String] {
        let names = fields.map(trimmedText)
        if let (_, empty) = zip(names, fields).first(where: { $0.0.isEmpty }) {
            throw error(at: empty, "a header name is empty: every value column needs a name")
        }
        try checkDistinct(labels: names, of: Array(fields), what: "header name")
        return names
    }

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
