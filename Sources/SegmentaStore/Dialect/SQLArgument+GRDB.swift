import GRDB

extension SQLArgument {
    /// The argument as SQLite stores it (a text array has no SQLite form and binds as NULL; the
    /// SQLite dialect never produces one).
    var databaseValue: DatabaseValue {
        switch self {
        case .null, .textArray: return .null
        case .integer(let i): return i.databaseValue
        case .real(let d): return d.databaseValue
        case .text(let s): return s.databaseValue
        }
    }
}
