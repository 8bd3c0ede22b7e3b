/// The labels the kubelet puts on every CRI container it creates: how a container is traced back
/// to its pod without asking Kubernetes.
public enum KubeletLabels {
    public static let podUID = "io.kubernetes.pod.uid"
    public static let podName = "io.kubernetes.pod.name"
    public static let podNamespace = "io.kubernetes.pod.namespace"
    public static let containerName = "io.kubernetes.container.name"
}
