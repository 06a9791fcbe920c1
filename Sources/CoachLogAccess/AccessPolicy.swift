import CoachLogJSON
import CoachLogProtocol

/// What the policy needs to know about the record to decide a coach's
/// request. The daemon answers from its in-memory read model; tests from a
/// table. Unknown names and sessions answer nil (then the request is refused).
public protocol AccessFacts {
    /// The coach of the salesperson's latest session now, following a merge
    /// of the name into another (as the projections define "their coach").
    func currentCoach(of salesperson: String) -> String?
    /// The coach who holds the session (the `coach` of its `SessionOpened`).
    func coach(ofSession sessionId: String) -> String?
}

/// Facts for roles that need none.
public struct NoFacts: AccessFacts {
    public init() {}
    public func currentCoach(of salesperson: String) -> String? { nil }
    public func coach(ofSession sessionId: String) -> String? { nil }
}

/// The policy's answer to one request.
public struct AccessDecision: Sendable, Equatable {
    public enum Verdict: Sendable, Equatable {
        case allowed
        /// Allowed; every free-text member of the reply is null (`FreeTextRedactable`).
        case allowedWithoutFreeText
        /// Refused with `forbidden` and this message (it names the role and what it may do).
        case forbidden(String)
    }

    public var verdict: Verdict
    /// Whose record the request is about, for the audit trail: `salesperson NAME`,
    /// `coach NAME`, `everyone`, or what else the op touches (empty when not audited).
    public var subject: String
    /// Whether the audit log records it: every refusal, and every read of a
    /// person's record by anyone but an operator or that person.
    public var audited: Bool

    public init(verdict: Verdict, subject: String, audited: Bool) {
        self.verdict = verdict
        self.subject = subject
        self.audited = audited
    }

    public var isAllowed: Bool { if case .forbidden = verdict { return false } else { return true } }
    public var withoutFreeText: Bool { verdict == .allowedWithoutFreeText }
}

/// Decides, for a role and a typed request, whether it may run, and with
/// free text or without. Pure: the record comes in through `AccessFacts`,
/// the time through `now`. Deny by default: an op not named below is the
/// operator's alone.
public enum AccessPolicy {
    public static func decide(_ body: RequestBody, role: Role, facts: some AccessFacts, now: Timestamp) -> AccessDecision {
        // The operator's path costs nothing more: no subject is worked out for what is not audited.
        let unaudited = AccessDecision(verdict: .allowed, subject: "", audited: false)
        if case .operator = role { return unaudited }
        var subject: String { Self.subject(of: body) }
        func refuse(_ what: String) -> AccessDecision {
            AccessDecision(verdict: .forbidden("\(what): \(role) may \(role.allowance)"), subject: subject, audited: true)
        }
        /// A read, query or subscribe: audited unless it is the person's own.
        func reading(_ verdict: AccessDecision.Verdict, own: Bool = false) -> AccessDecision {
            AccessDecision(verdict: verdict, subject: own ? "" : subject, audited: !own)
        }
        if case .hello = body { return unaudited }
        switch role {
        case .operator: return unaudited
        case .unknown: return refuse("\(body.op.rawValue) is not allowed")
        case .dashboard:
            switch body {
            case .stats, .checkpoint: return unaudited
            case .read, .query, .subscribe: return reading(.allowedWithoutFreeText)
            default: return refuse("\(body.op.rawValue) is not allowed")
            }
        case .salesperson(let name):
            let wanted: String?
            switch body {
            case .read(let p): wanted = p.salesperson
            case .subscribe(let p): wanted = p.salesperson
            case .query(let q): wanted = q.salesperson
            default: return refuse("\(body.op.rawValue) is not allowed")
            }
            guard let wanted, sameKey(wanted, name) else {
                return refuse("\(body.op.rawValue) \(subject) is not allowed")
            }
            return reading(.allowed, own: true)
        case .coach(let name):
            switch body {
            case .read(let p):
                return coachReads(p.salesperson, op: body.op, name: name, facts: facts, refuse: refuse) ?? reading(.allowed)
            case .subscribe(let p):
                return coachReads(p.salesperson, op: body.op, name: name, facts: facts, refuse: refuse) ?? reading(.allowed)
            case .query(let q):
                switch q.scope {
                case .everyone: return refuse("query of the whole organisation is not allowed")
                case .salesperson(let s):
                    return coachReads(s, op: body.op, name: name, facts: facts, refuse: refuse) ?? reading(.allowed)
                case .coach(let other):
                    guard sameKey(other, name) else { return refuse("query for coach \(other) is not allowed") }
                    // At a past asOf, "coach NAME" covers whom they coached then: maybe no longer theirs.
                    if let asOf = q.asOf, asOf.day < now.day {
                        return refuse("query for coach \(name) as of the past day \(asOf.text) is not allowed (only as of today or later)")
                    }
                    return reading(.allowed)
                }
            case .append(let p):
                if let reason = coachAppendRefusal(p, name: name, facts: facts) { return refuse(reason) }
                return unaudited
            default: return refuse("\(body.op.rawValue) is not allowed")
            }
        }
    }

