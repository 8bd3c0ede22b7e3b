public import Kube

/// apps/v1 StatefulSet (not modelled by Kube), spec and status kept as JSON: tests and the demo
/// deploy with it.
public enum StatefulSetKind: JSONSpecKind {
    public static let resource = ResourceDescriptor(group: "apps", version: "v1", plural: "statefulsets",
                                                    kind: "StatefulSet", namespaced: true)
}

public typealias StatefulSet = JSONSpecObject<StatefulSetKind>
