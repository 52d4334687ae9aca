"""Reference outputs of the synthetic market's random source (TiltData/Synthetic/RandomSource.swift),
checked by Tests/TiltDataTests/SyntheticRandomTests.swift (the values are pasted there).

Developer tool: `python3 make_prng_reference.py` prints them. An independent transcription of Vigna's
reference C code for splitmix64 and xoshiro256** 1.0, uniforms (x >> 11) * 2^-53, and Marsaglia's
polar method (u, v uniform on (-1, 1); accept 0 < s < 1; return u*f, then v*f, f = sqrt(-2 ln s / s)).
"""
import math

MASK = (1 << 64) - 1


def splitmix64(seed):
    state = seed
    while True:
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        yield z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK


def xoshiro256starstar(seed):
    mixer = splitmix64(seed)
    s = [next(mixer) for _ in range(4)]
    while True:
        result = (rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        yield result


def normals(seed, count):
    bits = xoshiro256starstar(seed)
    uniform = lambda: (next(bits) >> 11) * 2.0 ** -53
    out = []
    while len(out) < count:
        u, v = 2 * uniform() - 1, 2 * uniform() - 1
        s = u * u + v * v
        if 0 < s < 1:
            f = math.sqrt(-2 * math.log(s) / s)
            out += [u * f, v * f]
    return out[:count]


if __name__ == "__main__":
    mix = splitmix64(1234567)
    print("splitmix64(1234567):", [next(mix) for _ in range(5)])
    xs = xoshiro256starstar(42)
    print("xoshiro256**(42):", [next(xs) for _ in range(5)])
    print("normals(42):", [repr(x) for x in normals(42, 6)])
