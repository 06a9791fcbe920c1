import ArgumentParser
import CoachLogProtocol
import CoachLogServer
import CoachLogPOSIX
import EventStore
import Foundation
import HashChain
import Logging
import Sealing
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

@main
struct CoachLogDaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coachlogd",
        abstract: "The CoachLog daemon: records coaching events and serves them on a Unix socket.",
        discussion: """
            Environment: COACHLOG_DATA, COACHLOG_SOCKET, COACHLOG_SOCKET_MODE, COACHLOG_MAX_LINE_BYTES and
            COACHLOG_LOG_LEVEL stand in for the options of the same name. Under systemd the defaults are
            /var/lib/coachlog and /run/coachlog/coachlog.sock.
            """,
        version: "0.1.0",
        subcommands: [Serve.self, Rebuild.self, Verify.self, Restore.self, CreateKey.self],
        defaultSubcommand: Serve.self
    )
}

/// Options every subcommand shares.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Data folder (default: $COACHLOG_DATA or a per-user folder).", valueName: "DIR"))
    var data: String?

    @Option(name: .long, help: "trace, debug, info, notice, warning, error or critical (default: $COACHLOG_LOG_LEVEL or info).")
    var logLevel: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The master key file, outside the data folder (default: $COACHLOG_MASTER_KEY, $CREDENTIALS_DIRECTORY/master.key, /etc/coachlog/master.key for root, else ~/.config/coachlog/master.key).",
            valueName: "FILE"))
    var masterKey: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The Ed25519 key that signs the log's heads, outside the data folder (default: $COACHLOG_SIGNING_KEY, $CREDENTIALS_DIRECTORY/signing.key, /etc/coachlog/signing.key for root, else ~/.config/coachlog/signing.key).",
            valueName: "FILE"))
    var signingKey: String?

    var dataDirectory: String { data ?? DefaultPaths.dataDirectory }
    var masterKeyPath: String { masterKey ?? DefaultPaths.masterKeyPath }
    var signingKeyPath: String { signingKey ?? DefaultPaths.signingKeyPath }

    /// The public keys a signed head may carry: those given, else the signing key's if it exists.
    /// With neither, says so: signed heads are then checked only against the keys they carry.
    func trustedKeys(_ given: [String]) throws -> [[UInt8]] {
        let keys = try givenOrOwnKeys(given)
        if keys.isEmpty {
            FileHandle.standardError.write(
                Data(
                    "coachlogd: note: no --public-key and no signing key at \(signingKeyPath): signed heads are checked against the public keys they carry, which proves less; name the daemon's with --public-key HEX\n"
                        .utf8))
        }
        return keys
    }

    private func givenOrOwnKeys(_ given: [String]) throws -> [[UInt8]] {
        if !given.isEmpty {
            return try given.map { text in
                guard let key = HexDigits.bytes(text), key.count == 32 else {
                    throw ValidationError("--public-key \(text) is not a public key (64 hexadecimal digits)")
                }
                return key
            }
        }
        return (try? SigningKey.load(path: signingKeyPath)).map { [$0.publicKey] } ?? []
    }

    func makeLogger() throws -> Logger {
        let text = logLevel ?? ProcessInfo.processInfo.environment["COACHLOG_LOG_LEVEL"] ?? "info"
        guard let level = Logger.Level(rawValue: text) else {
            throw ValidationError("unknown log level \"\(text)\"; use trace, debug, info, notice, warning, error or critical")
        }
        var logger = Logger(label: "coachlogd")
        logger.logLevel = level
        return logger
    }
}

enum Startup {
    static let bootstrapLogging: Void = {
        LoggingSystem.bootstrap { label in StreamLogHandler.standardError(label: label) }
    }()

    /// Opens the store or exits with a clear message and status 1. The master
    /// key is created (0600) only for a store that holds nothing yet.
    static func openStore(
        _ directory: String, masterKeyPath: String, mapBytes: Int = EventStore.Options.defaultMapSize, deferringReadModel: Bool = false,
        creatingKey: Bool = true, logger: Logger
    ) -> EventStore {
        do {
            try EventStore.prepareFolder(directory)
        } catch {
            fail("cannot open the data folder \(directory): \(error)")
        }
        let key = loadMasterKey(masterKeyPath, dataDirectory: directory, creating: creatingKey, logger: logger)
        do {
            var options = EventStore.Options(masterKey: key, mapSize: mapBytes)
            options.deferringReadModel = deferringReadModel
            return try EventStore(directory: directory, options: options)
        } catch {
            fail("cannot open the data folder \(directory): \(error)")
        }
    }

