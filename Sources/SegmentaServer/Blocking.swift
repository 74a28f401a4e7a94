public import Hummingbird
public import SegmentaCore
import NIOPosix

/// Runs a blocking store call on NIO's thread pool (SQLite calls block; the request threads must
/// not), turning library errors into HTTP errors at the edge.
func blocking<T: Sendable>(invalidStatus: HTTPResponse.Status = .badRequest, _ body: @escaping @Sendable () throws -> T) async throws -> T {
    do {
        return try await NIOThreadPool.singleton.runIfActive(body)
    } catch let e as SegmentaError {
        throw APIError(e, invalidStatus: invalidStatus)
    }
}
