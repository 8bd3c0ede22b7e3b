import Foundation
import Kube
import KubeService
import ServiceKit
import StatefulClusterCore
import StatefulClusterService
import Testing

@Suite("StatefulCluster spec, selector, objects and settings")
struct ClusterSpecTests {
    /// Seed 004's README example, as the repository ships it (docs/examples).
    static let seedExample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/examples/statefulcluster-coder.yaml")

    static func cluster(_ spec: JSONValue, name: String = "coder") -> StatefulClusterObject {
        var cluster = StatefulClusterObject(name: name, namespace: "apps")
        cluster.metadata.uid = "uid-1"
        cluster.spec = spec
        return cluster
    }

    static let seedSpec: JSONValue = .object([
        "replicas": .number(3),
        "selector": .object(["matchLabels": .object(["app": .string("coder"), "enge.me/statefulcluster": .string("coder")])]),
        "template": .object(["spec": .object(["containers": .array([.object([
            "name": .string("coder-stateful"), "image": .string("codercom/code-server"),
            "volumeMounts": .array([.object(["mountPath": .string("/home/coder/project"), "name": .string("data")])]),
        ])])])]),
        "volumeClaimTemplates": .array([.object([
            "metadata": .object(["name": .string("data")]),
            "spec": .object(["accessModes": .array([.string("ReadWriteOnce")]),
                             "resources": .object(["requests": .object(["storage": .string("1Gi")])])]),
        ])]),
    ])

    @Test("the seed's example file is the one the tests use, and its spec reads as written")
    func seedExample() throws {
        let text = try String(contentsOf: Self.seedExample, encoding: .utf8)
        #expect(text.contains("kind: StatefulCluster") && text.contains("enge.me/statefulcluster: coder"))
        let spec = try ClusterSpec(Self.cluster(Self.seedSpec))
        #expect(spec.replicas == 3 && spec.claimTemplateNames == ["data"])
        #expect(spec.retention == ClaimRetentionPolicy())
        #expect(spec.selector.rendered == "app=coder,enge.me/statefulcluster=coder")
        #expect(spec.revision.count == 10)
    }

    @Test("the revision follows the templates and nothing else")
    func revision() throws {
        let base = try ClusterSpec(Self.cluster(Self.seedSpec)).revision
        var scaled = Self.seedSpec
        scaled["replicas"] = .number(7)
        #expect(try ClusterSpec(Self.cluster(scaled)).revision == base)
        var changed = Self.seedSpec
        changed["template"]?["metadata"] = .object(["annotations": .object(["v": .string("2")])])
        #expect(try ClusterSpec(Self.cluster(changed)).revision != base)
    }