    /// Whether the file at `path` would be inside `folder`. Compared as real paths: a relative path or
    /// a link must not hide a key inside the data folder. A path that does not exist yet resolves through
    /// its deepest existing folder.
    static func isInside(_ path: String, folder: String) -> Bool {
        func real(_ p: String) -> String {
            var head = p
            var tail: [String] = []
            while true {
                if let resolved = realpath(head, nil) {
                    defer { free(resolved) }
                    return ([String(cString: resolved)] + tail.reversed()).joined(separator: "/")
                }
                let parent = POSIX.parentFolder(of: head)
                guard parent != head else { return p }
                tail.append(String(head.split(separator: "/").last ?? ""))
                head = parent
            }
        }
        let data = real(folder)
        let keyFolder = real(POSIX.parentFolder(of: path))
        return keyFolder == data || keyFolder.hasPrefix(data.hasSuffix("/") ? data : data + "/")
    }

    static func warnIfOthersMayRead(_ path: String, _ what: String, logger: Logger) {
        var st = stat()
        if stat(path, &st) == 0, st.st_mode & 0o077 != 0 {
            logger.warning(
                "\(what) \(path) may be read by others (mode \(String(st.st_mode & 0o777, radix: 8))); make it 0600: chmod 600 \(path)")
        }
    }

    static func loadMasterKey(_ path: String, dataDirectory: String, creating: Bool, logger: Logger) -> MasterKey {
        if isInside(path, folder: dataDirectory) {
            fail(
                "the master key \(path) is inside the data folder \(dataDirectory): a backup or copy of the folder would carry the key with the records; keep it elsewhere (--master-key)"
            )
        }
        do {
            let key = try MasterKey.load(path: path)
            logger.info("encryption at rest: master key \(path) (fingerprint \(key.fingerprint))")
            warnIfOthersMayRead(path, "the master key", logger: logger)
            return key
        } catch where error.missing && creating && !isSealed(dataDirectory) {
            do {
                let key = try MasterKey.create(path: path)
                logger.notice(
                    "encryption at rest: created a new master key at \(path) (fingerprint \(key.fingerprint)); keep a copy apart from the data and its backups: without it no record can be read"
                )
                return key
            } catch {
                fail("\(error)")
            }
        } catch where error.missing {
            guard case .sealed(let fingerprint) = sealing(dataDirectory) else {
                fail("\(error); create it with coachlogd create-key \(path), or name another with --master-key")
            }
            fail(
                "\(error), and the store in \(dataDirectory) is sealed with master key \(fingerprint): start with --master-key FILE naming that key (see README, \"Encryption at rest and erasure\")"
            )
        } catch {
            fail("\(error)")
        }
    }

    /// The daemon's signing key, created (0600) when missing. Without one
    /// (a read-only credentials folder holding none) the daemon serves, and
    /// `checkpoint` says how to give it one.
    static func loadSigningKey(_ path: String, dataDirectory: String, logger: Logger) -> SigningKey? {
        if isInside(path, folder: dataDirectory) {
            fail(
                "the signing key \(path) is inside the data folder \(dataDirectory): whoever can change the data could then sign it too; keep it elsewhere (--signing-key)"
            )
        }
        do {
            let key = try SigningKey.load(path: path)
            logger.info("tamper evidence: signing key \(path) (public key \(HexDigits.string(key.publicKey)))")
            warnIfOthersMayRead(path, "the signing key", logger: logger)
            return key
        } catch where error.missing {
            do {
                let key = try SigningKey.create(path: path)
                logger.notice(
                    "tamper evidence: created a new signing key at \(path) (public key \(HexDigits.string(key.publicKey))); give auditors the public key, and keep the key apart from the data"
                )
                return key
            } catch {
                logger.warning(
                    "tamper evidence: no signing key (\(error)); checkpoint is refused, and backups carry no signed head, until coachlogd starts with --signing-key FILE (coachlogd create-key --signing FILE makes one)"
                )
                return nil
            }
        } catch {
            fail("\(error)")
        }
    }

