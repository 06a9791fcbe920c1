import CoachLogAccess
import CoachLogProtocol
import CoachingDomain
import EventStore
import Foundation
import Logging
import NIOConcurrencyHelpers

/// Where the daemon finds who may do what.
public struct AccessConfiguration: Sendable {
    /// The access file; nil for single-user mode (everyone who can open the socket is an operator).
    public var accessFile: String?
    /// Where the audit trail goes (only with an access file).
    public var auditLog: String?

    public init(accessFile: String? = nil, auditLog: String? = nil) {
        self.accessFile = accessFile
        self.auditLog = auditLog
    }

    public static let singleUser = AccessConfiguration()
}

/// Roles per request: the access file in force (reloaded on SIGHUP), peers'
/// identities (resolved once per uid and gid, again after a reload), the
/// policy's decision, the audit trail and the refusal count. In single-user
/// mode every peer is an operator and nothing here costs a request anything.
public final class AccessControl: Sendable {
    let path: String?
    private let file = NIOLockedValueBox<AccessFile?>(nil)
    private let identities = NIOLockedValueBox<[UInt64: PeerIdentity]>([:])
    let refusalCount = NIOLockedValueBox(0)
    let audit: AuditLog?
    private let logger: Logger

    /// Reads the access file (a malformed one stops the start: there is no previous one to keep).
    public init(_ configuration: AccessConfiguration, logger: Logger) throws {
        self.logger = logger
        self.path = configuration.accessFile
        guard let path = configuration.accessFile else {
            audit = nil
            logger.notice(
                "single-user mode: no --access-file, so everyone who can open the socket is an operator; see README \"Access control\"")
            return
        }
        let parsed = try Self.read(path)
        file.withLockedValue { $0 = parsed }
        let auditPath = configuration.auditLog ?? path + ".audit.log"
        audit = try AuditLog(path: auditPath, logger: logger)
        logger.notice("access by role from \(path) (\(parsed.entries.count) mappings); audit log \(auditPath)")
    }

    /// Single-user mode, said nowhere (for in-process tests).
    init(singleUserWith logger: Logger) {
        self.logger = logger
        path = nil
        audit = nil
    }

    var isSingleUser: Bool { path == nil }

    var refusals: Int { refusalCount.withLockedValue { $0 } }

    static func read(_ path: String) throws(AccessControlError) -> AccessFile {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw AccessControlError(
                message: "cannot read the access file \(path): \(error.localizedDescription); create it (README \"Access control\") or leave out --access-file for single-user mode")
        }
        do {
            return try AccessFile(parsing: text)
        } catch {
            throw AccessControlError(message: "the access file \(path) is malformed at \(error); fix that line (README \"Access control\")")
        }
    }

    /// Reads the access file again (SIGHUP). A malformed or unreadable file
    /// keeps the one in force, and says why. Connections use the new mapping
    /// from their next request on.
    @discardableResult
    public func reload() -> Bool {
        guard let path else {
            logger.notice("reload: single-user mode, no access file to read")
            return true
        }
        do {
            let parsed = try Self.read(path)
            file.withLockedValue { $0 = parsed }
            identities.withLockedValue { $0 = [:] }
            logger.notice("reloaded the access file \(path): \(parsed.entries.count) mappings")
            return true
        } catch {
            logger.error("reload refused, the previous access file stays in force: \(error.message)")
            return false
        }
    }

    /// The role of a connection's peer under the access file now in force.
    func role(of peer: PeerCredentials?) -> Role {
        guard let current = file.withLockedValue({ $0 }) else { return .operator }
        guard let peer else { return .unknown }
        let key = UInt64(peer.uid) << 32 | UInt64(peer.gid)
        if let known = identities.withLockedValue({ $0[key] }) { return current.role(of: known) }
        let identity = PeerIdentity.resolve(uid: peer.uid, gid: peer.gid)
        identities.withLockedValue { $0[key] = identity }
        return current.role(of: identity)
    }

    /// Decides one request; records refusals and audited reads.
    func decide(
        _ body: RequestBody, role: Role, peer: PeerCredentials?, store: EventStore
    ) -> AccessDecision {
        let now = Timestamp.now
        let decision: AccessDecision
        // `hello` needs no facts: it is answered while a starting daemon still loads its read model.
        if role.needsFacts, body.op != .hello {
            decision =
                (try? store.query { model in
                    AccessPolicy.decide(body, role: role, facts: ModelAccessFacts(model: model, now: now), now: now)
                }) ?? AccessDecision(verdict: .forbidden("the record could not be read to decide access; retry"), subject: "-", audited: true)
        } else {
            decision = AccessPolicy.decide(body, role: role, facts: NoFacts(), now: now)
        }
        if !decision.isAllowed { refusalCount.withLockedValue { $0 += 1 } }
        if decision.audited, let audit {
            var reason: String?
            if case .forbidden(let message) = decision.verdict { reason = message }
            audit.record(
                AuditLog.Entry(
                    time: now, uid: peer?.uid, pid: peer?.pid, role: role.description, op: body.op.rawValue,
                    subject: decision.subject, allowed: decision.isAllowed, reason: reason))
        }
        return decision
    }
}

/// The access file could not be read or parsed.
public struct AccessControlError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// The policy's facts from the in-memory read model, under its read lock.
struct ModelAccessFacts: AccessFacts {
    let model: any CoachingReadModel
    let now: Timestamp

    func currentCoach(of salesperson: String) -> String? {
        try? Projections.currentCoach(of: salesperson, asOf: .instant(now), model: model)
    }

    func coach(ofSession sessionId: String) -> String? {
        (try? model.session(sessionId))??.coach
    }
}

extension AccessControl {
    /// A write op on the read-only socket: counted and audited like any refusal.
    func refusedOnReadOnlySocket(_ op: CoachLogProtocol.Operation, message: String, peer: PeerCredentials?) {
        refusalCount.withLockedValue { $0 += 1 }
        guard let audit else { return }
        audit.record(
            AuditLog.Entry(
                time: .now, uid: peer?.uid, pid: peer?.pid, role: role(of: peer).description, op: op.rawValue,
                subject: "read-only socket", allowed: false, reason: message))
    }
}

extension AccessControl {
    /// For a running subscription: the peer's role again (a reloaded access
    /// file may have changed it: then the subscription ends), and for a role
    /// that depends on the record, `body` decided again against the record as
    /// it is now. Nil while allowed (not audited again); a refusal is counted
    /// and audited once, and its message returned.
    func recheck(_ body: RequestBody, role: Role, peer: PeerCredentials?, store: EventStore) -> @Sendable () -> String? {
        { [self] in
            let now = Timestamp.now
            let current = self.role(of: peer)
            let decision: AccessDecision
            if current != role {
                decision = AccessDecision(
                    verdict: .forbidden(
                        "the access file now gives this connection the role \(current.description), not \(role.description); subscribe again"
                    ), subject: "-", audited: true)
            } else if !role.needsFacts {
                return nil
            } else {
                decision =
                    (try? store.query { model in
                        AccessPolicy.decide(body, role: role, facts: ModelAccessFacts(model: model, now: now), now: now)
                    }) ?? AccessDecision(verdict: .forbidden("the record could not be read to decide access"), subject: "-", audited: true)
            }
            guard case .forbidden(let message) = decision.verdict else { return nil }
            refusalCount.withLockedValue { $0 += 1 }
            audit?.record(
                AuditLog.Entry(
                    time: now, uid: peer?.uid, pid: peer?.pid, role: role.description, op: body.op.rawValue,
                    subject: decision.subject, allowed: false, reason: message))
            return message
        }
    }
}
