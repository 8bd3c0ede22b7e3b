/// What start-up decided: run the service, or exit now (`--help`, `--version`, `--print-config`,
/// configuration errors) with the given output. Lets tests check start-up without exiting the process.
public enum LaunchOutcome: Sendable {
    case run(PodguardApplication)
    case exit(code: Int32, stdout: String, stderr: String)
}
