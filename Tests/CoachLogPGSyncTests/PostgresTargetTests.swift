import CoachLogPGSync
import Testing

@Suite struct PostgresTargetTests {
    @Test func aTCPURLWithEverything() throws {
        let t = try PostgresTarget(url: "postgres://bi:s%40cret@db.example.com:6543/analytics?sslmode=require", defaultUser: "me")
        #expect(t.host == "db.example.com")
        #expect(t.port == 6543)
        #expect(t.user == "bi")
        #expect(t.password == "s@cret")
        #expect(t.database == "analytics")
        #expect(t.tls == .require)
        #expect(t.summary == "bi@db.example.com:6543/analytics (sslmode require)")
    }

    @Test func aSocketFolderAsLibpqTakesIt() throws {
        let t = try PostgresTarget(url: "postgres:///coachlog?host=/tmp/pg&port=5433", defaultUser: "me", password: "pw")
        #expect(t.host == nil)
        #expect(t.socketPath == "/tmp/pg/.s.PGSQL.5433")
        #expect(t.user == "me")
        #expect(t.password == "pw")
        #expect(t.database == "coachlog")
        #expect(t.tls == .disable)
        let encoded = try PostgresTarget(url: "postgresql://coach@%2Fvar%2Frun%2Fpostgresql/x", defaultUser: "me")
        #expect(encoded.socketPath == "/var/run/postgresql/.s.PGSQL.5432")
        #expect(encoded.user == "coach")
    }

    @Test func defaultsAreLibpqs() throws {
        let t = try PostgresTarget(url: "postgres://localhost", defaultUser: "me")
        #expect(t.port == 5432)
        #expect(t.database == "me")
        #expect(t.tls == .prefer)
        let local = try PostgresTarget(url: "postgres://", defaultUser: "me")
        #expect(local.socketPath == "/var/run/postgresql/.s.PGSQL.5432")
    }

    @Test func badURLsSayWhatToWrite() {
        for (url, says) in [
            ("mysql://x/y", "not a postgres:// URL"),
            ("postgres://h:99999/d", "port"),
            ("postgres://h/d?sslmode=sometimes", "sslmode sometimes is not one of"),
            ("postgres:///d?host=/tmp&sslmode=require", "needs a TCP host"),
            ("postgres://h/d?colour=blue", "unknown parameter colour"),
        ] {
            #expect(throws: PostgresTarget.Invalid.self) { try PostgresTarget(url: url, defaultUser: "me") }
            do {
                _ = try PostgresTarget(url: url, defaultUser: "me")
            } catch {
                #expect(error.description.contains(says), "\(url): \(error)")
                #expect(error.description.contains("postgres://USER@HOST:PORT/DATABASE"))
            }
        }
    }

    @Test func passwordsAreRedacted() {
        #expect(PostgresTarget.redacted("postgres://u:secret@h/d") == "postgres://u:***@h/d")
        #expect(PostgresTarget.redacted("postgres://h/d?password=secret") == "postgres://h/d?password=***")
        do {
            _ = try PostgresTarget(url: "postgres://u:secret@h:0/d", defaultUser: "me")
        } catch {
            #expect(!error.description.contains("secret"))
        }
    }
}
