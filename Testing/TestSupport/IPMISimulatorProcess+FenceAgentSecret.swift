public import Harness
public import Kube

extension IPMISimulatorProcess {
    /// The fence agent Secret of the node this BMC serves, as an operator writes it
    /// (docs/configuration.md): `fence_ipmilan` with this BMC's address and user. `password` and
    /// `port` override the BMC's, to play a wrong password or a BMC nobody serves. ipmi_sim cannot
    /// list its cipher suites, so one is named, as for a BMC that cannot either.
    public func fenceAgentSecret(name: String, namespace: String, password: String? = nil, port: Int? = nil) -> Secret {
        var secret = Secret(name: name, namespace: namespace)
        secret.stringData = [
            "agent": "fence_ipmilan",
            "password": password ?? self.password,
            "options": "ip=127.0.0.1\nipport=\(port ?? self.port)\nusername=\(username)\nlanplus=1\ncipher=3\n",
        ]
        return secret
    }
}