    @Test("specs that cannot be acted on are refused with the field named", arguments: [
        ("serviceName", JSONValue.string("coder"), "spec.serviceName is not supported"),
        ("replicas", .number(-1), "spec.replicas must not be negative"),
        ("selector", .object([:]), "spec.selector selects nothing"),
        ("persistentVolumeClaimRetentionPolicy", .object(["whenScaled": .string("Keep")]), "must be Retain or Delete"),
        ("volumeClaimTemplates", .array([.object(["spec": .object([:])])]), "volumeClaimTemplates[0].metadata.name is required"),
        ("selector", .object(["matchExpressions": .array([.object(["key": .string("tier"), "operator": .string("In"),
                                                                     "values": .array([.string("db")])])])]),
         "do not match spec.selector"),
    ])
    func refused(field: String, value: JSONValue, message: String) {
        var spec = Self.seedSpec
        spec[field] = value
        #expect(throws: ClusterSpecError.self) { try ClusterSpec(Self.cluster(spec)) }
        do { _ = try ClusterSpec(Self.cluster(spec)) } catch { #expect(error.description.contains(message), "\(error)") }
    }

    @Test("a selector matches as Kubernetes' does")
    func selector() throws {
        let selector = try LabelSelector(json: .object([
            "matchLabels": .object(["app": .string("db")]),
            "matchExpressions": .array([
                .object(["key": .string("tier"), "operator": .string("In"), "values": .array([.string("a"), .string("b")])]),
                .object(["key": .string("legacy"), "operator": .string("DoesNotExist")]),
                .object(["key": .string("zone"), "operator": .string("Exists")]),
                .object(["key": .string("env"), "operator": .string("NotIn"), "values": .array([.string("dev")])]),
            ]),
        ]))
        #expect(selector.matches(["app": "db", "tier": "a", "zone": "z"]))
        #expect(selector.matches(["app": "db", "tier": "b", "zone": "z", "env": "prod"]))
        #expect(!selector.matches(["app": "db", "tier": "c", "zone": "z"]))
        #expect(!selector.matches(["app": "db", "tier": "a", "zone": "z", "legacy": "1"]))
        #expect(!selector.matches(["app": "db", "tier": "a"]))
        #expect(!selector.matches(["app": "db", "tier": "a", "zone": "z", "env": "dev"]))
        #expect(selector.rendered == "app=db,tier in (a,b),!legacy,zone,env notin (dev)")
    }

    @Test("a pod gets the selector's labels, its revision, the protection label, its owner and its own claims")
    func objects() throws {
        var specJSON = Self.seedSpec
        // A template volume named like a claim template is replaced by the pod's claim.
        specJSON["template"]?["spec"]?["volumes"] = .array([.object(["name": .string("data"), "emptyDir": .object([:])]),
                                                            .object(["name": .string("cache"), "emptyDir": .object([:])])])
        specJSON["persistentVolumeClaimRetentionPolicy"] = .object(["whenDeleted": .string("Delete")])
        let cluster = Self.cluster(specJSON)
        let spec = try ClusterSpec(cluster)
        let factory = ClusterObjectFactory(cluster: cluster, spec: spec, protectionLabel: ("podmon.dellemc.com/driver", "csi-powerstore"))
        let creation = ReconcilePlan.PodCreation(podName: "coder-bcdfghjklm", claims: ["data": "data-coder-bcdfghjklm"])
        let pod = factory.pod(creation)
        let labels = pod["metadata"]?["labels"]?.objectValue ?? [:]
        #expect(labels["app"] == .string("coder") && labels["enge.me/statefulcluster"] == .string("coder"))
        #expect(labels["statefulcluster.enge.me/cluster"] == .string("coder"))
        #expect(labels["statefulcluster.enge.me/revision"] == .string(spec.revision))
        #expect(labels["podmon.dellemc.com/driver"] == .string("csi-powerstore"))
        #expect(pod["metadata"]?["ownerReferences"]?.arrayValue?.first?["controller"] == .bool(true))
        let volumes = pod["spec"]?["volumes"]?.arrayValue ?? []
        #expect(volumes.count == 2)
        #expect(volumes.contains { $0["name"] == .string("data") && $0["persistentVolumeClaim"]?["claimName"] == .string("data-coder-bcdfghjklm") })
        #expect(volumes.contains { $0["name"] == .string("cache") && $0["emptyDir"] != nil })
        let claims = factory.claims(creation)
        #expect(claims.map(\.name) == ["data-coder-bcdfghjklm"])
        let claimLabels = claims[0].object["metadata"]?["labels"]?.objectValue ?? [:]
        #expect(claimLabels["statefulcluster.enge.me/pod"] == .string("coder-bcdfghjklm"))
        #expect(claims[0].object["metadata"]?["ownerReferences"]?.arrayValue?.first?["uid"] == .string("uid-1"))
        #expect(claims[0].object["spec"]?["accessModes"] == .array([.string("ReadWriteOnce")]))
    }

    @Test("a template that sets the protection label keeps its value")
    func protectionLabelFromTemplate() throws {
        var specJSON = Self.seedSpec
        specJSON["template"]?["metadata"] = .object(["labels": .object(["podmon.dellemc.com/driver": .string("csi-unity")])])
        let cluster = Self.cluster(specJSON)
        let factory = ClusterObjectFactory(cluster: cluster, spec: try ClusterSpec(cluster), protectionLabel: ("podmon.dellemc.com/driver", "csi-powerstore"))
        let pod = factory.pod(.init(podName: "coder-x", claims: ["data": "data-coder-x"]))
        #expect(pod["metadata"]?["labels"]?["podmon.dellemc.com/driver"] == .string("csi-unity"))
    }

    @Test("settings: defaults, liveness off with 0s, lease checks")
    func settings() throws {
        func load(_ flags: [String: String]) throws -> StatefulClusterSettings {
            let configuration = try ConfigLoader.load(schema: StatefulClusterSettings.schema, file: nil, environment: [:], flags: flags)
            return try StatefulClusterSettings(configuration, defaultIdentity: "host-1")
        }
        let defaults = try load([:])
        #expect(defaults.notReadyTimeout == .seconds(300) && defaults.namespaces.isEmpty)
        #expect(defaults.protectionLabelKey == "podmon.dellemc.com/driver" && defaults.protectionLabelValue.isEmpty)
        #expect(defaults.leaderElection.leaseName == "podguard-statefulcluster" && defaults.leaderElection.identity == "host-1")
        let custom = try load(["statefulCluster.notReadyTimeout": "0s", "statefulCluster.namespaces": "a,b", "statefulCluster.identity": "p-0"])
        #expect(custom.notReadyTimeout == nil && custom.namespaces == ["a", "b"] && custom.leaderElection.identity == "p-0")
        #expect(throws: ConfigError.self) { try load(["statefulCluster.renewDeadline": "20s"]) }
        #expect(throws: ConfigError.self) { try load(["statefulCluster.resyncEvery": "0s"]) }
    }
}
