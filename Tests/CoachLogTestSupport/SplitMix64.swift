/// SplitMix64: a tiny, seeded, portable PRNG (no Foundation randomness), so a
/// failing input or history can be replayed from its seed.
///
/// It is also a `RandomNumberGenerator`, for `Int.random(in:using:)`,
/// `randomElement(using:)` and the like; both ways draw from the same sequence.
public struct SplitMix64: RandomNumberGenerator {
    /// The whole state: the sequence from here on depends on it alone.
    public var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<n`; 0, without drawing, when `n <= 1`.
    public mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }

    /// True about `p` times in 100.
    public mutating func percent(_ p: Int) -> Bool { below(100) < p }

    /// One of `items`, which must not be empty.
    public mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// A random byte.
    public mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }
}
