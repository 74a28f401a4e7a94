extension Duration {
    /// The duration in seconds, with its fraction (for timings and for scaling back-off delays).
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
