import ArgumentParser
import SegmentaCore

/// An error for the person at the terminal: printed as is, exit status 1.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}

/// Runs a command body, turning library errors into a clear message and a non-zero exit.
func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let e as SegmentaError {
        CreatedStores.removeAll()
        Terminal.error(e.message)
        throw ExitCode.failure
    } catch let e as CLIError {
        CreatedStores.removeAll()
        Terminal.error(e.description)
        throw ExitCode.failure
    } catch {
        CreatedStores.removeAll()
        throw error
    }
}
