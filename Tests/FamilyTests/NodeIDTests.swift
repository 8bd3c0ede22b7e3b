import ArrayFamily
import GenericFamily
import PowerFlexFamily
import PowerMaxFamily
import PowerScaleFamily
import PowerStoreFamily
import Testing
import UnityFamily

@Suite("CSI node ids of every family")
struct NodeIDTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var family: any ArrayFamily
        var nodeID: String
        var kind: CSINodeID.Kind
        var host: String?
        var fqdn: String?
        var ip: String?
        var testDescription: String { "\(family.id.rawValue): \(nodeID)" }
    }

    static let cases: [Case] = [
        Case(family: PowerFlexFamily(), nodeID: "9E56672F-2F4B-4A42-BFF4-88B6846FBFDA", kind: .sdcGUID),
        Case(family: PowerFlexFamily(), nodeID: "192.168.0.1-513fda498aaf35e883d", kind: .nvmeHost,
             ip: "192.168.0.1"),
        Case(family: PowerFlexFamily(), nodeID: "192.168.0.2-25eb4476103ff9daccc", kind: .nvmeHost,
             ip: "192.168.0.2"),
        Case(family: PowerFlexFamily(), nodeID: "8f2b6a52-0c3e-4f7d-9a51-00000000000a", kind: .kubernetesNodeUID),
        Case(family: PowerStoreFamily(), nodeID: "csi-node-1a47a1b91c444a8a90193d8066669603-127.0.0.1",
             kind: .prefixedMachineID, host: "1a47a1b91c444a8a90193d8066669603", ip: "127.0.0.1"),
        Case(family: PowerStoreFamily(), nodeID: "csi-node-003c684ccb0c4ca0a9c99423563dfd2c-127.0.0.1",
             kind: .prefixedMachineID, host: "003c684ccb0c4ca0a9c99423563dfd2c", ip: "127.0.0.1"),
        Case(family: PowerScaleFamily(), nodeID: "vpi7125=#=#=vpi7125.a.b.com=#=#=1.1.1.1", kind: .nameFQDNAddress,
             host: "vpi7125", fqdn: "vpi7125.a.b.com", ip: "1.1.1.1"),
        Case(family: PowerScaleFamily(), nodeID: "nodename=#=#=localhost=#=#=127.0.0.1", kind: .nameFQDNAddress,
             host: "nodename", fqdn: "localhost", ip: "127.0.0.1"),
        Case(family: PowerMaxFamily(), nodeID: "node1-127.0.0.1", kind: .shortHostName, host: "node1-127.0.0.1"),
        Case(family: UnityFamily(), nodeID: "worker-1-rdyqdaifyjtju,worker-1-rdyqdaifyjtju",
             kind: .shortAndLongHostName, host: "worker-1-rdyqdaifyjtju", fqdn: "worker-1-rdyqdaifyjtju"),
        Case(family: GenericFamily(driverName: "x"), nodeID: "anything at all", kind: .opaque),
    ]

    @Test("parses kind, host names and IP", arguments: cases)
    func parses(_ c: Case) throws {
        let id = try c.family.parseNodeID(c.nodeID)
        #expect(id.kind == c.kind)
        #expect(id.hostName == c.host)
        #expect(id.fqdn == c.fqdn)
        #expect(id.ipAddress == c.ip)
    }

    @Test("rejects malformed node ids")
    func rejects() {
        let bad: [(any ArrayFamily, String)] = [
            (PowerFlexFamily(), ""), (PowerFlexFamily(), "not-an-id"),
            (PowerStoreFamily(), "csi-node-abc"), (PowerScaleFamily(), "a=#=#=b"),
            (UnityFamily(), "worker-1"), (PowerMaxFamily(), "two words"),
        ]
        for (family, id) in bad {
            #expect(throws: FamilyParseError.self, "\(family.id): \(id)") { try family.parseNodeID(id) }
        }
    }

    @Test("node ids the families make have their format")
    func makes() throws {
        let host = HostIdentity(nodeName: "worker-1", fqdn: "worker-1.example.com", ipAddress: "10.0.0.5",
                                kubernetesUID: "8f2b6a52-0c3e-4f7d-9a51-00000000000a",
                                machineID: "1a47a1b91c444a8a90193d8066669603",
                                sdcGUID: "9e56672f-2f4b-4a42-bff4-88b6846fbfda")
        #expect(PowerFlexFamily().makeNodeID(host) == "9E56672F-2F4B-4A42-BFF4-88B6846FBFDA")
        var nvme = host
        nvme.sdcGUID = nil
        let nvmeID = PowerFlexFamily().makeNodeID(nvme)
        #expect(nvmeID.count == 31)
        #expect(nvmeID.hasPrefix("10.0.0.5-"))
        #expect(try PowerFlexFamily().parseNodeID(nvmeID).kind == .nvmeHost)
        #expect(PowerStoreFamily().makeNodeID(host) == "csi-node-1a47a1b91c444a8a90193d8066669603-10.0.0.5")
        #expect(PowerScaleFamily().makeNodeID(host) == "worker-1=#=#=worker-1.example.com=#=#=10.0.0.5")
        #expect(PowerMaxFamily().makeNodeID(host) == "worker-1")
        #expect(UnityFamily().makeNodeID(host) == "worker-1,worker-1.example.com")
    }
}

