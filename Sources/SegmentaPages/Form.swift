/// A form: where it goes, how, and its controls in order.
public struct Form: Sendable {
    /// `get` or `post`.
    public var method: String
    /// The address it submits to.
    public var action: String
    /// `inline` (controls on one line), or "".
    public var formClass: String
    /// The controls.
    public var controls: [Control]

    /// A form to `action` by `method` made of `controls`.
    public init(_ method: String, _ action: String, inline: Bool = true, _ controls: [Control]) {
        self.method = method
        self.action = action
        self.formClass = inline ? "inline" : ""
        self.controls = controls
    }
}

/// One control of a form.
public enum Control: Sendable {
    /// A hidden value.
    case hidden(HiddenField)
    /// A label for a control with an id.
    case label(FieldLabel)
    /// A text (or password) input.
    case input(InputField)
    /// A drop-down list, wrapped in its caption when it has one.
    case select(SelectField)
    /// A submit button.
    case button(Button)
    /// A link styled as a button.
    case link(Link)
    /// A caption on a line of its own: the controls after it start a new line (one rule of a
    /// list edited in one form).
    case heading(FormHeading)
}

extension Control: TemplateCase {
    /// ``TemplateCase/caseNames``.
    public static let caseNames: Set<String> = ["hidden", "label", "input", "select", "button", "link", "heading"]

    /// ``TemplateCase/named``.
    public var named: (name: String, payload: Any) {
        switch self {
        case .hidden(let v): ("hidden", v)
        case .label(let v): ("label", v)
        case .input(let v): ("input", v)
        case .select(let v): ("select", v)
        case .button(let v): ("button", v)
        case .link(let v): ("link", v)
        case .heading(let v): ("heading", v)
        }
    }
}

/// A hidden value.
public struct HiddenField: Sendable {
    /// The field's name.
    public var fieldName: String
    /// Its value.
    public var fieldValue: String

    /// A hidden `name` = `value`.
    public init(_ name: String, _ value: String) {
        fieldName = name
        fieldValue = value
    }
}

/// A label naming the control with id `target`.
public struct FieldLabel: Sendable {
    /// The control's id.
    public var target: String
    /// The words.
    public var caption: String

    /// A label reading `caption` for the control `target`.
    public init(for target: String, _ caption: String) {
        self.target = target
        self.caption = caption
    }
}

/// A text input.
public struct InputField: Sendable {
    /// Its id, or "".
    public var inputID: String
    /// The field's name.
    public var fieldName: String
    /// Its value.
    public var fieldValue: String
    /// `text`, `password`….
    public var inputType: String
    /// A placeholder, or "".
    public var placeholder: String
    /// Whether it must be filled.
    public var required: Bool
    /// Whether it takes the focus.
    public var autofocus: Bool
    /// An autocomplete hint, or "".
    public var autocomplete: String
    /// Its width in characters as the `size` attribute says it, or "" for the browser's.
    public var width: String

    /// An input named `name` (id `id`), holding `value`, `size` characters wide (0: the browser's width).
    public init(id: String = "", name: String, value: String = "", type: String = "text", placeholder: String = "",
                required: Bool = false, autofocus: Bool = false, autocomplete: String = "", size: Int = 0) {
        inputID = id
        fieldName = name
        fieldValue = value
        inputType = type
        self.placeholder = placeholder
        self.required = required
        self.autofocus = autofocus
        self.autocomplete = autocomplete
        width = size > 0 ? String(size) : ""
    }
}

/// A drop-down list.
public struct SelectField: Sendable {
    /// Words wrapping it in a label, or "" (a separate ``FieldLabel`` names it by id).
    public var caption: String
    /// Its id, or "".
    public var selectID: String
    /// The field's name.
    public var fieldName: String
    /// The choices.
    public var options: [SelectOption]

    /// A list named `name` of `options`, captioned `caption`.
    public init(_ caption: String = "", id: String = "", name: String, _ options: [SelectOption]) {
        self.caption = caption
        selectID = id
        fieldName = name
        self.options = options
    }
}

/// One choice of a drop-down list.
public struct SelectOption: Sendable {
    /// The value sent.
    public var optionValue: String
    /// The words shown.
    public var shown: String
    /// Whether it is chosen.
    public var selected: Bool

    /// A choice sending `value`, showing `shown` (the value when empty).
    public init(_ value: String, shown: String = "", selected: Bool = false) {
        optionValue = value
        self.shown = shown.isEmpty ? value : shown
        self.selected = selected
    }
}

/// A submit button.
public struct Button: Sendable {
    /// The words.
    public var caption: String
    /// Whether it is the quieter style.
    public var secondary: Bool

    /// A button reading `caption`.
    public init(_ caption: String, secondary: Bool = false) {
        self.caption = caption
        self.secondary = secondary
    }
}

/// A caption starting a new line of controls.
public struct FormHeading: Sendable {
    /// The words.
    public var caption: String

    /// A heading reading `caption`.
    public init(_ caption: String) { self.caption = caption }
}
