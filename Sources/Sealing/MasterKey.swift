import CoachLogPOSIX
import Crypto

#if canImport(Glibc)
import Glibc
#endif

/// The key that wraps every salesperson's data key. It never enters the data
/// file: the store keeps only its fingerprint, so that it can tell a wrong
/// key from a damaged file.
///
/// On disk it is 32 random bytes written as 64 hexadecimal digits and a
/// newline, in a file only its owner may read (0600).
// SymmetricKey is immutable once made; swift-crypto 3 does not mark it Sendable.
public struct MasterKey: @unchecked Sendable {
    let key: SymmetricKey

    /// Eight bytes of a hash of the key, in hexadecimal: what a store records,
    /// and what messages show. It reveals nothing that helps recover the key.
    public let fingerprint: String

    public init(bytes: [UInt8]) throws(SealingError) {
        guard bytes.count == 32 else {
            throw SealingError("a master key is 32 bytes, not \(bytes.count)")
        }
        key = SymmetricKey(data: bytes)
        var hasher = SHA256()
        hasher.update(data: Array("coachlog master key fingerprint".utf8))
        hasher.update(data: bytes)
        fingerprint = Hex.string(Array(hasher.finalize().prefix(8)))
    }

    /// A new random key (not written anywhere).
    public static func random() -> MasterKey {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        // 32 bytes always make a key.
        return try! MasterKey(bytes: bytes)
    }

    /// Reads the key file at `path`.
    public static func load(path: String) throws(SealingError) -> MasterKey {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw SealingError(
                code == ENOENT
                    ? "the master key file \(path) does not exist"
                    : "cannot read the master key file \(path): \(String(cString: strerror(code)))",
                missing: code == ENOENT)
        }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = read(fd, &buffer, buffer.count)
        guard n > 0 else { throw SealingError("the master key file \(path) is empty; restore it from where you keep a copy") }
        let text = String(decoding: buffer[..<n], as: UTF8.self).trimmingCharacters(in: " \n\r\t")
        guard let bytes = Hex.bytes(text), bytes.count == 32 else {
            throw SealingError(
                "the master key file \(path) does not hold a key (64 hexadecimal digits); restore it from where you keep a copy")
        }
        return try MasterKey(bytes: bytes)
    }

    /// Writes a new random key to `path`, creating its folder (0700); never
    /// replaces an existing file: two daemons starting at once get one key.
    /// Crash-safe: the key is written and synced under a temporary name,
    /// linked into place (which fails if the name exists), and the folder
    /// synced, so the name never shows a partial key and survives a power cut
    /// that the store recording its fingerprint survives. Returns the key now
    /// in the file.
    public static func create(path: String) throws(SealingError) -> MasterKey {
        let folder = POSIX.parentFolder(of: path)
        do {
            try POSIX.makeFolders(folder, mode: 0o700)
        } catch {
            throw SealingError("cannot create the folder for the master key \(path): \(error.message)")
        }
        if access(path, F_OK) == 0 { return try load(path: path) }
        let temporary = path + ".new-\(getpid())"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw SealingError(
                "cannot create the master key file \(path): \(String(cString: strerror(errno))); give --master-key a file in a folder this user may write, or create one with coachlogd create-key"
            )
        }
        let key = random()
        let text = Array((Hex.string(key.bytes) + "\n").utf8)
        let written = write(fd, text, text.count)
        let synced = fsync(fd) == 0
        close(fd)
        defer { unlink(temporary) }
        guard written == text.count, synced else {
            throw SealingError("cannot write the master key file \(path): \(String(cString: strerror(errno)))")
        }
        if link(temporary, path) != 0 {
            let code = errno
            if code == EEXIST { return try load(path: path) }
            // A file system without hard links: rename, after checking once more that nothing is there.
            guard code == EPERM || code == ENOTSUP || code == EOPNOTSUPP, access(path, F_OK) != 0,
                rename(temporary, path) == 0
            else {
                throw SealingError("cannot create the master key file \(path): \(String(cString: strerror(code)))")
            }
        }
        let directory = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
        return key
    }

    var bytes: [UInt8] { key.withUnsafeBytes { Array($0) } }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var scalars = Substring(self)
        while let first = scalars.first, set.contains(first) { scalars.removeFirst() }
        while let last = scalars.last, set.contains(last) { scalars.removeLast() }
        return String(scalars)
    }
}

/// What went wrong with a key or a sealed value. `missing` marks a key file
/// that does not exist (the daemon may then create one for a new store).
public struct SealingError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var missing: Bool

    public init(_ message: String, missing: Bool = false) {
        self.message = message
        self.missing = missing
    }

    public var description: String { message }
}

/// Lower-case hexadecimal, for key files, fingerprints and pseudonyms.
public enum Hex {
    static let digits = Array("0123456789abcdef".utf8)

    public static func string(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func bytes(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let high = value(utf8[i]), let low = value(utf8[i + 1]) else { return nil }
            out.append(high << 4 | low)
            i += 2
        }
        return out
    }

    private static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
