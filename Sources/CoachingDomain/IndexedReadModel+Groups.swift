import CoachLogProtocol

// The indexes over person groups (a root: a person not merged away, with the
// names merged into it) that answer the organisation and coach scopes.
//
// `Projections.people(in: .everyone)` keeps a root P when P.hasSessions, P is
// not merged away, and `coachOf(P, asOf)` is not nil, which is when
//   (P has no aliases and P.latestSessionAt < asOf.end)
//   or some live session of P's names opened before asOf.end.
// So P is in scope exactly when asOf.end > since(P), with
//   since(P) = min(P.latestSessionAt if no aliases, earliest live opening of P's names),
// kept per root in the sorted `rootsSince`: the count as of asOf is a binary search.
//
// Organisation reviews. The reference sums, over the roots in scope, the
// counted reviews of their names with `at` in the window (which ends at
// asOf.end). `reviewDays` holds every counted review of every name. The two
// agree when every counted review with `at` < asOf.end belongs to a root in
// scope. Under the fold's rules a counted review was made in session R:
// - R is live: voiding R undoes the reviews held in it (CoachingRules.void, over
//   the whole group R's owner belongs to now), and nothing is recorded in a voided session;
// - R's owner is in the review's commitment's group (the reviewer owns both, and
//   merges only join groups), and the group's root has hasSessions (it is set
//   false only when the group has no live session, and a merge needs both sides to have one);
// - with an explicit `at`, at >= R.openedAt (`session.beforeOpen`).
// Then since(root) <= R.openedAt <= at < asOf.end: the root is in scope.
// The rules do NOT guarantee at >= R.openedAt for a review without `at`: its
// time is the daemon's clock, which may be before a session opened up to a day
// in the future (`at.future`). Such a review is "suspect"; while one counts,
// `organisationReviews` declines (nil) and follow-through counts person by
// person. A put that changes a session's opening time or owner (never done by the
// fold) could change a judgement already made, so it disables the totals for good.
//
// Coach scope. A root without aliases whose live sessions all have its
// person's coach has that coach at every asOf where it is in scope ("regular",
// indexed by coach). Every other root ("irregular") is asked `coachOf` itself.

extension IndexedReadModel {
    /// Keeps the per-name session facts and the group indexes current after a session put.
    mutating func sessionChanged(from old: SessionRecord?, in oldEntry: Int, to new: SessionRecord, in e: Int) {
        if let old, old.openedAt != new.openedAt || oldEntry != e { reviewDaysUntrusted = true }
        if let old, oldEntry == e, old.voided == new.voided, old.openedAt == new.openedAt, sameKey(old.coach, new.coach) {
            return  // a close: nothing the indexes hold changed
        }
        if old == nil, !new.voided {
            let at = new.openedAt.milliseconds
            entries[e].earliestLive = min(entries[e].earliestLive ?? at, at)
            if entries[e].mismatchCoach.map({ !sameKey($0, new.coach) }) ?? true { entries[e].mismatches += 1 }
        } else {
            recountSessions(e)
            if oldEntry != e { recountSessions(oldEntry) }
        }
        refreshGroup(of: e)
        if oldEntry != e { refreshGroup(of: oldEntry) }
    }

    mutating func personChanged(from old: PersonRecord?, to new: PersonRecord, in e: Int) {
        if entries[e].mismatchCoach.map({ !sameKey($0, new.coach) }) ?? true { recountSessions(e) }
        refresh(root: e)
        if let target = new.mergedInto { refreshGroup(of: entryIndex(target)) }
        if let target = old?.mergedInto { refreshGroup(of: entryIndex(target)) }
        for alias in old?.aliases ?? [] where !new.aliases.contains(where: { sameKey($0, alias) }) {
            refreshGroup(of: entryIndex(alias))
        }
    }

    /// Re-reads one name's sessions: its earliest live opening and its sessions with another coach.
    private mutating func recountSessions(_ e: Int) {
        let coach = entries[e].person?.coach
        var earliest: Int64?
        var mismatches = 0
        for s in entries[e].sessions where !s.voided {
            earliest = min(earliest ?? s.openedAt.milliseconds, s.openedAt.milliseconds)
            if coach.map({ !sameKey($0, s.coach) }) ?? true { mismatches += 1 }
        }
        entries[e].earliestLive = earliest
        entries[e].mismatches = mismatches
        entries[e].mismatchCoach = coach
    }

    /// The root of the group a name belongs to now (following merges of merges).
    private func root(of e: Int) -> Int {
        var current = e
        for _ in 0..<entries.count {
            guard let next = entries[current].person?.mergedInto, let n = entryIndex(next), n != current else { break }
            current = n
        }
        return current
    }

    private mutating func refreshGroup(of e: Int?) {
        guard let e else { return }
        let r = root(of: e)
        refresh(root: r)
        if r != e { refresh(root: e) }
    }

