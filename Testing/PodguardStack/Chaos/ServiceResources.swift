/// Memory and file descriptors of every service, sampled between chaos runs: bounded resources
/// show as a peak that stops growing, a leak as a last sample far above the first.
public struct ServiceResources: Sendable {
    public struct Sample: Sendable {
        public var residentBytes: Int
        public var fileDescriptors: Int
    }

    /// One service's samples since its latest start (a killed service starts afresh).
    public struct Series: Sendable {
        public var start: Int
        public var first: Sample
        public var peak: Sample
        public var last: Sample
        /// Samples taken over the service's whole life, across restarts.
        public var samples: Int
        public var restarts: Int
    }

    public private(set) var series: [ServiceID: Series] = [:]

    public init() {}

    /// Samples every running process of the stack.
    public mutating func sample(_ stack: PodguardStack) {
        for (id, process) in stack.processes {
            guard let memory = process.memory(), let descriptors = process.openFileDescriptors() else { continue }
            let sample = Sample(residentBytes: memory.residentBytes, fileDescriptors: descriptors)
            guard var current = series[id] else {
                series[id] = Series(start: process.starts, first: sample, peak: sample, last: sample, samples: 1, restarts: 0)
                continue
            }
            if current.start != process.starts {
                current = Series(start: process.starts, first: sample, peak: sample, last: sample, samples: current.samples,
                                 restarts: current.restarts + 1)
            }
            current.peak = Sample(residentBytes: max(current.peak.residentBytes, sample.residentBytes),
                                  fileDescriptors: max(current.peak.fileDescriptors, sample.fileDescriptors))
            current.last = sample
            current.samples += 1
            series[id] = current
        }
    }
}
