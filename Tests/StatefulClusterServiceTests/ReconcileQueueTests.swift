@testable import StatefulClusterService
import Testing

@Suite("StatefulCluster work queue")
struct ReconcileQueueTests {
    @Test("a key waits once, is handed to one worker at a time, and comes back once if changed while in work")
    func semantics() async {
        let queue = ReconcileQueue()
        await queue.add("ns/a")
        await queue.add("ns/a")
        await queue.add("ns/b")
        #expect(await queue.depth == 2)
        let first = await queue.next()
        #expect(first == "ns/a")
        await queue.add("ns/a")            // changed while in work: not handed out twice at once
        #expect(await queue.next() == "ns/b")
        #expect(await queue.depth == 0)
        await queue.done("ns/a")           // now it comes back, once
        #expect(await queue.depth == 1)
        #expect(await queue.next() == "ns/a")
        await queue.done("ns/a")
        await queue.done("ns/b")
        #expect(await queue.depth == 0)
    }

    @Test("a waiting worker gets the next key at once; shutting down releases it with nil")
    func waitersAndShutdown() async {
        let queue = ReconcileQueue()
        async let handed = queue.next()
        try? await Task.sleep(for: .milliseconds(50))
        await queue.add("ns/a")
        #expect(await handed == "ns/a")
        async let released = queue.next()
        try? await Task.sleep(for: .milliseconds(50))
        await queue.shutDown()
        #expect(await released == nil)
        #expect(await queue.next() == nil)
    }
}
