/// Hex of the first bytes of an input, for failure messages.
func preview(_ bytes: [UInt8], limit: Int = 160) -> String {
    let shown = bytes.prefix(limit).map { b -> String in
        (0x20..<0x7F).contains(b) && b != UInt8(ascii: "\\") ? String(UnicodeScalar(b)) : "\\x" + String(b, radix: 16)
    }.joined()
    return bytes.count > limit ? shown + "…(\(bytes.count) bytes)" : shown
}
