import ArrayFamily
import GenericFamily
import PowerFlexFamily
import PowerMaxFamily
import PowerScaleFamily
import PowerStoreFamily
import Testing
import UnityFamily

/// The real handle formats, with the examples from the drivers' own tests and code comments
/// (docs/families/).
@Suite("Volume handles of every family")
struct VolumeHandleTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var family: any ArrayFamily
        var handle: String
        var arrays: [String]
        var volumeID: String
        var storageProtocol: StorageProtocol
        var testDescription: String { "\(family.id.rawValue): \(handle)" }
    }

    static let cases: [Case] = [
        // PowerFlex
        Case(family: PowerFlexFamily(), handle: "14dbbf5617523654-3456", arrays: ["14dbbf5617523654"],
             volumeID: "3456", storageProtocol: .block),
        Case(family: PowerFlexFamily(), handle: "15dbbf5617523655-456ca4fc00000009", arrays: ["15dbbf5617523655"],
             volumeID: "456ca4fc00000009", storageProtocol: .block),
        Case(family: PowerFlexFamily(), handle: "d0f055a700000000", arrays: [], volumeID: "d0f055a700000000",
             storageProtocol: .block),
        Case(family: PowerFlexFamily(), handle: "14dbbf5617523654/64c0000000000001", arrays: ["14dbbf5617523654"],
             volumeID: "64c0000000000001", storageProtocol: .nfs),
        // PowerStore
        Case(family: PowerStoreFamily(), handle: "39bb1b5f-5624-490d-9ece-18f7b28a904e/globalvolid1/scsi",
             arrays: ["globalvolid1"], volumeID: "39bb1b5f-5624-490d-9ece-18f7b28a904e", storageProtocol: .block),
        Case(family: PowerStoreFamily(), handle: "39bb1b5f-5624-490d-9ece-18f7b28a904e/globalvolid2/nfs",
             arrays: ["globalvolid2"], volumeID: "39bb1b5f-5624-490d-9ece-18f7b28a904e", storageProtocol: .nfs),
        Case(family: PowerStoreFamily(),
             handle: "9f840c56-96e6-4de9-b5a3-27e7c20eaa77/PSabcdef0123/scsi:9f840c56-96e6-4de9-b5a3-27e7c20eaa77/PS0123abcdef",
             arrays: ["PSabcdef0123", "PS0123abcdef"], volumeID: "9f840c56-96e6-4de9-b5a3-27e7c20eaa77",
             storageProtocol: .block),
        Case(family: PowerStoreFamily(), handle: "1cd254s/192.168.0.1/scsi", arrays: ["192.168.0.1"],
             volumeID: "1cd254s", storageProtocol: .block),
        Case(family: PowerStoreFamily(), handle: "39bb1b5f-5624-490d-9ece-18f7b28a904e", arrays: [],
             volumeID: "39bb1b5f-5624-490d-9ece-18f7b28a904e", storageProtocol: .unknown),
        // PowerScale
        Case(family: PowerScaleFamily(), handle: "k8s-e89c9d089e=_=_=19=_=_=csi0zone=_=_=cluster1",
             arrays: ["cluster1"], volumeID: "k8s-e89c9d089e", storageProtocol: .nfs),
        Case(family: PowerScaleFamily(), handle: "volume2=_=_=43=_=_=System=_=_=cluster1", arrays: ["cluster1"],
             volumeID: "volume2", storageProtocol: .nfs),
        Case(family: PowerScaleFamily(), handle: "volume1=_=_=19=_=_=System", arrays: [], volumeID: "volume1",
             storageProtocol: .nfs),
        // PowerMax
        Case(family: PowerMaxFamily(), handle: "csi-ABC-pmax-260602731A-ns1-nsx-000120000548-011AB",
             arrays: ["000120000548"], volumeID: "011AB", storageProtocol: .block),
        Case(family: PowerMaxFamily(),
             handle: "csi-ABC-pmax-448c258b72-ns1-nsx-000120000549-649112ce-742b-b93a-abcd-026048200208",
             arrays: ["000120000549"], volumeID: "649112ce-742b-b93a-abcd-026048200208", storageProtocol: .nfs),
        Case(family: PowerMaxFamily(), handle: "csi-TST-volume1-000197900046-531379167", arrays: ["000197900046"],
             volumeID: "531379167", storageProtocol: .block),
        Case(family: PowerMaxFamily(), handle: "csi-TST-vol1-000197900046-11111", arrays: ["000197900046"],
             volumeID: "11111", storageProtocol: .block),
        Case(family: PowerMaxFamily(), handle: "csi-TST-vol1-000197900046:000000000013-11111:22222",
             arrays: ["000197900046", "000000000013"], volumeID: "11111", storageProtocol: .block),
        // Unity
        Case(family: UnityFamily(), handle: "vol1-iscsi-array1-sv_1", arrays: ["array1"], volumeID: "sv_1",
             storageProtocol: .iscsi),
        Case(family: UnityFamily(), handle: "vol1-nfs-array1-fs_1", arrays: ["array1"], volumeID: "fs_1",
             storageProtocol: .nfs),
        Case(family: UnityFamily(), handle: "tests-FC-testarrayid-1234", arrays: ["testarrayid"], volumeID: "1234",
             storageProtocol: .fc),
        Case(family: UnityFamily(), handle: "pvc-a-b-c-NFS-apm00175023135-fs_42", arrays: ["apm00175023135"],
             volumeID: "fs_42", storageProtocol: .nfs),
        Case(family: UnityFamily(), handle: "legacyvolume", arrays: [], volumeID: "legacyvolume",
             storageProtocol: .unknown),
        // Generic
        Case(family: GenericFamily(driverName: "hostpath.csi.k8s.io"), handle: "c6e3-any/format", arrays: [],
             volumeID: "c6e3-any/format", storageProtocol: .unknown),
    ]

    @Test("parses the array(s), volume id and protocol", arguments: cases)
    func parses(_ c: Case) throws {
        let handle = try c.family.parseVolumeHandle(c.handle)
        #expect(handle.raw == c.handle)
        #expect(handle.arrayIDs == c.arrays)
        #expect(handle.volumeID == c.volumeID)
        #expect(handle.storageProtocol == c.storageProtocol)
        #expect(handle.isMetro == (c.arrays.count == 2))
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        var family: any ArrayFamily
        var handle: String
        var testDescription: String { "\(family.id.rawValue): \"\(handle)\"" }
    }

    static let bad: [Bad] = [
        Bad(family: PowerFlexFamily(), handle: ""),
        Bad(family: PowerFlexFamily(), handle: "a/b/c"),
        Bad(family: PowerStoreFamily(), handle: "uuid/array"),
        Bad(family: PowerStoreFamily(), handle: "uuid/array/iscsi"),
        Bad(family: PowerStoreFamily(), handle: "uuid/array/scsi/extra"),
        Bad(family: PowerScaleFamily(), handle: "volume1=_=_=19"),
        Bad(family: PowerMaxFamily(), handle: "csi-TST-vol1-12345-11111"),
        Bad(family: PowerMaxFamily(), handle: "csi-TST-vol1-000197900046:000000000013-11111"),
        Bad(family: UnityFamily(), handle: "vol1-array1-sv_1"),
        Bad(family: UnityFamily(), handle: "vol1-SAS-array1-sv_1"),
        Bad(family: GenericFamily(driverName: "x"), handle: ""),
    ]

    @Test("rejects malformed handles", arguments: bad)
    func rejects(_ c: Bad) {
        #expect(throws: FamilyParseError.self) { try c.family.parseVolumeHandle(c.handle) }
    }

    @Test("a handle the family makes parses back to its array(s)", arguments: ArrayFamilyID.allCases)
    func roundTrip(_ id: ArrayFamilyID) throws {
        let family = Families.byID[id]!
        let arrays = Families.exampleArrays[id]!
        var specs = [VolumeSpec(name: "pvc-1", arrayID: arrays[0], number: 7)]
        if family.protocols.contains(.nfs) {
            specs.append(VolumeSpec(name: "pvc-2", arrayID: arrays[1], number: 8, storageProtocol: .nfs))
        }
        if id == .powerstore || id == .powermax {
            specs.append(VolumeSpec(name: "pvc-3", arrayID: arrays[0], number: 9, remoteArrayID: arrays[1]))
        }
        for spec in specs {
            let handle = try family.parseVolumeHandle(family.makeVolumeHandle(spec))
            if id == .generic {
                #expect(handle.arrayIDs.isEmpty)
            } else {
                #expect(handle.arrayIDs == [spec.arrayID] + (spec.remoteArrayID.map { [$0] } ?? []),
                        "\(handle.raw)")
            }
        }
    }
}

enum Families {
    static let byID: [ArrayFamilyID: any ArrayFamily] = [
        .powerflex: PowerFlexFamily(), .powerstore: PowerStoreFamily(), .powerscale: PowerScaleFamily(),
        .powermax: PowerMaxFamily(), .unity: UnityFamily(), .generic: GenericFamily(driverName: "hostpath.csi.k8s.io"),
    ]
    static let exampleArrays: [ArrayFamilyID: [String]] = [
        .powerflex: ["14dbbf5617523654", "15dbbf5617523655"], .powerstore: ["PSabcdef0123", "PS0123abcdef"],
        .powerscale: ["cluster1", "cluster2"], .powermax: ["000197900046", "000000000013"],
        .unity: ["array1", "array2"], .generic: ["g1", "g2"],
    ]
}