    /// The store's sealing, or exit: a store that cannot be read must never be taken for a new one.
    static func sealing(_ directory: String) -> EventStore.SealingState {
        do {
            return try EventStore.sealingState(directory: directory)
        } catch {
            fail("cannot open the data folder \(directory): \(error)")
        }
    }

    static func isSealed(_ directory: String) -> Bool {
        if case .sealed = sealing(directory) { return true }
        return false
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("coachlogd: \(message)\n".utf8))
        exit(1)
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the protocol (the default).")

    @OptionGroup var options: DataOptions

    @Option(name: .long, help: ArgumentHelp("Unix socket path (default: $COACHLOG_SOCKET or a per-user runtime path).", valueName: "PATH"))
    var socket: String?

    @Option(name: .long, help: ArgumentHelp("Permission bits of the socket, in octal (default 0660).", valueName: "MODE"))
    var socketMode: String?

    @Option(name: .long, help: ArgumentHelp("Group to own the socket file.", valueName: "GROUP"))
    var socketGroup: String?

    @Option(name: .long, help: ArgumentHelp("Also serve a socket that only allows hello, read, query, subscribe and stats.", valueName: "PATH"))
    var readOnlySocket: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Access file mapping users and groups to roles (README \"Access control\"); without it, single-user mode: everyone who can open the socket is an operator. Re-read on SIGHUP.",
            valueName: "PATH"))
    var accessFile: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Audit log of refusals and of reads of a person's record by others, one JSON line each, mode 0600 (default: audit.log in the data folder; only with --access-file).",
            valueName: "PATH"))
    var auditLog: String?

    @Option(name: .long, help: "Longest request line accepted, in bytes (default 1048576).")
    var maxLineBytes: Int?

    @Option(name: .long, help: ArgumentHelp("Initial size of the memory map, in bytes; it doubles whenever it fills (default 64 GiB of address space).", visibility: .hidden))
    var initialMapBytes: Int?

    mutating func run() async throws {
        _ = Startup.bootstrapLogging
        let logger = try options.makeLogger()
        let environment = ProcessInfo.processInfo.environment
        let modeText = socketMode ?? environment["COACHLOG_SOCKET_MODE"] ?? "0660"
        guard let mode = UInt32(modeText, radix: 8), mode <= 0o777 else {
            throw ValidationError("--socket-mode \(modeText) is not an octal mode such as 0660")
        }
        let maximumLine = maxLineBytes ?? environment["COACHLOG_MAX_LINE_BYTES"].flatMap { Int($0) } ?? (1 << 20)
        guard maximumLine >= 1024, maximumLine <= 64 << 20 else {
            throw ValidationError("--max-line-bytes must be between 1024 and 67108864")
        }
        raiseOpenFileLimit()
        let mapBytes = initialMapBytes ?? environment["COACHLOG_INITIAL_MAP_BYTES"].flatMap { Int($0) }
            ?? EventStore.Options.defaultMapSize
        guard mapBytes >= 32 * 1024 else { throw ValidationError("--initial-map-bytes must be at least 32768") }
        // The read model loads once the socket listens: `hello` is answered meanwhile.
        let store = Startup.openStore(
            options.dataDirectory, masterKeyPath: options.masterKeyPath, mapBytes: mapBytes, deferringReadModel: true,
            logger: logger)
        let configuration = ServerConfiguration(
            socketPath: socket ?? DefaultPaths.socketPath, socketMode: mode, socketGroup: socketGroup,
            readOnlySocketPath: readOnlySocket, maximumLineBytes: maximumLine,
            inheritedListenerDescriptor: InheritedSocket.listener(),
            signingKey: Startup.loadSigningKey(options.signingKeyPath, dataDirectory: options.dataDirectory, logger: logger))
        let access: AccessControl
        do {
            access = try AccessControl(
                AccessConfiguration(
                    accessFile: accessFile,
                    auditLog: auditLog ?? (options.dataDirectory as NSString).appendingPathComponent("audit.log")),
                logger: logger)
        } catch {
            Startup.fail("\(error)")
        }
        let daemon = Daemon(store: store, configuration: configuration, logger: logger, access: access)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: daemon)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            Startup.fail("\(error)")
        }
    }

    /// 1,000 clients need more than the usual 1,024 descriptors.
    func raiseOpenFileLimit() {
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = min(limit.rlim_max, 65_536)
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
    }
}

