/// Cross-sectional standardisation of one characteristic at one month: x̂ᵢ = (xᵢ − x̄)/s over the assets
/// in the cross-section, with s the sample standard deviation (n − 1, as everywhere in Tilt). The
/// standardised values have mean 0 and standard deviation 1, so the policy's tilts θᵀx̂ᵢ/N sum to zero
/// and the weights stay fully invested.
enum CrossSectionalStandardization {
    /// Standardises `values` in place; returns `false` (leaving them unchanged) when fewer than two values
    /// are given or they are all equal, so that no standardisation exists.
    static func standardize(_ values: inout [Double]) -> Bool {
        let n = values.count
        guard n >= 2 else { return false }
        let mean = values.reduce(0, +) / Double(n)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        let sd = variance.squareRoot()
        guard sd > 0, sd.isFinite else { return false }
        for i in values.indices { values[i] = (values[i] - mean) / sd }
        return true
    }
}
