import CoachLogClient
import Foundation
import Logging

/// How far the copy in PostgreSQL is behind coachlogd: `coachlog-pgsync --status`.
public struct SyncStatus: Sendable, Equatable {
    public var checkpoint: Checkpoint
    /// The daemon's last position now, or nil when it could not be asked.
    public var daemonPosition: UInt64?
    public var daemonProblem: String?

    /// Events written to the daemon's log and not yet to PostgreSQL (from the last figure the
    /// exporter recorded when the daemon cannot be asked).
    public var lagEvents: UInt64 {
        let head = daemonPosition ?? checkpoint.daemonPosition
        return head > checkpoint.position ? head - checkpoint.position : 0
    }

    /// Reads the checkpoint from PostgreSQL and the daemon's position from its socket.
    public static func read(
        target: PostgresTarget, schema: Schema, socketPath: String, logger: Logger
    ) async throws(SyncError) -> SyncStatus {
        let sink = PostgresSink(target: target, schema: schema, freeText: false, logger: logger)
        let checkpoint: Checkpoint
        do {
            checkpoint = try await sink.checkpoint()
            await sink.reset()
        } catch SyncError.postgres(let message) where message.contains("does not exist") {
            await sink.reset()
            throw SyncError.refused("schema \(schema.name) holds no copy yet (\(message)); start coachlog-pgsync first")
        } catch {
            await sink.reset()
            throw error
        }
        do {
            let connection = try Connection(path: socketPath)
            connection.setReceiveTimeout(seconds: 10)
            let stats = try connection.stats()
            return SyncStatus(checkpoint: checkpoint, daemonPosition: stats.position, daemonProblem: nil)
        } catch {
            return SyncStatus(checkpoint: checkpoint, daemonPosition: nil, daemonProblem: "\(error)")
        }
    }

    /// The report as `--status` prints it: one `name: value` line each, stable for scripts.
    public var lines: [String] {
        var lines = [
            "exported: \(checkpoint.position)",
            "projected: \(checkpoint.projectedPosition)",
        ]
        if let daemonPosition {
            lines.append("daemon: \(daemonPosition)")
        } else {
            lines.append("daemon: unreachable (\(daemonProblem ?? "unknown")); last seen at \(checkpoint.daemonPosition)")
        }
        lines.append("lag: \(lagEvents) events")
        return lines
    }
}
