public import Hummingbird
public import SegmentaCore
import Logging
import SegmentaStore
import NIOPosix
import Synchronization

/// Where internal errors are logged: their details stay in the log, never in a response.
let internalErrorLog = Logger(label: "segmenta.server")

/// Runs a blocking store call on NIO's thread pool (SQLite calls block; the request threads must
/// not), turning library errors into HTTP errors at the edge. An internal error (storage, I/O, or
/// anything unexpected) is logged with its details and answered as a plain 500.
func blocking<T: Sendable>(invalidStatus: HTTPResponse.Status = .badRequest, _ body: @escaping @Sendable () throws -> T) async throws -> T {
    // The request's SQL time limit (a task-local) follows the work onto the pool's thread.
    let deadline = QueryDeadline.current
    do {
        return try await NIOThreadPool.singleton.runIfActive { try QueryDeadline.$current.withValue(deadline, operation: body) }
    } catch {
        throw httpError(error, invalidStatus: invalidStatus)
    }
}

/// Runs a job over the storage protocols (analyses, comparisons, validations, experiments) on
/// ``BatchExecutor``: its Swift work (scoring, fitting) stays off the threads that serve requests,
/// and its store calls are offloaded by the backend. Errors map as for ``blocking(invalidStatus:_:)``.
func offloaded<T: Sendable>(invalidStatus: HTTPResponse.Status = .badRequest, _ body: () async throws -> T) async throws -> T {
    do {
        return try await withTaskExecutorPreference(BatchExecutor.shared) { try await body() }
    } catch {
        throw httpError(error, invalidStatus: invalidStatus)
    }
}

/// A library error as an HTTP error; an internal one is logged with its details and becomes a plain 500.
func httpError(_ error: any Error, invalidStatus: HTTPResponse.Status) -> APIError {
    switch error {
    case let e as SegmentaError:
        let mapped = APIError(e, invalidStatus: invalidStatus)
        if mapped.status == .internalServerError { internalErrorLog.error("internal error", metadata: ["error": .string(e.message), "underlying": .string(e.underlying.map { "\($0)" } ?? "")]) }
        return mapped
    case let e as APIError:
        return e
    default:
        internalErrorLog.error("internal error", metadata: ["error": .string("\(error)")])
        return APIError.internalError
    }
}

/// Runs async store calls (the backend keeps blocking work off the cooperative threads), turning
/// library errors into HTTP errors as ``blocking(invalidStatus:_:)`` does.
func mapped<T: Sendable>(invalidStatus: HTTPResponse.Status = .badRequest, _ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch {
        throw httpError(error, invalidStatus: invalidStatus)
    }
}

/// `body`'s answer, or a timeout error once `limit` has passed. The work runs in a task of its own
/// and is cancelled, not awaited, at the limit: a storage connection that never answers (the
/// storage-fault issue saw PostgreSQL's) must not hold the request, as a task group would while it
/// waits for its child. The timer ends as soon as the answer comes.
func bounded<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    let race = BoundedRace<T>()
    return try await withCheckedThrowingContinuation { c in
        race.caller.withLock { $0 = c }
        let timer = Task {
            try? await Task.sleep(for: limit)
            guard !Task.isCancelled, let c = race.take() else { return }
            race.work.withLock { $0 }?.cancel()
            c.resume(throwing: SegmentaError(.timeout, "no answer within \(limit)"))
        }
        let work = Task {
            defer { timer.cancel() }
            do {
                let value = try await body()
                race.take()?.resume(returning: value)
            } catch {
                race.take()?.resume(throwing: error)
            }
        }
        race.work.withLock { $0 = work }
    }
}

/// The caller of ``bounded(_:_:)``, resumed once, by the answer or by the timer, and the work to cancel.
private final class BoundedRace<T: Sendable>: Sendable {
    let caller = Mutex<CheckedContinuation<T, any Error>?>(nil)
    let work = Mutex<Task<Void, Never>?>(nil)
    func take() -> CheckedContinuation<T, any Error>? { caller.withLock { $0.take() } }
}
