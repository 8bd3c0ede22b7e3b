#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension PodguardApplication {
    /// Ends the process after a service's start or run failed: a configuration error found after
    /// bootstrap (a contradiction between keys) prints the same one-line message as bootstrap's and
    /// exits 78; anything else is logged and exits 1.
    public func terminate(failingWith error: any Error) -> Never {
        if let error = error as? ConfigError {
            FileDescriptorWriter.write("\(info.executableName): configuration error: \(error)\n", to: 2)
            Self.terminate(Self.exitConfigurationError)
        }
        logger.critical("\(info.executableName) failed", metadata: ["error": "\(error)"])
        Self.terminate(1)
    }

    private static func terminate(_ code: Int32) -> Never {
        #if canImport(Glibc)
        Glibc.exit(code)
        #elseif canImport(Musl)
        Musl.exit(code)
        #else
        Darwin.exit(code)
        #endif
    }
}