    /// Nil when the coach currently coaches `salesperson`, else the refusal.
    static func coachReads(
        _ salesperson: String?, op: Operation, name: String, facts: some AccessFacts, refuse: (String) -> AccessDecision
    ) -> AccessDecision? {
        guard let salesperson else { return refuse("\(op.rawValue) without \"salesperson\" is not allowed") }
        guard let coach = facts.currentCoach(of: salesperson), sameKey(coach, name) else {
            return refuse("\(op.rawValue) of salesperson \(salesperson) is not allowed (not coached by \(name))")
        }
        return nil
    }

    /// Why a coach may not append these events, or nil when every one is in a
    /// session they hold (or opens one with them as its coach). An event the
    /// store cannot read is let through: the store refuses the whole append
    /// with the reason (`validation`), writing nothing.
    static func coachAppendRefusal(_ p: AppendParameters, name: String, facts: some AccessFacts) -> String? {
        var opened: [String] = []
        func holds(_ sessionId: String) -> Bool {
            opened.contains { sameKey($0, sessionId) } || facts.coach(ofSession: sessionId).map { sameKey($0, name) } ?? false
        }
        func coaches(_ salesperson: String) -> Bool {
            facts.currentCoach(of: salesperson).map { sameKey($0, name) } ?? false
        }
        for (index, proposed) in p.events.enumerated() {
            guard let event = try? CoachingEvent(type: proposed.type, data: proposed.data) else { continue }
            let which = "events[\(index)] (\(proposed.type))"
            switch event {
            case .sessionOpened(let e):
                guard sameKey(e.coach, name) else { return "\(which) opens a session for coach \(e.coach)" }
                // Opening a session makes its coach the salesperson's coach: a coach may not take
                // over another coach's salesperson (and so read their record); an operator hands over.
                if let current = facts.currentCoach(of: e.salesperson), !sameKey(current, name) {
                    return "\(which) opens a session with a salesperson \(name) does not coach (only new salespeople, or \(name)'s own; an operator hands a salesperson over)"
                }
                opened.append(e.sessionId)
            case .goalStated(let e): if !holds(e.sessionId) { return "\(which) is in session \(e.sessionId), not theirs" }
            case .commitmentMade(let e): if !holds(e.sessionId) { return "\(which) is in session \(e.sessionId), not theirs" }
            case .commitmentReviewed(let e): if !holds(e.sessionId) { return "\(which) is in session \(e.sessionId), not theirs" }
            case .insightNoted(let e): if !holds(e.sessionId) { return "\(which) is in session \(e.sessionId), not theirs" }
            case .sessionClosed(let e): if !holds(e.sessionId) { return "\(which) closes session \(e.sessionId), not theirs" }
            case .sessionVoided(let e): if !holds(e.sessionId) { return "\(which) voids session \(e.sessionId), not theirs" }
            case .salespersonMerged: return "\(which) merges salespeople, which only an operator may do"
            case .salespersonForgotten: return "\(which) is written by forget alone, which only an operator may send"
            case .reviewCorrected, .commitmentAmended, .commitmentWithdrawn, .goalAmended, .goalAchieved, .goalDropped:
                // Corrections of commitments, reviews and goals name no session: the coach must coach the person now.
                if !coaches(event.salesperson) { return "\(which) corrects the record of \(event.salesperson), not coached by \(name)" }
            }
        }
        return nil
    }

    /// What the request is about, for the audit log.
    static func subject(of body: RequestBody) -> String {
        func scope(_ s: Scope) -> String {
            switch s {
            case .everyone: return "everyone"
            case .salesperson(let name): return "salesperson \(name)"
            case .coach(let name): return "coach \(name)"
            }
        }
        switch body {
        case .hello, .stats, .checkpoint: return "-"
        case .read(let p): return p.salesperson.map { "salesperson \($0)" } ?? "everyone"
        case .subscribe(let p): return p.salesperson.map { "salesperson \($0)" } ?? "everyone"
        case .query(let q): return "\(q.projection.rawValue) of \(scope(q.scope))"
        case .append(let p):
            let names = Set(p.events.compactMap { e -> String? in
                if case .object(let o) = e.data, case .string(let s)? = o["salesperson"] { return s }
                return nil
            })
            return names.isEmpty ? "append" : names.sorted().map { "salesperson \($0)" }.joined(separator: ", ")
        case .backup(let p): return "backup to \(p.path)"
        case .forget(let p): return "forget salesperson \(p.salesperson)"
        }
    }
}
