public import SwiftProtobuf

extension Duration {
    /// A protobuf duration (seconds and nanoseconds).
    public init(_ proto: Google_Protobuf_Duration) {
        self = .seconds(proto.seconds) + .nanoseconds(Int64(proto.nanos))
    }

    /// As a protobuf duration, to the nanosecond.
    public var protobuf: Google_Protobuf_Duration {
        let (seconds, attoseconds) = components
        return Google_Protobuf_Duration(seconds: seconds, nanos: Int32(attoseconds / 1_000_000_000))
    }

    /// The duration as seconds, for comparisons with `Date` intervals.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