struct Rebuild: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Recompute every projection from the event log, then exit.",
        discussion: "The daemon must not be running on the same data folder.")

    @OptionGroup var options: DataOptions

    mutating func run() throws {
        _ = Startup.bootstrapLogging
        let logger = try options.makeLogger()
        // Not loaded first: a rebuild must work on tables too damaged to load.
        let store = Startup.openStore(
            options.dataDirectory, masterKeyPath: options.masterKeyPath, deferringReadModel: true, creatingKey: false,
            logger: logger)
        let started = Date()
        do {
            try store.rebuildProjections()
        } catch {
            Startup.fail("rebuild failed: \(error)")
        }
        let position = (try? store.headPosition()) ?? 0
        let seconds = Date().timeIntervalSince(started)
        print("rebuilt projections from \(position) events in \(String(format: "%.2f", seconds)) s")
    }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a stopped store: gapless positions, stream versions, eventIds, projections equal to a rebuild.",
        discussion: """
            Read-only: the data file is opened with LMDB's MDB_RDONLY and not one byte of it changes, and \
            nothing is created in the data folder. It holds the folder's lock (coachlog.lock) shared, so a daemon \
            cannot start meanwhile, and refuses a folder a running daemon holds. The comparison with a rebuild \
            is made in a scratch file under $TMPDIR (or /tmp), removed afterwards.

            A store written by an older coachlogd (an older store format or older projections), or one whose \
            upgrade or rebuild was interrupted, is not upgraded: verify says it needs an upgrade. Starting \
            coachlogd on the folder upgrades it in place (crash-safe; an interrupted upgrade resumes at the next \
            start); stop it and run verify again.

            Exit status: 0 consistent; 1 problems found (each listed), or the store cannot be read or is in use; \
            2 the store needs an upgrade before it can be checked.
            """)

    /// Distinct from 1 (damage or failure): scripts can tell "upgrade first" from "something is wrong".
    static let needsUpgradeStatus: Int32 = 2

    @OptionGroup var options: DataOptions

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A public key (64 hexadecimal digits) signed heads may be signed with; repeat for older keys (default: the signing key's).",
            valueName: "HEX"))
    var publicKey: [String] = []

    mutating func run() throws {
        _ = Startup.bootstrapLogging
        let logger = try options.makeLogger()
        let directory = options.dataDirectory
        let trusted = try options.trustedKeys(publicKey)
        // A store of an older format records no key: verify reports that it needs an upgrade without one.
        let key =
            Startup.isSealed(directory)
            ? Startup.loadMasterKey(options.masterKeyPath, dataDirectory: directory, creating: false, logger: logger)
            : MasterKey.random()
        let report: VerificationReport
        do {
            report = try EventStore.verify(directory: directory, masterKey: key, trustedKeys: trusted)
        } catch {
            Startup.fail("cannot verify \(directory): \(error)")
        }
        if let reason = report.upgradeNeeded {
            FileHandle.standardError.write(
                Data(
                    """
                    coachlogd: the store in \(directory) needs an upgrade before it can be verified: \(reason). \
                    verify changed nothing. To upgrade it, start coachlogd on this data folder (it upgrades the store \
                    in place at startup), stop it, and run verify again.

                    """.utf8))
            throw ExitCode(Self.needsUpgradeStatus)
        }
        if report.isConsistent {
            print(
                "consistent: \(report.events) events, \(report.salespeople) salespeople; the hash chain holds and \(report.signedHeads) signed heads match it; projections equal a rebuild"
            )
            if let latest = report.latestSignedHead {
                print(
                    "latest signed head: \(latest.position):\(latest.hash.hex), signed \(Timestamp(milliseconds: latest.signedAtMilliseconds).iso8601) by key \(HexDigits.string(latest.publicKey))"
                )
            }
            if report.unflushed > 0 {
                // A daemon that was killed leaves its last events unflushed; that is expected, not damage.
                print(
                    "note: the last \(report.unflushed) events are not yet in the projection tables (the daemon stopped without its final flush); the next start folds them in"
                )
            }
        } else {
            for problem in report.problems { print("problem: \(problem)") }
            if let first = report.firstBadPosition {
                print("first bad position: \(first)")
                Startup.fail(
                    "\(report.problems.count) problems in \(directory): the log was changed behind coachlogd's back from position \(first) on; restore a backup that verifies (coachlogd restore)"
                )
            }
            Startup.fail("\(report.problems.count) problems in \(directory)")
        }
    }
}

struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Put a backup in place as a stopped store's data file, if it verifies.",
        discussion: """
            The backup is copied into the data folder, checked as `coachlogd verify` checks a store (its hash \
            chain, the signed heads it holds, among them the one `backup` signed for it, and its projections), \
            and only then renamed to coachlog.mdb. The data file it replaces is kept beside it as \
            coachlog.mdb.replaced-TIME. A backup that does not verify is refused and nothing changes; \
            --unverified restores it anyway (say, the only copy there is, known to predate the hash chain). \
            The daemon must not be running on the data folder; start it afterwards with the store's master key.
            Example:
              coachlogd restore /var/lib/coachlog/backups/2026-11-26.mdb --data /var/lib/coachlog
            """)

    @Argument(help: "The backup file (written by `coachlog backup`).") var backup: String
    @OptionGroup var options: DataOptions

    @Option(name: .long, help: ArgumentHelp("A public key the backup's signed heads may carry; repeatable.", valueName: "HEX"))
    var publicKey: [String] = []

    @Flag(name: .long, help: "Restore the backup even if it does not verify.") var unverified = false

    mutating func run() throws {
        _ = Startup.bootstrapLogging
        let logger = try options.makeLogger()
        let trusted = try options.trustedKeys(publicKey)
        let key = Startup.loadMasterKey(
            options.masterKeyPath, dataDirectory: options.dataDirectory, creating: false, logger: logger)
        let outcome: RestoreOutcome
        do {
            outcome = try EventStore.restore(
                backup: backup, into: options.dataDirectory, masterKey: key, trustedKeys: trusted, unverified: unverified)
        } catch {
            Startup.fail("cannot restore \(backup): \(error)")
        }
        let report = outcome.report
        if report.isConsistent {
            print(
                "restored \(backup) into \(options.dataDirectory): \(report.events) events; the hash chain holds and \(report.signedHeads) signed heads match it"
            )
        } else {
            for problem in report.problems { print("problem: \(problem)") }
            if let reason = report.upgradeNeeded { print("not checked: \(reason)") }
            print("restored \(backup) into \(options.dataDirectory) WITHOUT verification (--unverified)")
        }
        if let replaced = outcome.replacedFile { print("the data file it replaced is kept as \(replaced)") }
    }
}

struct CreateKey: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-key",
        abstract: "Create a master key file (64 hexadecimal digits, mode 0600) without starting the daemon.",
        discussion: """
            For installs where the daemon cannot write the key's folder, such as systemd's LoadCredential=:
              sudo coachlogd create-key /etc/coachlog/master.key
            An existing file is left as it is. Keep a copy of the key apart from the data and its backups:
            without it no record can be read.
            """)

    @Argument(help: "Where to write the key (default: the daemon's default key path).") var file: String?

    @Flag(name: .long, help: "Create the Ed25519 signing key (signed heads) instead, and print its public key.")
    var signing = false

    mutating func run() throws {
        if signing {
            let path = file ?? DefaultPaths.signingKeyPath
            do {
                let existed = (try? SigningKey.load(path: path)) != nil
                let key = try SigningKey.create(path: path)
                print(
                    "\(existed ? "kept the existing" : "created the") signing key \(path); its public key, for auditors: \(HexDigits.string(key.publicKey))"
                )
            } catch {
                Startup.fail("\(error)")
            }
            return
        }
        let path = file ?? DefaultPaths.masterKeyPath
        if let existing = try? MasterKey.load(path: path) {
            print("\(path) already holds a master key (fingerprint \(existing.fingerprint)); left as it is")
            return
        }
        do {
            let key = try MasterKey.create(path: path)
            print("created the master key \(path) (fingerprint \(key.fingerprint)); keep a copy apart from the data and its backups")
        } catch {
            Startup.fail("\(error)")
        }
    }
}

enum InheritedSocket {
    static func listener() -> Int32? {
        let environment = ProcessInfo.processInfo.environment
        guard let pid = environment["LISTEN_PID"].flatMap({ Int32($0) }), pid == getpid(),
            let count = environment["LISTEN_FDS"].flatMap({ Int($0) }), count >= 1
        else { return nil }
        unsetenv("LISTEN_PID")
        unsetenv("LISTEN_FDS")
        unsetenv("LISTEN_FDNAMES")
        return 3  // SD_LISTEN_FDS_START
    }
}
