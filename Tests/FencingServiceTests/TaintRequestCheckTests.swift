import Contracts
import FamilyCatalog
import FencingCore
import FencingService
import Testing

@Suite("TaintRequestCheck: the rule behind a taint request, re-checked")
struct TaintRequestCheckTests {
    static func request(_ action: Podguard_V1_NodeTaintRequest.Action, _ key: String) -> Podguard_V1_NodeTaintRequest {
        var request = Podguard_V1_NodeTaintRequest()
        request.nodeName = "w1"
        request.taint.key = key
        request.action = action
        return request
    }

    static let offline = "offline.vxflexos.storage.dell.com"
    static let podguard = "vxflexos.podmon.storage.dell.com"

    static let table: [(String, Podguard_V1_NodeTaintRequest.Action, String, TaintRequestCheck.Evidence, Bool)] = [
        ("offline add, driver pod not Ready", .add, offline, .init(driverPodsReady: [false]), true),
        ("offline add, driver pod Ready", .add, offline, .init(driverPodsReady: [true]), false),
        ("offline add, one of two Ready", .add, offline, .init(driverPodsReady: [false, true]), false),
        ("offline add, not Ready only by the node controller's mark (node silent, or its kubelet not posted yet)", .add, offline,
         .init(driverPodsReady: [false], reportedByKubelet: false), false),
        ("offline remove, even while the kubelet is silent", .remove, offline, .init(driverPodsReady: [true], reportedByKubelet: false), true),
        ("offline add, no driver pod found", .add, offline, .init(), false),
        ("offline remove, driver pod Ready", .remove, offline, .init(driverPodsReady: [true]), true),
        ("offline remove, driver pod still down", .remove, offline, .init(driverPodsReady: [false]), false),
        ("offline remove, no driver pod found", .remove, offline, .init(), false),
        ("podguard add, verdict LOST", .add, podguard, .init(lostFamilies: [.powerflex]), true),
        ("podguard add, no LOST verdict", .add, podguard, .init(), false),
        ("podguard add, driver pod evidence is no verdict", .add, podguard, .init(driverPodsReady: [false]), false),
        ("podguard remove, never by request", .remove, podguard, .init(lostFamilies: [.powerflex]), false),
        ("foreign key", .add, "node.kubernetes.io/unreachable", .init(driverPodsReady: [false], lostFamilies: [.powerflex]), false),
        ("no action", .unspecified, offline, .init(driverPodsReady: [false]), false),
    ]

    @Test("allowed only when the rule holds", arguments: table)
    func check(_ name: String, _ action: Podguard_V1_NodeTaintRequest.Action, _ key: String,
               _ evidence: TaintRequestCheck.Evidence, _ allowed: Bool) {
        let verdict = TaintRequestCheck.evaluate(Self.request(action, key), evidence: evidence, taintKeys: ArrayFamilyCatalog.dellTaintKeys)
        if case .allowed = verdict { #expect(allowed, "\(name): \(verdict)") } else { #expect(!allowed, "\(name): \(verdict)") }
    }

    @Test("a key is read as the taint of its driver")
    func kinds() {
        let keys = ArrayFamilyCatalog.dellTaintKeys
        #expect(TaintRequestCheck.kind(of: Self.offline, taintKeys: keys) == .driverOffline(driver: "csi-vxflexos.dellemc.com"))
        #expect(TaintRequestCheck.kind(of: Self.podguard, taintKeys: keys) == .podguard(driver: "csi-vxflexos.dellemc.com"))
        #expect(TaintRequestCheck.kind(of: "example.com/x", taintKeys: keys) == .foreign)
    }
}
