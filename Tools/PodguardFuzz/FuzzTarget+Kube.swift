import Foundation
import Kube
import Policy

/// The Kubernetes client's decoders (Libraries/Kube): response bodies, list pages, watch streams.
extension FuzzTarget {
    static let kubeJSON = FuzzTarget(
        "kube-json",
        "JSONValue(bytes:) (Kube's JSONParser), every number's intValue and string's KubeTime.parse, then encodedBytes() parsed again to the same value"
    ) { bytes in
        guard let value = try? JSONValue(bytes: bytes) else { return }
        visit(value)
        let written = value.encodedBytes()
        do {
            let again = try JSONValue(bytes: written)
            fuzzExpect(again == value, "JSONValue changed in a write/parse round trip: \(String(decoding: written, as: UTF8.self))")
        } catch {
            fuzzExpect(false, "JSONValue wrote JSON it cannot parse (\(error)): \(String(decoding: written, as: UTF8.self))")
        }
    }

    /// Reads every leaf the way the services do: numbers as integers (spec fields of custom
    /// resources), strings as times.
    private static func visit(_ value: JSONValue) {
        switch value {
        case .number: _ = value.intValue
        case .string(let text): _ = KubeTime.parse(text)
        case .array(let elements): elements.forEach(visit)
        case .object(let members): members.values.forEach(visit)
        case .null, .bool: break
        }
    }

    /// A stand-in kind for `JSONSpecObject` (custom resources read as JSON spec and status).
    enum FuzzCustomKind: JSONSpecKind {
        static let resource = ResourceDescriptor(group: "enge.me", version: "v1", plural: "statefulclusters", kind: "StatefulCluster", namespaced: true)
    }

    /// One decoder per kind the client reads: the object, as `get` decodes it, then what the
    /// services read of it and the JSON an update would send.
    static let kubeKinds: [(name: String, decode: @Sendable (JSONValue) throws -> Void)] = [
        ("Pod", { let pod = try Pod.fromWire($0); _ = (pod.nodeName, pod.isReady, pod.claimNames, pod.key); _ = try pod.wireJSON() }),
        ("Node", { json in
            let node = try Node.fromWire(json)
            _ = (node.taints, node.readyCondition, node.csiNodeIDs, node.internalIP)
            _ = try? NodeApprovalAnnotation.parse(node.metadata.annotations?[NodeApprovalAnnotation.defaultName])
            _ = try node.wireJSON()
        }),
        ("PersistentVolume", { _ = try PersistentVolume.fromWire($0).wireJSON() }),
        ("PersistentVolumeClaim", { _ = try PersistentVolumeClaim.fromWire($0).wireJSON() }),
        ("VolumeAttachment", { _ = try VolumeAttachment.fromWire($0).wireJSON() }),
        ("Lease", { _ = try Lease.fromWire($0).wireJSON() }),
        ("Event", { _ = try Event.fromWire($0).wireJSON() }),
        ("CoreEvent", { _ = try CoreEvent.fromWire($0).wireJSON() }),
        ("Namespace", { _ = try Namespace.fromWire($0).wireJSON() }),
        ("ServiceAccount", { _ = try ServiceAccount.fromWire($0).wireJSON() }),
        ("CSINode", { _ = try CSINode.fromWire($0).wireJSON() }),
        ("StorageClass", { _ = try StorageClass.fromWire($0).wireJSON() }),
        ("Secret", { _ = try Secret.fromWire($0).bytes }),
        ("StatefulCluster", { _ = try JSONSpecObject<FuzzCustomKind>.fromWire($0).wireJSON() }),
        ("PodList", { _ = try ObjectList<Pod>.fromWire($0).items.map(\.claimNames) }),
        ("NodeList", { _ = try ObjectList<Node>.fromWire($0).items.map(\.csiNodeIDs) }),
        ("VolumeAttachmentList", { _ = try ObjectList<VolumeAttachment>.fromWire($0) }),
        ("PersistentVolumeList", { _ = try ObjectList<PersistentVolume>.fromWire($0) }),
        ("Version", { _ = try ServerVersion(wire: $0) }),
        ("Status", { json in
            // An error response: `KubeError.from(code:body:)` reads the body itself.
            for code in [404, 409, 410, 429, 500] { _ = KubeError.from(code: code, body: Data(json.encodedBytes())) }
        }),
    ]

