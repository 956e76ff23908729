/// xoshiro256** 1.0 (Blackman and Vigna, "Scrambled linear pseudorandom number generators",
/// ACM TOMS 2021), as in the reference `xoshiro256starstar.c`
/// (<https://prng.di.unimi.it/xoshiro256starstar.c>): the generator of `jianfu sample`
/// (SPEC §7: a spot-check list reproducible from its seed on any machine).
///
/// Not the system generator on purpose: `SystemRandomNumberGenerator` cannot be seeded, and a
/// library's seeded generator may change between versions. This one is written down here and
/// in `docs/sample.md`, with the reference outputs pinned in the tests, so a list drawn today
/// can be redrawn by a later jianfu, or by hand in any language, from its seed.
package struct Xoshiro256StarStar: Sendable {
    package private(set) var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator with the given state (not all zero), as the reference `s[0..3]`.
    package init(state: (UInt64, UInt64, UInt64, UInt64)) {
        precondition(state != (0, 0, 0, 0), "xoshiro256** needs a state that is not all zero")
        self.state = state
    }

    /// The generator of `--seed S`: its state is the first four outputs of `SplitMix64(seed: S)`
    /// (never all zero: SplitMix64's mix is a bijection of distinct counter values).
    package init(seed: UInt64) {
        var mixer = SplitMix64(seed: seed)
        self.init(state: (mixer.next(), mixer.next(), mixer.next(), mixer.next()))
    }

    /// The next 64 bits.
    package mutating func next() -> UInt64 {
        var (s0, s1, s2, s3) = state
        let result = Self.rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = Self.rotateLeft(s3, 45)
        state = (s0, s1, s2, s3)
        return result
    }

    /// A number in [0, 1): the top 53 bits of `next()` times 2⁻⁵³ — exact in a `Double`, the
    /// conversion the reference recommends (`(x >> 11) * 0x1.0p-53`).
    package mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    private static func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}
