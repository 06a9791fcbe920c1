import CoachLogPOSIX
import HashChain

#if canImport(Glibc)
import Glibc
#endif

/// A secret of 32 bytes in a file of its own: 64 hexadecimal digits and a
/// newline, mode 0600, in a folder only its owner may enter. The master key
/// and the daemon's signing key are kept this way, never in the data file.
public enum KeyFile {
    /// Which key a file holds: what messages call it, and which
    /// `coachlogd` option names another file.
    public enum Kind: Sendable {
        case master
        case signing

        var noun: String { self == .master ? "master key" : "signing key" }
        var option: String { self == .master ? "--master-key" : "--signing-key" }
    }

    /// The 32 bytes in the file at `path`.
    public static func read(_ path: String, kind: Kind) throws(SealingError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw SealingError(
                code == ENOENT
                    ? "the \(kind.noun) file \(path) does not exist"
                    : "cannot read the \(kind.noun) file \(path): \(String(cString: strerror(code)))",
                missing: code == ENOENT)
        }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = Glibc.read(fd, &buffer, buffer.count)
        guard n > 0 else {
            throw SealingError("the \(kind.noun) file \(path) is empty; restore it from where you keep a copy")
        }
        let text = String(decoding: buffer[..<n], as: UTF8.self).trimmingCharacters(in: " \n\r\t")
        guard let bytes = Hex.bytes(text), bytes.count == 32 else {
            throw SealingError(
                "the \(kind.noun) file \(path) does not hold a key (64 hexadecimal digits); restore it from where you keep a copy")
        }
        return bytes
    }

    /// Writes 32 new random bytes to `path`, creating its folder (0700); never
    /// replaces an existing file: two daemons starting at once get one key.
    /// Crash-safe: the key is written and synced under a temporary name,
    /// linked into place (which fails if the name exists), and the folder
    /// synced, so the name never shows a partial key and survives a power cut
    /// that whatever records the key's fingerprint survives. Returns the
    /// bytes now in the file.
    public static func create(_ path: String, kind: Kind) throws(SealingError) -> [UInt8] {
        let folder = POSIX.parentFolder(of: path)
        do {
            try POSIX.makeFolders(folder, mode: 0o700)
        } catch {
            throw SealingError("cannot create the folder for the \(kind.noun) \(path): \(error.message)")
        }
        if access(path, F_OK) == 0 { return try read(path, kind: kind) }
        let temporary = path + ".new-\(getpid())"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw SealingError(
                "cannot create the \(kind.noun) file \(path): \(String(cString: strerror(errno))); give \(kind.option) a file in a folder this user may write, or create one with coachlogd create-key"
            )
        }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let text = Array((Hex.string(bytes) + "\n").utf8)
        let written = write(fd, text, text.count)
        let synced = fsync(fd) == 0
        close(fd)
        defer { unlink(temporary) }
        guard written == text.count, synced else {
            throw SealingError("cannot write the \(kind.noun) file \(path): \(String(cString: strerror(errno)))")
        }
        if link(temporary, path) != 0 {
            let code = errno
            if code == EEXIST { return try read(path, kind: kind) }
            // A file system without hard links: rename, after checking once more that nothing is there.
            guard code == EPERM || code == ENOTSUP || code == EOPNOTSUPP, access(path, F_OK) != 0,
                rename(temporary, path) == 0
            else {
                throw SealingError("cannot create the \(kind.noun) file \(path): \(String(cString: strerror(code)))")
            }
        }
        let directory = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
        return bytes
    }
}

extension SigningKey {
    /// Reads the signing key file at `path`.
    public static func load(path: String) throws(SealingError) -> SigningKey {
        try make(KeyFile.read(path, kind: .signing), path: path)
    }

    /// Writes a new signing key to `path` unless one is there already; returns the key now in the file.
    public static func create(path: String) throws(SealingError) -> SigningKey {
        try make(KeyFile.create(path, kind: .signing), path: path)
    }

    private static func make(_ seed: [UInt8], path: String) throws(SealingError) -> SigningKey {
        guard let key = SigningKey(seed: seed) else { throw SealingError("the signing key file \(path) does not hold a key") }
        return key
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var scalars = Substring(self)
        while let first = scalars.first, set.contains(first) { scalars.removeFirst() }
        while let last = scalars.last, set.contains(last) { scalars.removeLast() }
        return String(scalars)
    }
}
