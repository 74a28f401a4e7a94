/// External ids resolved to profiles within one write, following the merges made meanwhile.
///
/// A merge records one redirect (merged profile → the profile it went into) instead of rewriting
/// every cached id: rewriting made a file with n anonymous→known identifies cost O(n²).
struct ProfileDirectory {
    private var links: [String: String] = [:]
    private var redirects: [String: String] = [:]

    /// The profile an external id belongs to now, or nil when it is not cached. Setting a value
    /// links the id to a live profile.
    subscript(externalID: String) -> String? {
        get { links[externalID].map(current) }
        set {
            links[externalID] = newValue
            if let profile = newValue { redirects.removeValue(forKey: profile) }
        }
    }

    /// Where `profile` lives after the merges recorded so far (itself when it was not merged).
    func current(_ profile: String) -> String {
        var p = profile, steps = 0
        while let next = redirects[p], steps < redirects.count {
            p = next
            steps += 1
        }
        return p
    }

    /// Records that `from` was merged into `target` (which is alive).
    mutating func merge(_ from: String, into target: String) {
        redirects[from] = target
        redirects.removeValue(forKey: target)
    }
}
