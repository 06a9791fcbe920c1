import CoachLogAccess

#if canImport(Glibc)
import Glibc
#endif

extension PeerIdentity {
    /// The peer as the user and group databases know it: its user name, and
    /// its groups (the primary group the kernel reported, plus the user's
    /// supplementary groups from `getgrouplist`) with their names. A uid
    /// without a user entry keeps only its numbers, so that the access file
    /// can still name it by number. These calls may block (NSS); the daemon
    /// makes them once per uid and gid, and again after a reload.
    static func resolve(uid: UInt32, gid: UInt32) -> PeerIdentity {
        let userName = Self.userName(uid)
        var groups: [UInt32] = [gid]
        if let userName {
            var count: Int32 = 64
            for _ in 0..<4 {
                var list = [gid_t](repeating: 0, count: Int(count))
                let wanted = count
                if getgrouplist(userName, gid, &list, &count) >= 0 {
                    groups.append(contentsOf: list.prefix(Int(count)).map { UInt32($0) })
                    break
                }
                // Too small: `count` now holds the number needed.
                count = max(count, wanted * 2)
            }
        }
        var unique: [UInt32] = []
        for g in groups where !unique.contains(g) { unique.append(g) }
        return PeerIdentity(uid: uid, userName: userName, groupIDs: unique, groupNames: unique.compactMap(Self.groupName))
    }

    static func userName(_ uid: UInt32) -> String? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        for _ in 0..<4 {
            let status = getpwuid_r(uid_t(uid), &entry, &buffer, buffer.count, &result)
            if status == ERANGE {
                buffer = [CChar](repeating: 0, count: buffer.count * 4)
                continue
            }
            guard status == 0, result != nil, let name = entry.pw_name else { return nil }
            return String(cString: name)
        }
        return nil
    }

    static func groupName(_ gid: UInt32) -> String? {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 4096)
        for _ in 0..<4 {
            let status = getgrgid_r(gid_t(gid), &entry, &buffer, buffer.count, &result)
            if status == ERANGE {
                buffer = [CChar](repeating: 0, count: buffer.count * 4)
                continue
            }
            guard status == 0, result != nil, let name = entry.gr_name else { return nil }
            return String(cString: name)
        }
        return nil
    }
}
