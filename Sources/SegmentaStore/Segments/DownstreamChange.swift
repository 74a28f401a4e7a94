import SegmentaCore

/// What a refresh tells a segment's webhooks, from who is a member and who may be handed on.
///
/// A member whose marketing consent is denied is a member (sizes and analytics count them) but
/// is never handed to another system. Each stay remembers whether it was withheld when last told,
/// so that a withdrawn consent reaches the webhooks as an exit (`consent_withdrawn`) and a consent
/// given again as an entry — the receiver's list stays the members it may hold.
struct DownstreamChange: Equatable {
    /// Told to add: new members who may be handed on, and members whose consent came back.
    var entered: [String] = []
    /// Told to remove: members who left and had been handed on, and members who withdrew consent.
    var exited: [String] = []
    /// Among `exited`, the members still in the segment who withdrew consent.
    var withdrawn: Set<String> = []
    /// Members who stay and are withheld from now on.
    var nowWithheld: [String] = []
    /// Members who stay and may be handed on again.
    var nowShared: [String] = []
    /// New members stored as withheld.
    var enteredWithheld: Set<String> = []

    /// - Parameters:
    ///   - current: the current members, each with whether it was withheld when last told.
    ///   - members: the membership the refresh computed.
    ///   - denied: the members (new or staying) whose consent is denied now.
    init(current: [String: Bool], members: Set<String>, denied: Set<String>) {
        var entered: [String] = [], exited: [String] = []
        for id in members where current[id] == nil {
            if denied.contains(id) { enteredWithheld.insert(id) } else { entered.append(id) }
        }
        for (id, withheld) in current {
            if !members.contains(id) {
                if !withheld { exited.append(id) }
            } else if withheld, !denied.contains(id) {
                nowShared.append(id)
                entered.append(id)
            } else if !withheld, denied.contains(id) {
                nowWithheld.append(id)
                withdrawn.insert(id)
                exited.append(id)
            }
        }
        self.entered = CustomerOrder.sorted(entered)
        self.exited = CustomerOrder.sorted(exited)
        nowShared = CustomerOrder.sorted(nowShared)
        nowWithheld = CustomerOrder.sorted(nowWithheld)
    }

    /// Nothing to tell.
    var isEmpty: Bool { entered.isEmpty && exited.isEmpty }
}
