import Testing

import ServiceKit

@Suite struct ReadinessRegistryTests {
    @Test func emptyRegistryIsReady() {
        #expect(ReadinessRegistry().isReady)
    }

    @Test func componentsStartNotReadyAndAllMustBeReady() {
        let readiness = ReadinessRegistry()
        readiness.register("bus")
        readiness.register("consumer")
        #expect(!readiness.isReady)
        readiness.set("bus", ready: true)
        #expect(!readiness.isReady)
        readiness.set("consumer", ready: true)
        #expect(readiness.isReady)
        readiness.set("bus", ready: false, reason: "reconnecting")
        #expect(!readiness.isReady)
        let snapshot = readiness.snapshot()
        #expect(snapshot.map(\.component) == ["bus", "consumer"])
        #expect(snapshot[0].ready == false && snapshot[0].reason == "reconnecting")
        #expect(snapshot[1].ready == true && snapshot[1].reason == nil)
    }

    @Test func registeringAgainKeepsStateAndSetRegistersUnknownComponents() {
        let readiness = ReadinessRegistry()
        readiness.set("cache", ready: true)
        readiness.register("cache")
        #expect(readiness.isReady)
        #expect(readiness.snapshot().count == 1)
    }

    @Test func beginShutdownMakesItNotReadyForGood() {
        let readiness = ReadinessRegistry()
        readiness.set("bus", ready: true)
        #expect(readiness.isReady)
        readiness.beginShutdown()
        #expect(!readiness.isReady)
        #expect(readiness.isShuttingDown)
        readiness.set("bus", ready: true)
        #expect(!readiness.isReady)
    }
}
