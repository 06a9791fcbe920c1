#if canImport(Glibc)
import Glibc
#endif

/// Where the daemon keeps its data and socket when not told otherwise.
/// Shared by `coachlogd` and `coachlog` so that both agree without flags.
///
/// - Under systemd (`STATE_DIRECTORY` / `RUNTIME_DIRECTORY` set by
///   `StateDirectory=` and `RuntimeDirectory=`): `/var/lib/coachlog` and
///   `/run/coachlog/coachlog.sock`.
/// - By hand: `$XDG_DATA_HOME/coachlog` (or `~/.local/share/coachlog`) and
///   `$XDG_RUNTIME_DIR/coachlog.sock` (or `/tmp/coachlog-UID/coachlog.sock`).
/// - `COACHLOG_DATA` and `COACHLOG_SOCKET` override both.
public enum DefaultPaths {
    static func env(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let s = String(cString: value)
        return s.isEmpty ? nil : s
    }

    public static var dataDirectory: String {
        if let explicit = env("COACHLOG_DATA") { return explicit }
        if let state = env("STATE_DIRECTORY") { return firstPath(state) }
        if let xdg = env("XDG_DATA_HOME") { return xdg + "/coachlog" }
        if let home = env("HOME") { return home + "/.local/share/coachlog" }
        return "/var/lib/coachlog"
    }

    /// The master key file (see README, "Encryption at rest"): never in the
    /// data folder. systemd's `LoadCredential=master.key:…` puts it in
    /// `$CREDENTIALS_DIRECTORY`; otherwise the configuration folder: `/etc/coachlog`
    /// for root, `$XDG_CONFIG_HOME/coachlog` (or `~/.config/coachlog`) for a user.
    public static var masterKeyPath: String {
        if let explicit = env("COACHLOG_MASTER_KEY") { return explicit }
        if let credentials = env("CREDENTIALS_DIRECTORY") { return credentials + "/master.key" }
        if getuid() == 0 { return "/etc/coachlog/master.key" }
        if let xdg = env("XDG_CONFIG_HOME") { return xdg + "/coachlog/master.key" }
        if let home = env("HOME") { return home + "/.config/coachlog/master.key" }
        return "/etc/coachlog/master.key"
    }

    /// The daemon's Ed25519 signing key (signed heads), kept like the master
    /// key: `$COACHLOG_SIGNING_KEY`, systemd's `$CREDENTIALS_DIRECTORY/signing.key`,
    /// else `signing.key` beside the default master key.
    public static var signingKeyPath: String {
        if let explicit = env("COACHLOG_SIGNING_KEY") { return explicit }
        if let credentials = env("CREDENTIALS_DIRECTORY") { return credentials + "/signing.key" }
        if getuid() == 0 { return "/etc/coachlog/signing.key" }
        if let xdg = env("XDG_CONFIG_HOME") { return xdg + "/coachlog/signing.key" }
        if let home = env("HOME") { return home + "/.config/coachlog/signing.key" }
        return "/etc/coachlog/signing.key"
    }

    public static var socketPath: String {
        if let explicit = env("COACHLOG_SOCKET") { return explicit }
        if let runtime = env("RUNTIME_DIRECTORY") { return firstPath(runtime) + "/coachlog.sock" }
        if let xdg = env("XDG_RUNTIME_DIR") { return xdg + "/coachlog.sock" }
        if getuid() == 0 { return "/run/coachlog/coachlog.sock" }
        return privateFallbackFolder + "/coachlog.sock"
    }

    /// The socket folder used when there is no runtime directory. It lives in
    /// the shared /tmp, so it must be created by, owned by and writable only by
    /// its user; `isPrivateFolder` checks that before it is trusted.
    public static var privateFallbackFolder: String { "/tmp/coachlog-\(getuid())" }

    /// True when `path` is a real folder (not a link) owned by this user and not
    /// writable by anyone else.
    public static func isPrivateFolder(_ path: String) -> Bool {
        var st = stat()
        guard lstat(path, &st) == 0 else { return false }
        return st.st_mode & S_IFMT == S_IFDIR && st.st_uid == geteuid() && st.st_mode & 0o022 == 0
    }

    /// systemd passes several directories separated by ':'.
    static func firstPath(_ list: String) -> String {
        String(list.split(separator: ":").first ?? Substring(list))
    }
}
