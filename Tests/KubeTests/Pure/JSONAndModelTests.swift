import Foundation
import Kube
import Testing

@Suite("JSON, times and lossless models (pure)")
struct JSONAndModelTests {
    @Test func typedChangesMergeIntoTheRawObjectKeepingUnknownFields() throws {
        let raw = try JSONValue(data: Data("""
        {"apiVersion":"v1","kind":"Node","metadata":{"name":"n","resourceVersion":"5","managedFields":[{"manager":"x"}],"labels":{"a":"1"}},
         "spec":{"podCIDR":"10.0.0.0/24","future":{"x":1},"taints":[{"key":"k","effect":"NoSchedule","futureTaintField":true}]},
         "status":{"daemonEndpoints":{"kubeletEndpoint":{"Port":10250}}}}
        """.utf8))
        var node = try Node.fromWire(raw)
        #expect(node.spec?.podCIDR == "10.0.0.0/24")
        node.metadata.labels?["b"] = "2"
        node.spec?.unschedulable = true
        let written = try node.wireJSON()
        #expect(written["metadata"]?["managedFields"] == raw["metadata"]?["managedFields"])
        #expect(written["metadata"]?["labels"] == .object(["a": .string("1"), "b": .string("2")]))
        #expect(written["spec"]?["future"] == .object(["x": .number(1)]))
        #expect(written["spec"]?["unschedulable"] == .bool(true))
        // Unchanged array: its unknown element fields survive.
        #expect(written["spec"]?["taints"]?.arrayValue?.first?["futureTaintField"] == .bool(true))
        #expect(written["status"]?["daemonEndpoints"] == raw["status"]?["daemonEndpoints"])

        // Removing a modelled field removes it; a replaced array takes the typed elements.
        node.spec?.taints = nil
        node.metadata.labels = nil
        let removed = try node.wireJSON()
        #expect(removed["spec"]?["taints"] == nil)
        #expect(removed["metadata"]?["labels"] == nil)
        #expect(removed["spec"]?["future"] != nil)
    }

    @Test func localObjectsEncodeTypedWithApiVersionAndKind() throws {
        let json = try Lease(name: "l", namespace: "ns").wireJSON()
        #expect(json["apiVersion"] == .string("coordination.k8s.io/v1"))
        #expect(json["kind"] == .string("Lease"))
        #expect(json["metadata"]?["namespace"] == .string("ns"))
    }

    @Test func mergePatchRoundTrips() {
        let a: JSONValue = .object(["x": .number(1), "y": .object(["z": .string("a"), "w": .bool(true)]), "gone": .null])
        let b: JSONValue = .object(["x": .number(2), "y": .object(["z": .string("a")]), "new": .array([.number(1)])])
        let patch = a.mergePatch(to: b)
        #expect(patch == .object(["x": .number(2), "y": .object(["w": .null]), "gone": .null, "new": .array([.number(1)])]))
        #expect(a.applyingMergePatch(patch) == b)
    }

    @Test func timesParseBothPrecisionsAndFormatMicroseconds() throws {
        let seconds = try #require(KubeTime.parse("2021-01-02T03:04:05Z"))
        let micros = try #require(KubeTime.parse("2021-01-02T03:04:05.123456Z"))
        let offset = try #require(KubeTime.parse("2021-01-02T05:04:05+02:00"))
        #expect(abs(micros.timeIntervalSince(seconds) - 0.123456) < 1e-6)
        #expect(offset == seconds)
        #expect(KubeTime.format(micros) == "2021-01-02T03:04:05.123456Z")
        #expect(KubeTime.parse("yesterday") == nil)
    }

    @Test func resourcePathsAndQueryEncoding() {
        #expect(Pod.resource.objectPath(name: "p", namespace: "ns", subresource: "status") == "/api/v1/namespaces/ns/pods/p/status")
        #expect(Pod.resource.collectionPath(namespace: nil) == "/api/v1/pods")
        #expect(Node.resource.objectPath(name: "n", namespace: "ignored") == "/api/v1/nodes/n")
        #expect(VolumeAttachment.resource.collectionPath(namespace: nil) == "/apis/storage.k8s.io/v1/volumeattachments")
        let request = KubeHTTPRequest(method: .GET, path: "/api/v1/pods", query: [("labelSelector", "a in (x,y),b+c=d")])
        #expect(request.target == "/api/v1/pods?labelSelector=a%20in%20(x,y),b%2Bc%3Dd" || request.target == "/api/v1/pods?labelSelector=a%20in%20(x,y),b%2Bc=d")
    }

    @Test func errorsMapFromStatus() {
        func map(_ code: Int, _ reason: String?) -> KubeError { KubeError.from(status: Status(message: "m", reason: reason, code: code)) }
        #expect(map(404, "NotFound").isNotFound)
        #expect(map(409, "AlreadyExists").isAlreadyExists)
        #expect(map(409, "Conflict").isConflict)
        #expect(map(410, "Expired").isGone)
        #expect(map(500, "Expired").isGone, "a watch ERROR event's Status may carry only the reason")
        if case .invalid = map(422, "Invalid") {} else { Issue.record("422 is invalid") }
        if case .tooManyRequests = map(429, "TooManyRequests") {} else { Issue.record("429") }
        if case .server = map(503, "ServiceUnavailable") {} else { Issue.record("503") }
        let html = KubeError.from(code: 502, body: Data("<html>bad gateway</html>".utf8))
        #expect(html.status?.message == "<html>bad gateway</html>")
    }
}