@Suite("Names and taints")
struct NamesTests {
    @Test("driver names, label values and taint keys match CSM for Resiliency")
    func names() {
        let expected: [(any ArrayFamily, String, String, String)] = [
            (PowerFlexFamily(), "csi-vxflexos.dellemc.com", "csi-vxflexos", "vxflexos"),
            (PowerStoreFamily(), "csi-powerstore.dellemc.com", "csi-powerstore", "powerstore"),
            (PowerScaleFamily(), "csi-isilon.dellemc.com", "csi-isilon", "isilon"),
            (PowerMaxFamily(), "csi-powermax.dellemc.com", "csi-powermax", "powermax"),
            (UnityFamily(), "csi-unity.dellemc.com", "csi-unity", "unity"),
        ]
        for (family, driver, label, stem) in expected {
            #expect(family.csiDriverName == driver)
            #expect(family.podmonLabel.key == "podmon.dellemc.com/driver")
            #expect(family.podmonLabel.value == label)
            #expect(family.podmonTaintKey == "\(stem).podmon.storage.dell.com")
            #expect(family.driverPodTaintKey == "offline.\(stem).storage.dell.com")
            #expect(family.hasPodmonExtension)
        }
        let generic = GenericFamily(driverName: "hostpath.csi.k8s.io")
        #expect(!generic.hasPodmonExtension)
        #expect(generic.connectivityQueries(volumeHandles: ["a"]).isEmpty)
    }

    @Test("Unity's first check gets more than podmon's 10 s; PowerFlex keeps podmon's")
    func deadlines() {
        #expect(UnityFamily().deadlines.coldValidate > .seconds(12))
        #expect(PowerFlexFamily().deadlines.validate == .seconds(10))
        #expect(UnityFamily().caveats.contains(.coldCheckExceedsPodmonDeadline))
        #expect(PowerFlexFamily().caveats.contains(.nfsNotSupported))
    }

    @Test("excluded cleanup errors and errors that mean disconnected")
    func errors() {
        #expect(UnityFamily().isExcludedCleanupError("NFS Share for filesystem fs_1 not found"))
        #expect(!UnityFamily().isExcludedCleanupError("NFS Share for filesystem fs_1 busy"))
        #expect(!PowerStoreFamily().isExcludedCleanupError("NFS Share for filesystem fs_1 not found"))
        #expect(PowerFlexFamily().errorMeansDisconnected(
            "NodeID is invalid: X - there is no corresponding SDC, error: not found"))
        #expect(!PowerStoreFamily().errorMeansDisconnected("there is no corresponding SDC"))
    }
}
