import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing

@testable import CoachLogServer

@Suite("LineFrameDecoder")
struct LineFrameDecoderTests {
    static func line(_ text: String) -> Frame { .line(ByteBuffer(string: text)) }

    static func channel(maximumLineBytes: Int) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(
            ByteToMessageHandler(LineFrameDecoder(maximumLineBytes: maximumLineBytes)))
        return channel
    }

    static func frames(_ channel: EmbeddedChannel) throws -> [Frame] {
        var frames: [Frame] = []
        while let frame = try channel.readInbound(as: Frame.self) { frames.append(frame) }
        return frames
    }

    @Test("NIO's decoder verifier: whole, drip-fed, and many per buffer; CRLF, empty and over-long lines")
    func verifier() throws {
        try ByteToMessageDecoderVerifier.verifyDecoder(
            stringInputOutputPairs: [
                ("hello\n", [Self.line("hello")]),
                ("crlf\r\n", [Self.line("crlf")]),
                ("\n", [Self.line("")]),
                ("sixteen-bytes-ok\n", [Self.line("sixteen-bytes-ok")]),
                ("seventeen-bytes-x\n", [.tooLong]),
                (String(repeating: "y", count: 100) + "\n", [.tooLong]),
                ("two\nlines\n", [Self.line("two"), Self.line("lines")]),
            ],
            decoderFactory: { LineFrameDecoder(maximumLineBytes: 16) })
    }

    @Test("a line split across reads is handed on whole, its CR dropped")
    func splitAcrossReads() throws {
        let channel = try Self.channel(maximumLineBytes: 64)
        for piece in ["hel", "lo\nwor", "ld\r", "\n{\"id\":1", "}\n"] {
            try channel.writeInbound(ByteBuffer(string: piece))
        }
        #expect(try Self.frames(channel) == [Self.line("hello"), Self.line("world"), Self.line(#"{"id":1}"#)])
        #expect(try channel.finish().isClean)
    }

    @Test("an over-long line is reported once, its bytes dropped to its newline, and the next line gets through")
    func overLongThenGood() throws {
        let channel = try Self.channel(maximumLineBytes: 8)
        try channel.writeInbound(ByteBuffer(string: "aaaaaaaaaaaa"))  // over the cap, no newline yet
        try channel.writeInbound(ByteBuffer(string: "aaaaaaaaaaaa"))
        try channel.writeInbound(ByteBuffer(string: "aaa\nok\n"))
        try channel.writeInbound(ByteBuffer(string: "bbbbbbbbbbbbbbbbbb\r\nfine\r\n"))
        #expect(try Self.frames(channel) == [.tooLong, Self.line("ok"), .tooLong, Self.line("fine")])
    }

    @Test("at the end of the input: complete lines still buffered are handed on, only the unterminated tail is dropped")
    func decodeLastKeepsCompleteLines() throws {
        // ByteToMessageHandler decodes complete lines as they come, so decodeLast
        // meets them only when decoding was cut short; call it directly.
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(PassThrough(), name: "host")
        let context = try channel.pipeline.syncOperations.context(name: "host")
        var decoder = LineFrameDecoder(maximumLineBytes: 16)
        var buffer = ByteBuffer(string: "one\ntwo\r\n\nhalf a li")
        var rounds = 0
        while try decoder.decodeLast(context: context, buffer: &buffer, seenEOF: true) == .continue { rounds += 1 }
        #expect(try Self.frames(channel) == [Self.line("one"), Self.line("two"), Self.line("")])
        #expect(buffer.readableBytes == 0, "the unterminated tail is dropped")
        #expect(rounds == 3)
    }

    @Test("half-close through the pipeline: every complete line, then nothing of the partial one")
    func inputClosed() throws {
        let channel = try Self.channel(maximumLineBytes: 16)
        try channel.writeInbound(ByteBuffer(string: "a\nb\nhal"))
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(try Self.frames(channel) == [Self.line("a"), Self.line("b")])
        #expect(try channel.finish().isClean)
    }
}

/// A handler whose context stands in for the decoder's own.
final class PassThrough: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
}
