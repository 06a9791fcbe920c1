import Foundation

/// Starts child processes from one thread that lives as long as the test
/// process. `setpriv --pdeathsig KILL` ties a child to the *thread* that
/// started it, not the process: a daemon started from one of the threads
/// async tests run on was killed when that worker thread retired, midway
/// through a slow test under the whole suite.
public enum ProcessLauncher {
    private static let launcher = Launcher()

    /// Runs `process.run()` on the launcher's thread and waits for it.
    public static func run(_ process: Process) throws {
        try launcher.run(process)
    }

    /// @unchecked Sendable: `jobs` is touched only under `condition`.
    private final class Launcher: @unchecked Sendable {
        private let condition = NSCondition()
        private var jobs: [() -> Void] = []

        init() {
            let thread = Thread { [self] in self.serve() }
            thread.name = "test process launcher"
            thread.start()
        }

        private func serve() {
            while true {
                condition.lock()
                while jobs.isEmpty { condition.wait() }
                let job = jobs.removeFirst()
                condition.unlock()
                job()
            }
        }

        func run(_ process: Process) throws {
            let done = DispatchSemaphore(value: 0)
            let outcome = Outcome()
            condition.lock()
            jobs.append {
                do { try process.run() } catch { outcome.error = error }
                done.signal()
            }
            condition.signal()
            condition.unlock()
            done.wait()
            if let error = outcome.error { throw error }
        }
    }

    /// @unchecked Sendable: written by the launcher thread before the semaphore is signalled, read after.
    private final class Outcome: @unchecked Sendable {
        var error: (any Error)?
    }
}
