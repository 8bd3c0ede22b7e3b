import SwiftProtobuf
import Foundation
public import Contracts
import Policy

extension Podguard_V1_NodeRemediationRecord {
    /// The rung the ladder is on while it climbs; nil once it is over.
    public var currentStep: Podguard_V1_LadderStep? {
        guard state == .climbing, Int(rung) < ladder.count else { return nil }
        return ladder[Int(rung)].step
    }

    /// The ladder is on its approval rung: only a person's answer moves it now.
    public var isWaitingForApproval: Bool { currentStep == .approval }

    /// "storage:5m fence-agent:3m approval:1h", as `remediation.ladder` writes it.
    public var ladderText: String {
        ladder.map { "\($0.step.name):\(DurationText.compact(seconds: Int($0.timeoutSeconds)))" }.joined(separator: " ")
    }
}

extension DurationText {
    /// "5m", "1h", "90s": a ladder's timeouts as the configuration spells them.
    static func compact(seconds: Int) -> String {
        if seconds > 0, seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds > 0, seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }
}
