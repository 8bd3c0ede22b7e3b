/// Where the random part of new pod names comes from: the system's generator in the service, a
/// seeded one in tests.
public protocol PodNameSource: Sendable {
    /// A suffix of `PodNaming.suffixLength` characters of `PodNaming.alphabet`.
    mutating func nextSuffix() -> String
}

/// Pod names `<cluster>-<suffix>`: Kubernetes' `generateName` alphabet (no vowels, no look-alike
/// digits), but longer, since an identity must never come back: 27^10 names per cluster.
public enum PodNaming {
    public static let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
    public static let suffixLength = 10

    /// A name of a pod of `cluster` that is not in `taken`.
    public static func newName(cluster: String, avoiding taken: Set<String>, source: inout some PodNameSource) -> String {
        while true {
            let name = "\(cluster)-\(source.nextSuffix())"
            if !taken.contains(name) { return name }
        }
    }

    public static func claimName(template: String, pod: String) -> String { "\(template)-\(pod)" }
}

/// The system's random generator.
public struct SystemPodNameSource: PodNameSource {
    public init() {}

    public mutating func nextSuffix() -> String {
        String((0..<PodNaming.suffixLength).map { _ in PodNaming.alphabet.randomElement()! })
    }
}
