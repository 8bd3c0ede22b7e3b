import Synchronization

/// Hands every simulated array of a process its own block of volume numbers. Kubernetes keys
/// attachments by driver and volume handle, so two arrays of one family that both started at
/// volume 1 would make the attach/detach controller see one volume "attached elsewhere" (a
/// Multi-Attach refusal) when tests share a control plane. The blocks start at a random one so
/// that processes sharing an apiserver rarely meet either.
enum VolumeNumberBlocks {
    /// Numbers per array; every family's handle format holds `blockCount * blockSize` numbers
    /// (PowerMax's five hex digits are the narrowest).
    static let blockSize = 2_000
    static let blockCount = 400

    private static let next = Atomic<Int>(Int.random(in: 0..<blockCount))

    /// The first volume number of a new array's block.
    static func allocate() -> Int {
        let block = next.add(1, ordering: .relaxed).oldValue % blockCount
        return block * blockSize + 1
    }
}
