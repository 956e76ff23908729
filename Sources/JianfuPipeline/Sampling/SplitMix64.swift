/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
/// OOPSLA 2014), as in Sebastiano Vigna's reference `splitmix64.c`
/// (<https://prng.di.unimi.it/splitmix64.c>): a 64-bit counter advanced by the golden-ratio
/// constant and mixed. jianfu uses it only to turn a `--seed` into the state of
/// `Xoshiro256StarStar`, as Vigna recommends. Integer arithmetic only, so every machine and
/// every version gives the same numbers.
package struct SplitMix64: Sendable {
    package private(set) var state: UInt64

    package init(seed: UInt64) { state = seed }

    /// The next 64 bits.
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
