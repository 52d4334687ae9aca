import Testing
@testable import TiltData
import TiltLinearAlgebra

// Reference values: Tests/TiltModelsTests/References/make_prng_reference.py, an independent Python
// transcription of Vigna's reference C code (the splitmix64 values are also the published ones).

@Test func splitMix64MatchesTheReference() {
    var mixer = SplitMix64(seed: 1234567)
    #expect((0..<5).map { _ in mixer.next() }
            == [6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821])
}

@Test func xoshiro256StarStarMatchesTheReference() {
    var random = Xoshiro256StarStar(seed: 42)
    #expect((0..<5).map { _ in random.next() }
            == [1546998764402558742, 6990951692964543102, 12544586762248559009, 17057574109182124193, 18295552978065317476])
}

@Test func polarMethodNormalsMatchTheReference() {
    var random = Xoshiro256StarStar(seed: 42)
    let expected = [-0.7262191382447857, -0.21119691823195985, 0.2216227015035933, 0.5227716877560146,
                    0.46417731016247366, 0.7409788916865562]
    for value in expected {
        let draw = random.nextNormal()
        #expect(abs(draw - value) <= 1e-15 * abs(value), "\(draw) vs \(value)")
    }
}

@Test func uniformsAndIndicesHaveTheirDistribution() {
    var random = Xoshiro256StarStar(seed: 7)
    let n = 200_000
    var sum = 0.0, counts = [0, 0, 0]
    for _ in 0..<n {
        let u = random.nextUniform()
        #expect(u >= 0 && u < 1)
        sum += u
        counts[random.nextIndex(probabilities: [0.2, 0.5, 0.3])] += 1
    }
    // Standard errors: 1/sqrt(12n) for the mean, sqrt(p(1-p)/n) for the frequencies; allow 4 of them.
    #expect(abs(sum / Double(n) - 0.5) < 4 / (12 * Double(n)).squareRoot())
    for (count, p) in zip(counts, [0.2, 0.5, 0.3]) {
        #expect(abs(Double(count) / Double(n) - p) < 4 * (p * (1 - p) / Double(n)).squareRoot())
    }
}
