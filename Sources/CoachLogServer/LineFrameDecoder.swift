import NIOCore

/// What the framing layer hands on: a complete line, or the news that a line
/// was longer than the limit (its bytes were dropped up to its `\n`).
enum Frame: Equatable {
    case line(ByteBuffer)
    case tooLong
}

/// Splits the byte stream at `\n` with a hard cap on line length.
///
/// A line over the cap is not buffered: the decoder reports it once and then
/// discards bytes up to the next newline, so memory stays bounded and the
/// connection stays usable. A trailing `\r` is dropped. At the end of the
/// input, complete lines still buffered are handed on like any other; only an
/// unterminated tail is dropped.
struct LineFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = Frame

    let maximumLineBytes: Int
    private var discarding = false
    /// How far into the buffer we already looked for a newline.
    private var scanned = 0

    init(maximumLineBytes: Int) {
        self.maximumLineBytes = maximumLineBytes
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        if let newline = view.dropFirst(scanned).firstIndex(of: 0x0A) {
            let length = newline - view.startIndex
            scanned = 0
            if discarding {
                discarding = false
                buffer.moveReaderIndex(forwardBy: length + 1)
                return .continue
            }
            if length > maximumLineBytes {
                buffer.moveReaderIndex(forwardBy: length + 1)
                context.fireChannelRead(wrapInboundOut(.tooLong))
                return .continue
            }
            var line = buffer.readSlice(length: length)!
            buffer.moveReaderIndex(forwardBy: 1)
            if line.readableBytesView.last == 0x0D { line.moveWriterIndex(to: line.writerIndex - 1) }
            context.fireChannelRead(wrapInboundOut(.line(line)))
            return .continue
        }
        if discarding {
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            scanned = 0
            return .needMoreData
        }
        if buffer.readableBytes > maximumLineBytes {
            discarding = true
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            scanned = 0
            context.fireChannelRead(wrapInboundOut(.tooLong))
            return .needMoreData
        }
        scanned = buffer.readableBytes
        return .needMoreData
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // Every complete line gets its reply, even the ones still here at the end.
        if try decode(context: context, buffer: &buffer) == .continue { return .continue }
        // Half a line: no newline will ever end it, so it is no request.
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        scanned = 0
        discarding = false
        return .needMoreData
    }
}
