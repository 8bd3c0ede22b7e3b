/// The podguard release every service reports with `--version`; all services ship together.
public enum PodguardVersion {
    public static let current = "0.1.0"
}
