#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// C strings that must outlive one nats.c call whose configuration struct points at them
/// (`jsStreamConfig.Name`, `kvConfig.Bucket`, ...). Freed when the arena is.
final class CStringArena {
    private var allocations: [UnsafeMutableRawPointer] = []

    func string(_ value: String) -> UnsafePointer<CChar> {
        let copy = strdup(value)!
        allocations.append(UnsafeMutableRawPointer(copy))
        return UnsafePointer(copy)
    }

    func optionalString(_ value: String?) -> UnsafePointer<CChar>? {
        value.map(string)
    }

    /// A C array of C strings, e.g. `jsStreamConfig.Subjects`.
    func stringArray(_ values: [String]) -> UnsafeMutablePointer<UnsafePointer<CChar>?> {
        let array = malloc(MemoryLayout<UnsafePointer<CChar>?>.stride * max(1, values.count))!
            .bindMemory(to: UnsafePointer<CChar>?.self, capacity: max(1, values.count))
        for (index, value) in values.enumerated() { array[index] = string(value) }
        allocations.append(UnsafeMutableRawPointer(array))
        return array
    }

    func int64Array(_ values: [Int64]) -> UnsafeMutablePointer<Int64> {
        let array = malloc(MemoryLayout<Int64>.stride * max(1, values.count))!
            .bindMemory(to: Int64.self, capacity: max(1, values.count))
        for (index, value) in values.enumerated() { array[index] = value }
        allocations.append(UnsafeMutableRawPointer(array))
        return array
    }

    deinit {
        for pointer in allocations { free(pointer) }
    }
}
