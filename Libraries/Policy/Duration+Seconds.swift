extension Duration {
    /// The duration as seconds, for comparisons with `Date` intervals.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
