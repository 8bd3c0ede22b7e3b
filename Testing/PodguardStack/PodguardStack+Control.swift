import Bus
import BusService
import Contracts
import Foundation
import SwiftProtobuf

extension PodguardStack {
    /// Switches podguard's pause on or off as an operator would (key `pause` of the control bucket);
    /// decision honours it at once.
    public func setPaused(_ paused: Bool, reason: String, by: String = "podguard-stack") async throws {
        let control = try await bus.jetStream().keyValue(topology.controlBucket)
        var pause = Podguard_V1_PauseSwitch()
        pause.header.producedAt = Google_Protobuf_Timestamp(date: Date())
        pause.paused = paused
        pause.reason = reason
        pause.by = by
        _ = try await control.put(PodguardKeys.pause, message: pause)
    }
}
