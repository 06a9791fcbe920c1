import CoachLogPOSIX
import Sealing

#if canImport(Glibc)
import Glibc
#endif

/// What `restore` did.
public struct RestoreOutcome: Sendable, Equatable {
    /// The check of the backup: its chain, its signed heads, its projections.
    public var report: VerificationReport
    /// Where the data file the backup replaced was moved; nil when there was none.
    public var replacedFile: String?
}

extension EventStore {
    /// Puts the backup file at `backup` in place as the data file of the
    /// stopped store in `directory`, only if it verifies (chain, signed
    /// heads, projections: `verify`), unless `unverified`. Holds the folder's
    /// lock throughout, so a running daemon makes it fail and none can start
    /// meanwhile. Crash-safe: the backup is copied and synced under a
    /// temporary name, checked there, and renamed into place; the data file
    /// it replaces is kept beside it, renamed, never deleted.
    public static func restore(
        backup: String, into directory: String, masterKey: MasterKey, trustedKeys: [[UInt8]], unverified: Bool
    ) throws -> RestoreOutcome {
        do {
            guard try checkDataFile(backup) else {
                throw StoreError(.format, "\(backup) is empty or missing; give the path of a file `coachlog backup` wrote")
            }
            try ensureDirectory(directory)
            let lock = try lockDirectory(directory)
            defer { close(lock) }
            let target = directory + "/" + dataFileName
            let temporary = target + ".restoring-\(getpid())"
            try copyFile(backup, to: temporary)
            var keep = false
            defer { if !keep { unlink(temporary) } }
            let report = try verify(file: temporary, masterKey: masterKey, trustedKeys: trustedKeys)
            if !report.isConsistent && !unverified {
                let why = report.upgradeNeeded.map { "it was written by an older coachlogd (\($0)), before the log was hash-chained" }
                    ?? report.problems.first ?? "it does not verify"
                throw StoreError(
                    .format,
                    "the backup \(backup) does not verify: \(why). Nothing was changed. Restore another backup, or pass --unverified to restore this one anyway (docs/operations.md, \"Restoring\")"
                )
            }
            var replaced: String?
            if access(target, F_OK) == 0 {
                // Never over an earlier one: two restores in one second keep both files they replaced.
                var aside = target + ".replaced-\(time(nil))"
                var n = 1
                while access(aside, F_OK) == 0 {
                    aside = target + ".replaced-\(time(nil))-\(n)"
                    n += 1
                }
                // A second name first, then the backup renamed over the data file in one step: at no
                // moment is there no data file (a daemon would start a new, empty store).
                guard link(target, aside) == 0 else {
                    throw StoreError(.unavailable, "cannot keep \(target) as \(aside): \(String(cString: strerror(errno)))")
                }
                replaced = aside
            }
            guard rename(temporary, target) == 0 else {
                let reason = String(cString: strerror(errno))
                if let replaced { unlink(replaced) }
                throw StoreError(.unavailable, "cannot put the backup in place as \(target): \(reason); nothing was changed")
            }
            keep = true
            // Run as root for a daemon of its own user: the files get the data folder's owner, not root.
            var folderStatus = stat()
            if geteuid() == 0, stat(directory, &folderStatus) == 0 {
                for path in [target, directory + "/" + lockFileName] {
                    _ = chown(path, folderStatus.st_uid, folderStatus.st_gid)
                }
            }
            let folder = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if folder >= 0 {
                fsync(folder)
                close(folder)
            }
            return RestoreOutcome(report: report, replacedFile: replaced)
        } catch {
            throw StoreError.from(error)
        }
    }

    /// Copies `source` to a new file `destination` (0600) and syncs it.
    static func copyFile(_ source: String, to destination: String) throws {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw StoreError(.unavailable, "cannot read \(source): \(String(cString: strerror(errno)))") }
        defer { close(input) }
        unlink(destination)
        let output = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard output >= 0 else {
            throw StoreError(.unavailable, "cannot create \(destination): \(String(cString: strerror(errno))); check the data folder")
        }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = Glibc.read(input, &buffer, buffer.count)
            if n == 0 { break }
            guard n > 0 else { throw StoreError(.unavailable, "cannot read \(source): \(String(cString: strerror(errno)))") }
            var written = 0
            while written < n {
                let w = buffer[written..<n].withUnsafeBytes { write(output, $0.baseAddress, n - written) }
                guard w > 0 else {
                    throw StoreError(.unavailable, "cannot write \(destination): \(String(cString: strerror(errno)))")
                }
                written += w
            }
        }
        guard fsync(output) == 0 else { throw StoreError(.unavailable, "cannot sync \(destination)") }
    }
}
