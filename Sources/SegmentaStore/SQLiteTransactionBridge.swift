import Foundation
public import SegmentaCore
import GRDB

/// The statements of one SQLite transaction whose body awaits. GRDB lends a connection only to a
/// synchronous closure on its own thread; the body runs as a task elsewhere. So that thread
/// serves the body's statements one at a time (``serve(_:)``) until the body finishes, then
/// commits or rolls back; statements sent after the transaction ended fail.
final class SQLiteTransactionBridge: SQLSession, @unchecked Sendable {
    private enum Request {
        case rows(SQLStatement, CheckedContinuation<Result<[SQLRow], SegmentaError>, Never>)
        case execute(SQLStatement, CheckedContinuation<Result<Void, SegmentaError>, Never>)
    }

    // Everything below is guarded by `condition`.
    private let condition = NSCondition()
    private var requests: [Request] = []
    private var commit: Bool?
    private var closed = false

    /// ``SQLSession/rows(_:)``: sent to the thread that holds the connection.
    func rows(_ statement: SQLStatement) async throws(SegmentaError) -> [SQLRow] {
        try await withCheckedContinuation { send(.rows(statement, $0)) }.get()
    }

    /// ``SQLSession/execute(_:)``: sent to the thread that holds the connection.
    func execute(_ statement: SQLStatement) async throws(SegmentaError) {
        try await withCheckedContinuation { send(.execute(statement, $0)) }.get()
    }

    private func send(_ request: Request) {
        condition.lock()
        guard !closed else {
            condition.unlock()
            Self.fail(request, SegmentaError(.storage, "a statement was sent after its transaction ended; nothing was run"))
            return
        }
        requests.append(request)
        condition.signal()
        condition.unlock()
    }

    /// Runs on the thread holding the connection, inside its transaction: serves statements until
    /// ``finish(commit:)``; throws (so the transaction rolls back) unless the body succeeded.
    func serve(_ db: Database) throws {
        while true {
            condition.lock()
            while requests.isEmpty && commit == nil { condition.wait() }
            guard !requests.isEmpty else {
                let ok = commit == true
                condition.unlock()
                if ok { return }
                throw SegmentaError(.storage, "the transaction's body failed; nothing was changed")
            }
            let request = requests.removeFirst()
            condition.unlock()
            switch request {
            case .rows(let statement, let reply):
                do { reply.resume(returning: .success(try SQLiteBackend.rows(db, statement))) } catch { reply.resume(returning: .failure(Self.mapped(error))) }
            case .execute(let statement, let reply):
                do { reply.resume(returning: .success(try SQLiteBackend.execute(db, statement))) } catch { reply.resume(returning: .failure(Self.mapped(error))) }
            }
        }
    }

    /// The body is done: commit, or roll back.
    func finish(commit: Bool) {
        condition.lock()
        self.commit = commit
        condition.signal()
        condition.unlock()
    }

    /// The transaction is over (committed, rolled back, or never begun): what is still waiting
    /// fails, and so does anything sent later.
    func close() {
        condition.lock()
        closed = true
        let waiting = requests
        requests = []
        condition.unlock()
        for r in waiting { Self.fail(r, SegmentaError(.storage, "the transaction ended before this statement ran; nothing was changed")) }
    }

    private static func fail(_ request: Request, _ error: SegmentaError) {
        switch request {
        case .rows(_, let reply): reply.resume(returning: .failure(error))
        case .execute(_, let reply): reply.resume(returning: .failure(error))
        }
    }

    private static func mapped(_ error: any Error) -> SegmentaError {
        error as? SegmentaError ?? SegmentaError(.storage, "database statement failed: \(error)", underlying: error)
    }
}