    static let kubeModels = FuzzTarget(
        "kube-models",
        "a response body (first byte picks the kind): T.fromWire(data:) / ObjectList.fromWire / ServerVersion(wire:) / KubeError.from(code:body:), the accessors the services read, and wireJSON()",
        seeds: { corpus in
            // The selector byte, then kube-json/<Kind>.json.
            kubeKinds.enumerated().compactMap { index, kind in
                exampleObject(kind.name, corpus).map { ("\(kind.name).bin", [UInt8(index)] + $0) }
            }
        }
    ) { bytes in
        let input = FuzzInput(bytes)
        let kind = kubeKinds[input.selector % kubeKinds.count]
        guard let json = try? JSONValue(bytes: input.rest) else {
            if kind.name == "Status" { _ = KubeError.from(code: 503, body: Data(input.rest)) }
            return
        }
        _ = try? kind.decode(json)
    }

    /// The kinds the services watch.
    static let watchedKinds: [(name: String, decode: @Sendable (JSONValue) throws -> String?)] = [
        ("Pod", { try WatchEvent<Pod>.fromWire(line: $0).resourceVersion }),
        ("Node", { try WatchEvent<Node>.fromWire(line: $0).resourceVersion }),
        ("PersistentVolume", { try WatchEvent<PersistentVolume>.fromWire(line: $0).resourceVersion }),
        ("PersistentVolumeClaim", { try WatchEvent<PersistentVolumeClaim>.fromWire(line: $0).resourceVersion }),
        ("VolumeAttachment", { try WatchEvent<VolumeAttachment>.fromWire(line: $0).resourceVersion }),
        ("Lease", { try WatchEvent<Lease>.fromWire(line: $0).resourceVersion }),
        ("StatefulCluster", { try WatchEvent<JSONSpecObject<FuzzCustomKind>>.fromWire(line: $0).resourceVersion }),
    ]

    static let watchChunkSizes = [1, 2, 3, 7, 16, 61, 256, 1000, 4096, Int.max / 2]

    static let kubeWatch = FuzzTarget(
        "kube-watch",
        "a watch body as KubeClient.watchConnection reads it: WatchLineSplitter chunks (first byte: chunk size and kind), JSONValue(data:) per line, WatchEvent.fromWire(line:), WatchStreamState",
        seeds: watchSeeds
    ) { bytes in
        let input = FuzzInput(bytes)
        let kind = watchedKinds[input.selector % watchedKinds.count]
        // Chunks do not align with lines: a byte at a time up to the whole body at once. (The
        // splitter scans its whole buffer on every chunk, so one-byte chunks of a long line are
        // quadratic: rare here, as they are from a real connection.)
        let chunkSize = watchChunkSizes[input.selector / watchedKinds.count % watchChunkSizes.count]
        var splitter = WatchLineSplitter(maximumLineLength: 4096)
        var state = WatchStreamState(resourceVersion: nil)
        state.connected()
        func read(_ line: Data) throws {
            state.received(resourceVersion: try kind.decode(try JSONValue(data: line)))
        }
        do {
            var offset = 0
            while offset < input.rest.count {
                let end = input.rest.count - offset > chunkSize ? offset + chunkSize : input.rest.count
                let chunk = Data(input.rest[offset..<end])
                offset = end
                for line in try splitter.append(chunk) { try read(line) }
            }
            if let rest = splitter.finish() { try read(rest) }
            _ = state.ended(error: nil, backoff: Backoff(), maxAttempts: 3, unit: 0.5)
        } catch {
            _ = state.ended(error: error, backoff: Backoff(), maxAttempts: 3, unit: 0.5)
        }
    }
}

extension FuzzTarget {
    /// The committed example of a kind, compact (one line, as the apiserver writes it).
    static func exampleObject(_ kind: String, _ corpus: String) -> [UInt8]? {
        guard let data = FileManager.default.contents(atPath: "\(corpus)/kube-json/\(kind).json"),
              let json = try? JSONValue(data: data) else { return nil }
        return json.encodedBytes()
    }

    /// Watch streams of each kind: ADDED, MODIFIED, a BOOKMARK and DELETED of its example object,
    /// then a 410 ERROR; each split into chunks of another size.
    static func watchSeeds(_ corpus: String) -> [(String, [UInt8])] {
        watchedKinds.enumerated().compactMap { index, kind in
            guard let object = exampleObject(kind.name, corpus).map({ String(decoding: $0, as: UTF8.self) }) else { return nil }
            let stream = """
                {"type":"ADDED","object":\(object)}
                {"type":"MODIFIED","object":\(object)}\r
                {"type":"BOOKMARK","object":{"kind":"\(kind.name)","metadata":{"resourceVersion":"100234"}}}

                {"type":"DELETED","object":\(object)}
                {"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version: 1 (100234)","reason":"Expired","code":410}}
                """
            let selector = index + watchedKinds.count * (index * 3 % watchChunkSizes.count)
            return ("\(kind.name).bin", [UInt8(selector)] + Array(stream.utf8))
        }
    }
}
