import Hummingbird
import SegmentaCore
import SegmentaJobs
import SegmentaPages
import SegmentaStore

/// `POST /support/card`: the person behind a ticket as a small HTML card for a helpdesk's sidebar
/// — a Help Scout dynamic app, or any caller signing with the shared secret
/// (``SupportCardSignature``). The body names the person: Help Scout's conversation JSON
/// (`customer.email`, else `customer.emails`), or `{"email": …}` / `{"user_id": …}`. The answer is
/// Help Scout's: `{"html": "…"}`, escaped by the page templates.
struct SupportCardController: Sendable {
    let store: any ProfileStore & SegmentStore & AnalysisStore
    let secret: String?
    let renderer: PageRenderer
    let clock: any WallClock

    /// The card over `store`, signed with `secret` (nil: the route says the card is off).
    init(store: any ProfileStore & SegmentStore & AnalysisStore, secret: String?, renderer: PageRenderer, clock: any WallClock) {
        self.store = store
        self.secret = secret
        self.renderer = renderer
        self.clock = clock
    }

    /// Adds `POST /support/card`.
    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("support/card") { request, _ in try await self.card(request) }
    }

    func card(_ request: Request) async throws -> Response {
        guard let secret else {
            throw APIError.notFound("the support card is off: start the server with --support-card-secret (or SEGMENTA_SUPPORT_CARD_SECRET) and give the same secret to the helpdesk")
        }
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        let body = Array(buffer.readableBytesView)
        if let problem = SupportCardSignature(secret: secret).problem(request.headers, body: body, now: clock.now.milliseconds / 1000) {
            throw APIError.unauthorized(problem)
        }
        let json: JSONValue
        do { json = try JSONTextParser.parse(String(decoding: body, as: UTF8.self)) } catch {
            throw APIError.badRequest("the body must be JSON naming the person: Help Scout's conversation, or {\"email\": …} or {\"user_id\": …}")
        }
        let customer = json["customer"]
        let email = customer?["email"]?.stringValue ?? customer?["emails"]?.arrayValues.first?.stringValue ?? json["email"]?.stringValue
        let id = email == nil ? json["user_id"]?.stringValue : nil
        let phone = email == nil && id == nil ? json["phone"]?.stringValue : nil
        guard email != nil || id != nil || phone != nil else {
            throw APIError.badRequest("name the person: customer.email (Help Scout), or email, or user_id, or phone")
        }
        let found: Result<SupportLookup, SegmentaError>
        do throws(SegmentaError) { found = .success(try await SupportLookup.find(email: email, phone: phone, id: id, in: store, now: clock.now)) } catch { found = .failure(error) }
        let blocks: [Block]
        switch found {
        case .success(let lookup): blocks = Self.blocks(lookup)
        // A helpdesk shows whatever comes back: nobody found, or several people, is said in the card.
        case .failure(let e) where e.code == .notFound || e.code == .conflict: blocks = [.paragraph([.text(e.message)], class: "note")]
        case .failure(let e): throw e
        }
        return Response.json(.object(["html": .string(renderer.fragment(blocks))]))
    }

    /// The card: who, their segments, scores, consent, the latest tickets and CSAT.
    static func blocks(_ l: SupportLookup) -> [Block] {
        let traits = l.detail.traits
        let name = traits["name"]?.stringValue ?? traits["email"]?.stringValue ?? l.detail.id
        let score = l.scoreText
        var out: [Block] = [.paragraph([.strong(name), .text(" · profile \(l.detail.id)")]),
                            .stats([("lifecycle", score("lifecycle")), ("RFM segment", score("rfm_segment")), ("CLV (12 months)", score("clv")), ("churn risk", score("churn_risk"))])]
        if l.policy != nil {
            out.append(.paragraph([.strong("Support: "), .text(l.service ?? "no rule of the support policy reaches them")]))
            out.append(.paragraph([.text("Why: " + l.why)], class: "note"))
        }
        if let o = l.onboarding, o.inOnboarding {
            out.append(.paragraph([.strong("Onboarding: "), .text(o.words)], class: o.checkInDue ? "banner" : ""))
        }
        let segments = l.detail.memberships.map { "\($0.segment) (since \($0.since.readableDate))" }
        out.append(.paragraph([.strong("Segments: "), .text(segments.isEmpty ? "none" : segments.joined(separator: ", "))]))
        if let live = l.live, !live.entering.isEmpty || !live.leaving.isEmpty {
            out.append(.paragraph([.text("Now entering: " + (live.entering.isEmpty ? "–" : live.entering.joined(separator: ", "))
                                         + " · leaving: " + (live.leaving.isEmpty ? "–" : live.leaving.joined(separator: ", ")))], class: "note"))
        }
        out.append(.paragraph([.text("Last seen " + (l.detail.lastSeen?.readableDate ?? "never") + " · " + (l.marketingDenied ? "no marketing (consent denied)" : "marketing allowed")
                                     + (l.lastCSAT.map { " · last CSAT \(Figures.fixed($0.score, 0)) on \($0.at.readableDate)" } ?? ""))]))
        if !l.tickets.isEmpty {
            out.append(.list(class: "timeline", l.tickets.map { t in
                ListItem([.text(t.timestamp.readableDate + " "), .strong(SupportLookup.title(t))]
                         + (t.properties["channel"]?.stringValue.map { [.text(" · " + $0)] } ?? []))
            }))
        }
        return out
    }
}
