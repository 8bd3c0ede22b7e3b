import ArrayFamily
import PowerFlexFamily
import PowerMaxFamily
import PowerScaleFamily
import PowerStoreFamily
import Testing
import UnityFamily

@Suite("Per-array queries and the multi-array rule")
struct MultiArrayTests {
    static func answer(_ array: String?, connected: Bool, io: Bool = false) -> ArrayAnswer {
        ArrayAnswer(query: ConnectivityQuery(arrayID: array, requestArrayID: array ?? "", volumeIDs: []),
                    outcome: .answered(connected: connected, ioInProgress: io))
    }

    @Test("any array disconnected means disconnected, whatever the order (not 'last wins')")
    func anyDisconnected() {
        let a = Self.answer("A", connected: true), b = Self.answer("B", connected: false)
        #expect(ConnectivityCombiner.combine([a, b]).connectivity == .disconnected)
        #expect(ConnectivityCombiner.combine([b, a]).connectivity == .disconnected)
        #expect(ConnectivityCombiner.combine([a, Self.answer("C", connected: true)]).connectivity == .connected)
    }

    @Test("I/O on any array means I/O; a failed answer is unknown, never disconnected nor idle")
    func ioAndFailures() {
        let idle = Self.answer("A", connected: false)
        let busy = Self.answer("B", connected: true, io: true)
        let failed = ArrayAnswer(query: ConnectivityQuery(arrayID: "C", requestArrayID: "C", volumeIDs: []),
                                 outcome: .failed("deadline exceeded"))
        #expect(ConnectivityCombiner.combine([idle, busy]).io == .active)
        #expect(ConnectivityCombiner.combine([idle]).io == .idle)
        let withFailure = ConnectivityCombiner.combine([Self.answer("A", connected: true), failed])
        #expect(withFailure.connectivity == .unknown)
        #expect(withFailure.io == .unknown)
        #expect(withFailure.arrays[1].messages == ["deadline exceeded"])
        #expect(ConnectivityCombiner.combine([]).connectivity == .unknown)
        let sdc = ArrayAnswer(query: failed.query, outcome: .disconnectedByError("there is no corresponding SDC"))
        #expect(ConnectivityCombiner.combine([sdc]).connectivity == .disconnected)
        #expect(ConnectivityCombiner.combine([sdc]).io == .idle)
    }

    @Test("a volume is governed by its own arrays only; a metro volume by both")
    func perVolume() throws {
        let family = PowerStoreFamily()
        let verdict = ConnectivityCombiner.combine([Self.answer("PSA", connected: true), Self.answer("PSB", connected: false)])
        let onA = try family.parseVolumeHandle("u1/PSA/scsi")
        let metro = try family.parseVolumeHandle("u2/PSA/scsi:u3/PSB")
        #expect(verdict.connectivity(of: onA) == .connected)
        #expect(verdict.connectivity(of: metro) == .disconnected)
    }

    @Test("volumes are grouped per array; array_id is set where the driver honours it")
    func queries() {
        let flex = PowerFlexFamily().connectivityQueries(
            volumeHandles: ["14dbbf5617523654-1", "15dbbf5617523655-2", "14dbbf5617523654-3", "legacy"])
        #expect(flex == [
            ConnectivityQuery(arrayID: "14dbbf5617523654", requestArrayID: "14dbbf5617523654",
                              volumeIDs: ["14dbbf5617523654-1", "14dbbf5617523654-3"]),
            ConnectivityQuery(arrayID: "15dbbf5617523655", requestArrayID: "15dbbf5617523655",
                              volumeIDs: ["15dbbf5617523655-2"]),
            ConnectivityQuery(arrayID: nil, requestArrayID: "", volumeIDs: ["legacy"]),
        ])
        // PowerScale: array_id would make the driver skip the check.
        let scale = PowerScaleFamily().connectivityQueries(
            volumeHandles: ["v1=_=_=1=_=_=z=_=_=c1", "v2=_=_=2=_=_=z=_=_=c2"], knownArrays: ["c1", "c2"])
        #expect(scale.map(\.requestArrayID) == ["", ""])
        #expect(scale.map(\.volumeIDs) == [["v1=_=_=1=_=_=z=_=_=c1"], ["v2=_=_=2=_=_=z=_=_=c2"]])
        #expect(PowerScaleFamily().connectivityQueries(volumeHandles: [], knownArrays: ["c1", "c2"]).count == 1)
        // Node-only checks ask each known array.
        #expect(UnityFamily().connectivityQueries(volumeHandles: [], knownArrays: ["a1", "a2"]).map(\.requestArrayID)
                == ["a1", "a2"])
    }

    @Test("metro: PowerStore asks both arrays with the volume; PowerMax asks the remote about the node only")
    func metro() {
        let store = PowerStoreFamily().connectivityQueries(volumeHandles: ["u1/PSA/scsi:u2/PSB"])
        #expect(store.map(\.arrayID) == ["PSA", "PSB"])
        #expect(store.map(\.volumeIDs) == [["u1/PSA/scsi:u2/PSB"], ["u1/PSA/scsi:u2/PSB"]])
        let handle = "csi-TST-vol1-000197900046:000000000013-11111:22222"
        let max = PowerMaxFamily().connectivityQueries(volumeHandles: [handle])
        #expect(max.map(\.arrayID) == ["000197900046", "000000000013"])
        #expect(max.map(\.volumeIDs) == [[handle], []])
    }
}
