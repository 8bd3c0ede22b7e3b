import Foundation
public import Harness
public import Kube

/// Installing CustomResourceDefinitions for tests: created when missing, then waited for until the
/// apiserver serves them (condition Established).
public enum CustomResourceDefinitions {
    public static let resource = ResourceDescriptor(group: "apiextensions.k8s.io", version: "v1", plural: "customresourcedefinitions",
                                                    kind: "CustomResourceDefinition", namespaced: false)

    /// Creates the CRD `object` unless one of its name exists, and waits until it is served.
    public static func ensure(_ object: JSONValue, kube: KubeClient) async throws {
        let name = object["metadata"]?["name"]?.stringValue ?? ""
        if try await kube.getObject(resource, name: name, namespace: nil) == nil {
            do {
                _ = try await kube.createObject(resource, object, namespace: nil)
            } catch let error as KubeError where error.isAlreadyExists {}
        }
        try await waitUntilEstablished(name, kube: kube)
    }

    public static func waitUntilEstablished(_ name: String, kube: KubeClient) async throws {
        try await eventually("CRD \(name) established", timeout: .seconds(60)) {
            let conditions = try await kube.getObject(resource, name: name, namespace: nil)?["status"]?["conditions"]?.arrayValue ?? []
            return conditions.contains { $0["type"]?.stringValue == "Established" && $0["status"]?.stringValue == "True" }
        }
    }
}

/// The StatefulCluster CRD as the chart ships it (helm/podguard/charts/statefulcluster/crds),
/// and the seed's example as docs/statefulcluster.md shows it: the files users apply.
public enum StatefulClusterFiles {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static let crd = repository.appendingPathComponent("helm/podguard/charts/statefulcluster/crds/statefulclusters.enge.me.yaml")
    /// Seed 004's README example, unchanged.
    public static let seedExample = repository.appendingPathComponent("docs/examples/statefulcluster-coder.yaml")
    public static let crdName = "statefulclusters.enge.me"

    /// Applies the CRD with kubectl and waits until it is served.
    public static func installCRD(_ plane: KubeControlPlane, kube: KubeClient) async throws {
        let result = try await plane.kubectl(["apply", "-f", crd.path])
        guard result.status == 0 else { throw HarnessError.didNotStart("the StatefulCluster CRD (kubectl apply)", log: result.output) }
        try await CustomResourceDefinitions.waitUntilEstablished(crdName, kube: kube)
    }
}
