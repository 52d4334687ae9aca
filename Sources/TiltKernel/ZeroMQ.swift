import CZeroMQ
import Foundation

/// A ZeroMQ failure, with libzmq's own words.
struct ZeroMQError: Error, CustomStringConvertible {
    let description: String

    static func last(_ what: String) -> ZeroMQError {
        ZeroMQError(description: "\(what): \(String(cString: zmq_strerror(zmq_errno())))")
    }
}

/// A libzmq context: owns the I/O thread every socket of the kernel shares.
final class ZeroMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    init() throws {
        guard let handle = zmq_ctx_new() else { throw ZeroMQError.last("cannot create a ZeroMQ context") }
        self.handle = handle
    }

    /// Ends the context once every socket is closed (each socket's linger bounds the wait).
    func terminate() {
        while zmq_ctx_term(handle) != 0, zmq_errno() == EINTR {}
    }
}

/// One ZeroMQ socket. Like libzmq's own, a socket is used by one thread at a time; the kernel gives each
/// channel's socket to one thread, and the IOPub socket, which several threads publish on, sits behind a lock.
final class ZeroMQSocket: @unchecked Sendable {
    private let handle: UnsafeMutableRawPointer

    /// The largest message accepted from a peer (a larger one drops that peer's connection, so that a
    /// runaway client cannot exhaust the kernel's memory); a cell is limited further by the kernel.
    static let maximumMessageSize: Int64 = 512 << 20

    init(_ context: ZeroMQContext, type: Int32) throws {
        guard let handle = zmq_socket(context.handle, type) else { throw ZeroMQError.last("cannot create a ZeroMQ socket") }
        self.handle = handle
        var linger: Int32 = 1000
        zmq_setsockopt(handle, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
        var maximum = ZeroMQSocket.maximumMessageSize
        zmq_setsockopt(handle, ZMQ_MAXMSGSIZE, &maximum, MemoryLayout<Int64>.size)
    }

    func bind(_ endpoint: String) throws {
        guard zmq_bind(handle, endpoint) == 0 else { throw ZeroMQError.last("cannot listen on \(endpoint)") }
    }

    /// Sends the frames as one multipart message.
    func send(_ frames: [[UInt8]]) throws {
        for (i, frame) in frames.enumerated() {
            let flags = i < frames.count - 1 ? ZMQ_SNDMORE : 0
            while true {
                let sent = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
                if sent >= 0 { break }
                if zmq_errno() == EINTR { continue }
                throw ZeroMQError.last("cannot send a message")
            }
        }
    }

    /// Receives one multipart message (blocking).
    func receive() throws -> [[UInt8]] {
        var frames: [[UInt8]] = []
        while true {
            var message = zmq_msg_t()
            zmq_msg_init(&message)
            defer { zmq_msg_close(&message) }
            while zmq_msg_recv(&message, handle, 0) < 0 {
                if zmq_errno() == EINTR { continue }
                throw ZeroMQError.last("cannot receive a message")
            }
            let size = zmq_msg_size(&message)
            if let data = zmq_msg_data(&message), size > 0 {
                frames.append(Array(UnsafeRawBufferPointer(start: data, count: size)))
            } else {
                frames.append([])
            }
            if zmq_msg_more(&message) == 0 { return frames }
        }
    }

    /// Waits up to `milliseconds` for a message; true when one can be received.
    func waitForMessage(milliseconds: Int) -> Bool {
        var item = zmq_pollitem_t(socket: handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
        let ready = zmq_poll(&item, 1, milliseconds)
        return ready > 0 && item.revents & Int16(ZMQ_POLLIN) != 0
    }

    func close() {
        zmq_close(handle)
    }
}
