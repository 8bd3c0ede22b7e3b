import Foundation
public import Kube
public import StatefulClusterCore

extension ClusterStatus {
    /// `status` as the CRD's schema has it; `selector` is the scale subresource's label selector.
    public func json(selector: String) -> JSONValue {
        .object([
            "observedGeneration": .number(Double(observedGeneration)),
            "replicas": .number(Double(replicas)),
            "readyReplicas": .number(Double(readyReplicas)),
            "availableReplicas": .number(Double(availableReplicas)),
            "updatedReplicas": .number(Double(updatedReplicas)),
            "currentPods": .array(currentPods.map(JSONValue.string)),
            "currentRevision": .string(currentRevision),
            "updateRevision": .string(updateRevision),
            "selector": .string(selector),
            "conditions": .array(conditions.map(\.json)),
        ])
    }
}

extension ClusterCondition {
    var json: JSONValue {
        .object([
            "type": .string(type.rawValue), "status": .string(status ? "True" : "False"), "reason": .string(reason),
            "message": .string(message), "lastTransitionTime": .string(KubeTime.format(lastTransitionTime)),
        ])
    }

    /// The conditions of a status as last written (unknown types and bad entries are skipped).
    static func parse(_ status: JSONValue?) -> [ClusterCondition] {
        (status?["conditions"]?.arrayValue ?? []).compactMap { entry in
            guard let type = entry["type"]?.stringValue.flatMap(Kind.init(rawValue:)),
                  let since = entry["lastTransitionTime"]?.stringValue.flatMap(KubeTime.parse) else { return nil }
            return ClusterCondition(type: type, status: entry["status"]?.stringValue == "True", reason: entry["reason"]?.stringValue ?? "",
                                    message: entry["message"]?.stringValue ?? "", lastTransitionTime: since)
        }
    }
}
