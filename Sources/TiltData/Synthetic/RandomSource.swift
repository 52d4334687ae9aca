import TiltLinearAlgebra

import Foundation

/// xoshiro256** 1.0 (Blackman & Vigna 2018), seeded by SplitMix64: the deterministic random source of
/// the synthetic market, so that a seed gives the same market on every platform and Swift version
/// (Foundation and the standard library make no such promise). Also draws uniforms and standard
/// normals (Marsaglia's polar method).
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)
    /// The second normal of the last polar-method pair, returned by the next `nextNormal()`.
    private var spareNormal: Double?

    /// The generator whose state is the first four outputs of `SplitMix64(seed:)`.
    public init(seed: UInt64) {
        var mixer = SplitMix64(seed: seed)
        s = (mixer.next(), mixer.next(), mixer.next(), mixer.next())
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotateLeft(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = rotateLeft(s.3, 45)
        return result
    }

    /// A uniform draw from [0, 1) with 53 random bits.
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A standard normal draw (Marsaglia's polar method: each accepted pair gives two normals).
    public mutating func nextNormal() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        while true {
            let u = 2 * nextUniform() - 1, v = 2 * nextUniform() - 1
            let radius = u * u + v * v
            guard radius > 0, radius < 1 else { continue }
            let scale = (-2 * log(radius) / radius).squareRoot()
            spareNormal = v * scale
            return u * scale
        }
    }

    /// A draw from {0, …, probabilities.count − 1} with the given probabilities (which should sum to
    /// 1; any shortfall falls on the last index).
    public mutating func nextIndex(probabilities: [Double]) -> Int {
        var remaining = nextUniform()
        for (index, p) in probabilities.enumerated().dropLast() {
            remaining -= p
            if remaining < 0 { return index }
        }
        return probabilities.count - 1
    }

    private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}
