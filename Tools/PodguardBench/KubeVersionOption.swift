import ArgumentParser
import Harness

/// `--kube-version` of the benchmarks that start a control plane.
struct KubeVersionOption: ParsableArguments {
    @Option(name: .customLong("kube-version"), help: "Kubernetes of the control plane: 1.28, 1.20, newest or oldest (default: $PODGUARD_KUBE_VERSION, else the newest; binaries from `make control-plane`).")
    var kubeVersion: String?

    /// Makes it the version of every control plane this process starts.
    func select() {
        if let kubeVersion { KubeControlPlane.selectVersion(kubeVersion) }
    }

    var arguments: [String] { kubeVersion.map { ["--kube-version", $0] } ?? [] }
}
