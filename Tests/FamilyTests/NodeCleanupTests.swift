import ArrayFamily
import PowerFlexFamily
import PowerMaxFamily
import PowerScaleFamily
import PowerStoreFamily
import Testing
import UnityFamily

@Suite("Node cleanup paths (podmon's per-driver table)")
struct NodeCleanupTests {
    static let volume = VolumeOnNode(podUID: "uid1", pvName: "pv1", volumeHandle: "handle-1")
    static let sha = SHA256.hex("handle-1")
    static let podMount = "/var/lib/kubelet/pods/uid1/volumes/kubernetes.io~csi/pv1/mount"

    @Test("SHA-256 matches known vectors")
    func sha256() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(String(repeating: "a", count: 1000)).count == 64)
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test("PowerFlex: driver disks directory, staging = private mount, sha staging")
    func powerflex() {
        let plan = PowerFlexFamily().cleanupPlan(for: Self.volume)
        let disks = "/var/lib/kubelet/plugins/vxflexos.emc.dell.com/disks"
        #expect(plan.targetPath == Self.podMount)
        #expect(plan.privatePath == "\(disks)/handle-1")
        #expect(plan.stagingPaths == ["\(disks)/handle-1", "\(disks)/\(Self.sha)"])
        let custom = PowerFlexFamily().cleanupPlan(for: Self.volume, privateMountDirectory: "/pmd")
        #expect(custom.privatePath == "/pmd/handle-1")
        #expect(custom.stagingPaths == ["/pmd/handle-1", "/pmd/\(Self.sha)"])
    }

    @Test("PowerScale: pod mount only, nothing to unstage")
    func powerscale() {
        let plan = PowerScaleFamily().cleanupPlan(for: Self.volume)
        #expect(plan.targetPath == Self.podMount)
        #expect(plan.privatePath == Self.podMount)
        #expect(plan.stagingPaths.isEmpty)
    }

    @Test("PowerStore and PowerMax: kubelet pv globalmount, then the ≥1.25 sha path of their driver")
    func powerstoreAndMax() {
        for (family, driver) in [(PowerStoreFamily() as any ArrayFamily, "csi-powerstore.dellemc.com"),
                                 (PowerMaxFamily(), "csi-powermax.dellemc.com")] {
            let plan = family.cleanupPlan(for: Self.volume, privateMountDirectory: "/var/lib/kubelet")
            #expect(plan.stagingPaths == [
                "/var/lib/kubelet/plugins/kubernetes.io/csi/pv/pv1/globalmount",
                "/var/lib/kubelet/plugins/kubernetes.io/csi/\(driver)/\(Self.sha)/globalmount",
            ])
            let block = family.cleanupPlan(for: VolumeOnNode(podUID: "uid1", pvName: "pv1", volumeHandle: "h", isBlock: true))
            #expect(block.targetPath == "/var/lib/kubelet/plugins/kubernetes.io/csi/volumeDevices/publish/pv1/uid1")
            #expect(block.stagingPaths == ["/var/lib/kubelet/plugins/kubernetes.io/csi/volumeDevices/staging/pv1"])
        }
    }

    @Test("Unity: private target is the pod mount, whatever the private dir")
    func unity() {
        let plan = UnityFamily().cleanupPlan(for: Self.volume, privateMountDirectory: "/pmd")
        #expect(plan.privatePath == Self.podMount)
        #expect(plan.stagingPaths.last == "/var/lib/kubelet/plugins/kubernetes.io/csi/csi-unity.dellemc.com/\(Self.sha)/globalmount")
    }
}
