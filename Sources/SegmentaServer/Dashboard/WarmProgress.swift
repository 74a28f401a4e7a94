import Synchronization

/// How far the page warmer has got — each look at the data version and each warming counts one
/// step — for whoever must wait until it has done something (tests), without sleeping on a guess.
final class WarmProgress: Sendable {
    private struct State {
        var steps = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())

    /// Steps taken so far.
    var steps: Int { state.withLock { $0.steps } }

    /// One more step: wakes every waiter.
    func advance() {
        let waiters = state.withLock { s in
            s.steps += 1
            defer { s.waiters = [] }
            return s.waiters
        }
        for w in waiters { w.resume() }
    }

    /// Returns once `done()` holds, looking again after each step.
    func wait(until done: () -> Bool) async {
        while true {
            let seen = steps
            if done() { return }
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let now = state.withLock { s in
                    if s.steps > seen { return true }
                    s.waiters.append(c)
                    return false
                }
                if now { c.resume() }
            }
        }
    }
}
