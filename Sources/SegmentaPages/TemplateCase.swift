public import Mustache

/// An enum whose cases templates tell apart with `{{#case}}…{{/case}}`.
///
/// Mustache looks a name up in the value on top of its stack, then in the values below. An enum
/// case asked for another case's name answers `false` here instead of nothing, so that the lookup
/// stops: a table inside a row never finds the enclosing row's `row` and draws it again inside itself.
public protocol TemplateCase: MustacheParent {
    /// The names of all the cases.
    static var caseNames: Set<String> { get }
    /// This case's name and its payload.
    var named: (name: String, payload: Any) { get }
}

extension TemplateCase {
    /// The payload for this case's name, `false` for another case's name, nil for anything else.
    public func child(named name: String) -> Any? {
        let (own, payload) = named
        if name == own { return payload }
        return Self.caseNames.contains(name) ? false : nil
    }
}
