public import Mustache

// How templates read the values pages are made of: each name a template uses, answered by a
// switch instead of a `Mirror` (a lookup the renderer makes for every tag; with reflection it was
// most of the time a page took to render).

extension Section: MustacheParent {
    /// The field a template names.
    public func child(named name: String) -> Any? {
        switch name {
        case "sectionTitle": sectionTitle
        case "blocks": blocks
        case "note": note
        default: nil
        }
    }
}

extension Stats: MustacheParent {
    /// The field a template names.
    public func child(named name: String) -> Any? {
        switch name {
        case "statItems": statItems
        default: nil
        }
    }
}

extension Stat: MustacheParent {
    /// The field a template names.
    public func child(named name: String) -> Any? {
        switch name {
        case "figure": figure
        case "caption": caption
        default: nil
        }
    }
}

extension Table: MustacheParent {
    /// The field a template names.
    public func child(named name: String) -> Any? {
        switch name {
        case "headers": headers
        case "bodyRows": bodyRows
        default: nil
        }
    }
}

extension TableRow: MustacheParent {
    /// The field a template names.
    public func child(named name: String) -> Any? {
        switch name {
        case "cells": cells
        default: nil
        }
    }
}

extension Cell: MustacheParent {
    /// The field a template names.
    public func child(named name: String) -> Any? {
        switch name {
        case "words": words
        case "numeric": numeric
        default: nil
        }
    }
}

extension Paragraph: MustacheParent {
    /// The field a template names.
    public func child(named name: String) -> Any? {
        switch name {
        case "paraClass": paraClass
        case "role": role
        case "words": words
        default: nil
        }
    }
}

extension Group: MustacheParent {
    /// The field a template names.
    public func child(named name: String) -> Any? {
        switch name {
        case "items": items
        default: nil
        }
    }
}

extension ListBlock: MustacheParent {
    /// The field a template names.
    public func child(named name: String) -> Any? {
        switch name {
        case "listClass": listClass
        case "listItems": listItems
        default: nil
        }
    }
}

extension ListItem: MustacheParent {
    /// The field a template names.
    public func child(named name: String) -> Any? {
        switch name {
        case "itemTitle": itemTitle
        case "words": words
        case "sublists": sublists
        default: nil
        }
    }
}

extension Definitions: MustacheParent {
    /// The field a template names.
    public func child(named name: String) -> Any? {
        switch name {
        case "pairs": pairs
        default: nil
        }
    }
}

extension Definition: MustacheParent {
    /// The field a template names.
    public func child(named name: String) -> Any? {
        switch name {
        case "term": term
        case "detail": detail
        default: nil
        }
    }
}

extension Actions: MustacheParent {
    /// The field a template names.
    public func child(named name: String) -> Any? {
        switch name {
        case "forms": forms
        default: nil
        }
    }
}

extension BuilderBody: MustacheParent {
    /// The field a template names.
    public func child(named name: String) -> Any? {
        switch name {
        case "vocabulary": vocabulary
        default: nil
        }
    }
}

extension LoginBody: MustacheParent {
    /// The field a template names.
    public func child(named name: String) -> Any? {
        switch name {
        case "problem": problem
        case "next": next
        default: nil
        }
    }
}

extension Form: MustacheParent {
    /// The field a template names.
    public func child(named name: String) -> Any? {
        switch name {
        case "method": method
        case "action": action
        case "formClass": formClass
        case "controls": controls
        default: nil
        }
    }
}

extension HiddenField: MustacheParent {
    /// The field a template names.
    public func child(named name: String) -> Any? {
        switch name {
        case "fieldName": fieldName
        case "fieldValue": fieldValue
        default: nil
        }
    }
}

extension FieldLabel: MustacheParent {
    /// The field a template names.
    public func child(named name: String) -> Any? {
        switch name {
        case "target": target
        case "caption": caption
        default: nil
        }
    }
}

extension InputField: MustacheParent {
    /// The field a template names.
    public func child(named name: String) -> Any? {
        switch name {
        case "inputID": inputID
        case "fieldName": fieldName
        case "fieldValue": fieldValue
        case "inputType": inputType
        case "placeholder": placeholder
        case "required": required
        case "autofocus": autofocus
        case "autocomplete": autocomplete
        case "width": width
        default: nil
        }
    }
}

extension SelectField: MustacheParent {
    /// The field a template names.
    public func child(named name: String) -> Any? {
        switch name {
        case "caption": caption
        case "selectID": selectID
        case "fieldName": fieldName
        case "options": options
        default: nil
        }
    }
}

extension SelectOption: MustacheParent {
    /// The field a template names.
    public func child(named name: String) -> Any? {
        switch name {
        case "optionValue": optionValue
        case "shown": shown
        case "selected": selected
        default: nil
        }
    }
}

extension Button: MustacheParent {
    /// The field a template names.
    public func child(named name: String) -> Any? {
        switch name {
        case "caption": caption
        case "secondary": secondary
        default: nil
        }
    }
}

extension Link: MustacheParent {
    /// The field a template names.
    public func child(named name: String) -> Any? {
        switch name {
        case "href": href
        case "label": label
        case "linkClass": linkClass
        default: nil
        }
    }
}

extension TimeText: MustacheParent {
    /// The field a template names.
    public func child(named name: String) -> Any? {
        switch name {
        case "iso": iso
        case "shown": shown
        default: nil
        }
    }
}

extension Styled: MustacheParent {
    /// The field a template names.
    public func child(named name: String) -> Any? {
        switch name {
        case "styleClass": styleClass
        case "hover": hover
        case "words": words
        default: nil
        }
    }
}

extension Abbr: MustacheParent {
    /// The field a template names.
    public func child(named name: String) -> Any? {
        switch name {
        case "term": term
        case "meaning": meaning
        default: nil
        }
    }
}

extension Page: MustacheParent {
    /// The field a template names.
    public func child(named name: String) -> Any? {
        switch name {
        case "documentTitle": documentTitle
        case "heading": heading
        case "chrome": chrome
        case "blocks": blocks
        default: nil
        }
    }
}

extension DashboardChrome: MustacheParent {
    /// The field a template names.
    public func child(named name: String) -> Any? {
        switch name {
        case "csrf": csrf
        case "navLinks": navLinks
        case "role": role
        case "builderScript": builderScript
        default: nil
        }
    }
}

extension NavLink: MustacheParent {
    /// The field a template names.
    public func child(named name: String) -> Any? {
        switch name {
        case "href": href
        case "caption": caption
        case "current": current
        default: nil
        }
    }
}

extension BareChrome: MustacheParent {
    /// The field a template names.
    public func child(named name: String) -> Any? {
        switch name {
        case "showHeading": showHeading
        default: nil
        }
    }
}

extension ReportChrome: MustacheParent {
    /// The field a template names.
    public func child(named name: String) -> Any? {
        switch name {
        case "generated": generated
        case "style": style
        default: nil
        }
    }
}

extension FormHeading: MustacheParent {
    /// The field a template names.
    public func child(named name: String) -> Any? {
        switch name {
        case "caption": caption
        default: nil
        }
    }
}
