import Foundation
import TiltEditorSupport

/// A Jupyter message as it travels over ZeroMQ (messaging protocol 5.3): the routing identities, the
/// delimiter `<IDS|MSG>`, the signature, then header, parent header, metadata and content as JSON, then any
/// binary buffers.
public struct WireMessage: Sendable {
    public var identities: [[UInt8]]
    public var header: JSONValue
    public var parentHeader: JSONValue
    public var metadata: JSONValue
    public var content: JSONValue
    public var buffers: [[UInt8]]

    public static let delimiter = Array("<IDS|MSG>".utf8)
    public static let protocolVersion = "5.3"

    public var type: String { header["msg_type"]?.string ?? "" }

    /// Why a received message is not used.
    public enum Rejection: Error, Equatable, CustomStringConvertible {
        /// No delimiter, or fewer than the five frames after it.
        case malformedFrames
        /// The signature does not match (a wrong key, or a forged or altered message).
        case badSignature
        /// A signature seen before: a replayed message.
        case replayed
        /// A frame is not a JSON object; the header is given when it could be read (a request can then be
        /// answered with an error).
        case malformedJSON(header: JSONValue?)

        public var description: String {
            switch self {
            case .malformedFrames: return "not a Jupyter message (no `<IDS|MSG>` delimiter followed by five frames)"
            case .badSignature: return "a message with an invalid signature"
            case .replayed: return "a message whose signature was already seen (a replay)"
            case .malformedJSON(let header):
                return "a message whose frames are not JSON objects (type \(header?["msg_type"]?.string ?? "unknown"))"
            }
        }
    }

    /// Reads frames received on a ROUTER socket, checking the signature.
    public static func decode(_ frames: [[UInt8]], signer: MessageSigner) -> Result<WireMessage, Rejection> {
        guard let split = frames.firstIndex(of: delimiter), frames.count >= split + 6 else { return .failure(.malformedFrames) }
        let signed = Array(frames[(split + 2)...(split + 5)])
        guard signer.verify(frames[split + 1], signed) else { return .failure(.badSignature) }
        let parsed = signed.map { JSONValue.parse($0) }
        guard let header = parsed[0], header.object != nil else { return .failure(.malformedJSON(header: nil)) }
        guard let parent = parsed[1], parent.object != nil, let metadata = parsed[2], metadata.object != nil,
              let content = parsed[3], content.object != nil, header["msg_type"]?.string != nil else {
            return .failure(.malformedJSON(header: header))
        }
        return .success(WireMessage(identities: Array(frames[..<split]), header: header, parentHeader: parent,
                                    metadata: metadata, content: content, buffers: Array(frames[(split + 6)...])))
    }

    /// The frames to send, signed.
    public func encode(signer: MessageSigner) -> [[UInt8]] {
        let parts = [header, parentHeader, metadata, content].map { Array($0.serialized.utf8) }
        return identities + [WireMessage.delimiter, signer.signature(parts)] + parts + buffers
    }

    /// A new header for a message the kernel sends.
    public static func header(type: String, session: String) -> JSONValue {
        ["msg_id": .string(UUID().uuidString.lowercased()), "session": .string(session), "username": "tilt",
         "date": .string(timestamp()), "msg_type": .string(type), "version": .string(protocolVersion)]
    }

    /// The current time in ISO 8601 with microseconds and a time zone, as the protocol asks.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let micro = String(now.tv_nsec / 1000)
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):"
            + "\(two(parts.tm_sec)).\(String(repeating: "0", count: 6 - micro.count))\(micro)Z"
    }
}
