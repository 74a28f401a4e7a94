public import Hummingbird
public import SegmentaCore
import Logging
import SegmentaStore
import NIOPosix

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
    } catch let e as SegmentaError {
        let mapped = APIError(e, invalidStatus: invalidStatus)
        if mapped.status == .internalServerError { internalErrorLog.error("internal error", metadata: ["error": .string(e.message), "underlying": .string(e.underlying.map { "\($0)" } ?? "")]) }
        throw mapped
    } catch let e as APIError {
        throw e
    } catch {
        internalErrorLog.error("internal error", metadata: ["error": .string("\(error)")])
        throw APIError.internalError
    }
}
