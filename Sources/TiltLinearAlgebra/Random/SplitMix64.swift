/// SplitMix64 (Steele, Lea & Flood 2014; Vigna's reference `splitmix64.c`): a tiny deterministic
/// generator. It seeds the synthetic market's xoshiro256**, makes the benchmark problems (the same stream
/// as the Python reference scripts, bit for bit) and drives every seeded test. Unlike Foundation's and the
/// standard library's generators, a seed gives the same numbers on every platform and Swift version.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform number in [0, 1) from the top 53 bits.
    public mutating func uniform() -> Double {
        Double(next() >> 11) / Double(UInt64(1) << 53)
    }
}
