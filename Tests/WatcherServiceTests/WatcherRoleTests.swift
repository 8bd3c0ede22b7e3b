import Testing
import WatcherService

@Suite("watcher role state machine (pure)")
struct WatcherRoleTests {
    enum Step: String, CaseIterable, Sendable { case acquired, lost, synced, stop }

    static func run(_ steps: [Step]) -> (WatcherRole.State, [WatcherRole.Action]) {
        var role = WatcherRole()
        var actions: [WatcherRole.Action] = []
        for step in steps {
            switch step {
            case .acquired: actions.append(role.leadershipAcquired())
            case .lost: actions.append(role.leadershipLost())
            case .synced: actions.append(role.allCachesSynced())
            case .stop: actions.append(role.stop())
            }
        }
        return (role.state, actions)
    }

    @Test("transitions", arguments: [
        ([Step.synced, .acquired], WatcherRole.State.leading, [WatcherRole.Action.none, .reconcile]),
        ([.acquired, .synced], .leading, [.none, .reconcile]),
        ([.acquired, .lost, .synced], .standby, [.none, .none, .none]),
        ([.synced, .acquired, .lost], .standby, [.none, .reconcile, .stopPublishing]),
        ([.synced, .acquired, .lost, .acquired], .leading, [.none, .reconcile, .stopPublishing, .reconcile]),
        ([.synced, .acquired, .acquired, .synced], .leading, [.none, .reconcile, .none, .none]),
        ([.synced, .acquired, .stop, .acquired], .stopped, [.none, .reconcile, .stopPublishing, .none]),
        ([.lost, .stop], .stopped, [.none, .none]),
    ] as [([Step], WatcherRole.State, [WatcherRole.Action])])
    func transitions(steps: [Step], state: WatcherRole.State, actions: [WatcherRole.Action]) {
        let (finalState, produced) = Self.run(steps)
        #expect(finalState == state)
        #expect(produced == actions)
    }

    @Test("publishes only while leading")
    func publishes() {
        var role = WatcherRole()
        #expect(!role.publishes)
        _ = role.leadershipAcquired()
        #expect(!role.publishes)
        _ = role.allCachesSynced()
        #expect(role.publishes)
        _ = role.leadershipLost()
        #expect(!role.publishes)
    }
}
