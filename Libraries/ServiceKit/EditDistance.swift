/// Levenshtein distance, to suggest the key an operator probably meant when they misspell one.
enum EditDistance {
    static func between(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased()), b = Array(b.lowercased())
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// The closest candidate, if it is close enough to be a plausible typo (at most a third of the
    /// name differs, and never more than 4 edits).
    static func nearest(to name: String, among candidates: [String]) -> String? {
        let scored = candidates.map { (candidate: $0, distance: between(name, $0)) }
        guard let best = scored.min(by: { $0.distance < $1.distance }) else { return nil }
        let limit = min(4, max(2, name.count / 3))
        return best.distance <= limit ? best.candidate : nil
    }
}
