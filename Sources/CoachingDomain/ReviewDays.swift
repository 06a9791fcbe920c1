import CoachLogProtocol

/// Counts of reviews by commitment kind × outcome (slot `kind * 3 + outcome`).
struct KindOutcomeCounts: Sendable, Equatable {
    var slots = SIMD16<Int32>()

    static func slot(_ kind: CommitmentKind, _ outcome: Outcome) -> UInt8 {
        let k: UInt8 =
            switch kind {
            case .more: 0
            case .better: 1
            case .different: 2
            }
        let o: UInt8 =
            switch outcome {
            case .kept: 0
            case .partial: 1
            case .missed: 2
            }
        return k * 3 + o
    }

    static let kinds: [CommitmentKind] = [.more, .better, .different]

    mutating func add(_ slot: UInt8, _ n: Int32 = 1) { slots[Int(slot)] &+= n }

    static func + (a: Self, b: Self) -> Self { Self(slots: a.slots &+ b.slots) }
    static func - (a: Self, b: Self) -> Self { Self(slots: a.slots &- b.slots) }

    /// The tallies follow-through reports.
    var tallies: (total: Tally, byKind: ByKind) {
        var total = Tally()
        var byKind = ByKind()
        for (k, kind) in Self.kinds.enumerated() {
            let t = Tally(kept: Int(slots[3 * k]), partial: Int(slots[3 * k + 1]), missed: Int(slots[3 * k + 2]))
            byKind[kind] = t
            total = total + t
        }
        return (total, byKind)
    }
}

/// Every counted review of the organisation, by UTC day, so that a window
/// costs the days it spans instead of every review.
///
/// Windows end at any instant (an `asOf` mid-day), so each day also keeps its
/// reviews' times of day, sorted: a partial day is counted from the shorter
/// side of that list. Days are kept in one sorted array (a new day is a
/// memmove of the day keys, a few thousand at most); a review is added or
/// removed in its day only.
struct ReviewDays: Sendable {
    struct Entry: Sendable, Equatable {
        var millisecondOfDay: Int32
        var slot: UInt8
    }
    struct Bucket: Sendable {
        var counts = KindOutcomeCounts()
        /// Sorted by time of day.
        var entries: [Entry] = []
    }

    private(set) var days: [Int32] = []
    private(set) var buckets: [Bucket] = []
    private(set) var total = KindOutcomeCounts()

    private static func split(_ t: Timestamp) -> (day: Int32, ms: Int32) {
        let day = t.day.number
        let ms = t.milliseconds - Int64(day) * Timestamp.millisecondsPerDay
        return (day, Int32(clamping: ms))
    }

    /// The index of the first day not before `day`.
    private func dayIndex(_ day: Int32) -> Int {
        var lo = 0
        var hi = days.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if days[mid] < day { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    mutating func add(at t: Timestamp, slot: UInt8) {
        let (day, ms) = Self.split(t)
        let i = dayIndex(day)
        if i == days.count || days[i] != day {
            days.insert(day, at: i)
            buckets.insert(Bucket(), at: i)
        }
        let entry = Entry(millisecondOfDay: ms, slot: slot)
        // Reviews mostly arrive in time order: append, else insert after equal times.
        if buckets[i].entries.last.map({ $0.millisecondOfDay <= ms }) ?? true {
            buckets[i].entries.append(entry)
        } else {
            let j = Self.firstIndex(in: buckets[i].entries, notBefore: ms + 1)
            buckets[i].entries.insert(entry, at: j)
        }
        buckets[i].counts.add(slot)
        total.add(slot)
    }

    /// Removes one review with this time and slot (any such is the same fact).
    mutating func remove(at t: Timestamp, slot: UInt8) {
        let (day, ms) = Self.split(t)
        let i = dayIndex(day)
        guard i < days.count, days[i] == day else { return }
        var j = Self.firstIndex(in: buckets[i].entries, notBefore: ms)
        while j < buckets[i].entries.count, buckets[i].entries[j].millisecondOfDay == ms {
            if buckets[i].entries[j].slot == slot {
                buckets[i].entries.remove(at: j)
                buckets[i].counts.add(slot, -1)
                total.add(slot, -1)
                if buckets[i].entries.isEmpty {
                    days.remove(at: i)
                    buckets.remove(at: i)
                }
                return
            }
            j += 1
        }
    }

    private static func firstIndex(in entries: [Entry], notBefore ms: Int32) -> Int {
        var lo = 0
        var hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if entries[mid].millisecondOfDay < ms { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The reviews of bucket `i` before `ms` into its day, read from the shorter side.
    private func partial(_ i: Int, before ms: Int32) -> KindOutcomeCounts {
        let entries = buckets[i].entries
        let cut = Self.firstIndex(in: entries, notBefore: ms)
        var counts = KindOutcomeCounts()
        if cut <= entries.count / 2 {
            for e in entries[..<cut] { counts.add(e.slot) }
            return counts
        }
        for e in entries[cut...] { counts.add(e.slot) }
        return buckets[i].counts - counts
    }

    /// The reviews with `at` before `t`.
    func before(_ t: Timestamp) -> KindOutcomeCounts {
        let (day, ms) = Self.split(t)
        let i = dayIndex(day)
        var whole = KindOutcomeCounts()
        // Whole days before `day`, summed from the shorter side.
        if i <= days.count / 2 {
            for b in buckets[..<i] { whole = whole + b.counts }
        } else {
            whole = total
            for b in buckets[i...] { whole = whole - b.counts }
        }
        guard i < days.count, days[i] == day else { return whole }
        return whole + partial(i, before: ms)
    }

    /// The reviews with `at` in `[from, to)` (`from` nil: since ever).
    func count(from: Timestamp?, to: Timestamp) -> KindOutcomeCounts {
        guard let from else { return before(to) }
        guard from < to else { return KindOutcomeCounts() }
        let (fromDay, fromMs) = Self.split(from)
        let (toDay, toMs) = Self.split(to)
        var i = dayIndex(fromDay)
        var counts = KindOutcomeCounts()
        if i < days.count, days[i] == fromDay { counts = counts - partial(i, before: fromMs) }
        while i < days.count, days[i] < toDay {
            counts = counts + buckets[i].counts
            i += 1
        }
        if i < days.count, days[i] == toDay { counts = counts + partial(i, before: toMs) }
        return counts
    }
}
