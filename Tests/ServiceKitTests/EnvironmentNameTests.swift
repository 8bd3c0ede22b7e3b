import Testing

@testable import ServiceKit

@Suite struct EnvironmentNameTests {
    @Test(arguments: [
        ("bus.tls.caFile", "PODGUARD_BUS_TLS_CA_FILE"),
        ("tap.exitAfterMessages", "PODGUARD_TAP_EXIT_AFTER_MESSAGES"),
        ("bus.servers", "PODGUARD_BUS_SERVERS"),
        ("log.level", "PODGUARD_LOG_LEVEL"),
        ("http.port", "PODGUARD_HTTP_PORT"),
        ("shutdown.gracePeriod", "PODGUARD_SHUTDOWN_GRACE_PERIOD"),
        ("bus.nkeySeedFile", "PODGUARD_BUS_NKEY_SEED_FILE"),
        ("bus.credentialsFile", "PODGUARD_BUS_CREDENTIALS_FILE"),
        ("bus.subjectPrefix", "PODGUARD_BUS_SUBJECT_PREFIX"),
        ("http.baseURLPath", "PODGUARD_HTTP_BASE_URL_PATH"),
        ("raft.node2Peers", "PODGUARD_RAFT_NODE2_PEERS"),
    ])
    func derives(key: String, expected: String) {
        #expect(EnvironmentName.forKey(key) == expected)
        #expect(ConfigKey(key, .string, default: nil, help: "").environmentName == expected)
    }

    @Test func everyCommonKeyHasADistinctVariable() {
        let names = ConfigSchema.common.keys.map(\.environmentName)
        #expect(Set(names).count == names.count)
    }
}