    /// Puts one name into the group indexes as its records say now (out of them unless it is a root).
    private mutating func refresh(root r: Int) {
        var since: Int64?
        var coach: ExactName?
        var irregular = false
        if let p = entries[r].person, p.hasSessions, p.mergedInto == nil {
            since = entries[r].earliestLive
            if p.aliases.isEmpty {
                since = min(since ?? p.latestSessionAt.milliseconds, p.latestSessionAt.milliseconds)
            }
            for alias in p.aliases {
                if let a = entryIndex(alias), let t = entries[a].earliestLive { since = min(since ?? t, t) }
            }
            if p.aliases.isEmpty, entries[r].mismatches == 0, entries[r].mismatchCoach.map({ sameKey($0, p.coach) }) ?? false {
                coach = ExactName(p.coach)
            } else {
                irregular = true
            }
        }
        if entries[r].indexedSince != since {
            if let old = entries[r].indexedSince, let i = Self.firstIndex(of: old, in: rootsSince), rootsSince[i] == old {
                rootsSince.remove(at: i)
            }
            if let since { rootsSince.insert(since, at: Self.firstIndex(of: since + 1, in: rootsSince) ?? rootsSince.count) }
            entries[r].indexedSince = since
        }
        if entries[r].indexedCoach != coach {
            if let old = entries[r].indexedCoach {
                regularByCoach[old]?.removeAll { $0 == Int32(r) }
                if regularByCoach[old]?.isEmpty == true { regularByCoach[old] = nil }
            }
            if let coach {
                var list = regularByCoach.removeValue(forKey: coach) ?? []
                list.insert(Int32(r), at: Self.insertionPoint(for: ExactName(entries[r].name), in: list, names: entries))
                regularByCoach[coach] = list
            }
            entries[r].indexedCoach = coach
        }
        if entries[r].indexedIrregular != irregular {
            if irregular { self.irregular.insert(Int32(r)) } else { self.irregular.remove(Int32(r)) }
            entries[r].indexedIrregular = irregular
        }
    }

    /// The first index whose value is not below `value` (nil: all are below).
    private static func firstIndex(of value: Int64, in sorted: [Int64]) -> Int? {
        var lo = 0
        var hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return lo < sorted.count ? lo : nil
    }

    /// Moves a commitment's counted review (if any) out of the indexes and its new one in.
    mutating func reviewChanged(from old: CommitmentRecord?, in oldEntry: Int, to new: CommitmentRecord, in e: Int) {
        let before = old.flatMap(Self.countedReview)
        let after = Self.countedReview(new)
        if let before, let after, oldEntry == e, before.at == after.at, before.slot == after.slot,
            old?.review?.sessionId == new.review?.sessionId
        {
            return  // an amendment of text, a goal or a due date
        }
        if before != nil, let old, let i = Self.reviewIndex(of: old.position, in: entries[oldEntry].reviews) {
            let stored = entries[oldEntry].reviews.remove(at: i)
            reviewDays.remove(at: Timestamp(milliseconds: stored.at), slot: stored.slot)
            if stored.suspect { suspectReviews -= 1 }
        }
        if let after, let review = new.review {
            let session = self.session(review.sessionId)
            let suspect = session.map { $0.voided || review.at < $0.openedAt } ?? true
            let stored = StoredReview(position: new.position, at: after.at, slot: after.slot, suspect: suspect)
            if entries[e].reviews.last.map({ $0.position < new.position }) ?? true {
                entries[e].reviews.append(stored)
            } else {
                let list = entries[e].reviews
                var lo = 0
                var hi = list.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if list[mid].position <= new.position { lo = mid + 1 } else { hi = mid }
                }
                entries[e].reviews.insert(stored, at: lo)
            }
            reviewDays.add(at: review.at, slot: after.slot)
            if suspect { suspectReviews += 1 }
        }
    }

    private static func countedReview(_ c: CommitmentRecord) -> (at: Int64, slot: UInt8)? {
        guard c.counts, let review = c.review else { return nil }
        return (review.at.milliseconds, KindOutcomeCounts.slot(c.kind, review.outcome))
    }

    private static func reviewIndex(of position: UInt64, in list: [StoredReview]) -> Int? {
        var lo = 0
        var hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid].position < position { lo = mid + 1 } else { hi = mid }
        }
        return lo < list.count && list[lo].position == position ? lo : nil
    }

    // MARK: Fast paths

    /// Whether `organisationReviews` answers (it declines while a suspect review counts).
    public var keepsOrganisationTotals: Bool { suspectReviews == 0 && !reviewDaysUntrusted }

    public func organisationReviews(in window: Window) -> (total: Tally, byKind: ByKind)? {
        guard keepsOrganisationTotals else { return nil }
        return reviewDays.count(from: window.from, to: window.to).tallies
    }

    public func organisationSalespeople(asOf: AsOf) -> Int? {
        var lo = 0
        var hi = rootsSince.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if rootsSince[mid] < asOf.end.milliseconds { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    public func people(coachedBy coach: String, asOf: AsOf) -> [PersonRecord]? {
        var found: [Int32] = []
        for r in regularByCoach[ExactName(coach)] ?? [] where (entries[Int(r)].indexedSince ?? .max) < asOf.end.milliseconds {
            found.append(r)
        }
        var extra: [Int32] = []
        for r in irregular {
            guard let p = entries[Int(r)].person, let c = try? Projections.coachOf(p, asOf: asOf, model: self) else {
                continue
            }
            if sameKey(c, coach) { extra.append(r) }
        }
        if !extra.isEmpty {
            found += extra
            found.sort { ExactName(entries[Int($0)].name) < ExactName(entries[Int($1)].name) }
        }
        return found.compactMap { entries[Int($0)].person }
    }
}
