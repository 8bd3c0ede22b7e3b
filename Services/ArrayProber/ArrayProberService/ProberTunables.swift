import ArrayProberCore
import Synchronization

/// The prober settings that change while it runs (podmon's ConfigMap reloads), shared by every
/// copy of one `ProberSettings`: the service reads them each cycle.
final class ProberTunables: Sendable {
    struct Values: Sendable, Hashable {
        var pollInterval: Duration
        var lossThreshold: Int
    }

    private let values: Mutex<Values>

    init(_ values: Values) {
        self.values = Mutex(values)
    }

    var current: Values { values.withLock { $0 } }

    func update(_ change: (inout Values) -> Void) {
        values.withLock { change(&$0) }
    }
}
