// Renders a Segmenta support lookup (GET /api/v1/support/lookup) as the sidebar's card. Every value
// goes in as text (textContent), never as HTML.
(function (root) {
  "use strict";
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function hours(h) { return h === null || h === undefined ? null : h + " h"; }
  function service(p) {
    if (!p || !p.tier) return null;
    var parts = ["tier " + p.tier, "priority " + p.priority];
    if (hours(p.first_response_hours)) parts.push("first response within " + hours(p.first_response_hours));
    if (hours(p.resolution_hours)) parts.push("resolved within " + hours(p.resolution_hours));
    if (p.team) parts.push("team " + p.team);
    if (p.channels && p.channels.length) parts.push(p.channels.map(function (c) { return c === "self_service" ? "self-service" : c; }).join(", "));
    return parts.join(" · ");
  }
  function day(iso) { return iso ? iso.slice(0, 10) : "never"; }
  function render(lookup, into) {
    into.textContent = "";
    var traits = lookup.traits || {};
    into.appendChild(el("h2", traits.name || traits.email || lookup.profile));
    into.appendChild(el("p", "profile " + lookup.profile, "note"));
    var policy = lookup.policy;
    if (policy) {
      var box = el("div", null, "tier");
      box.appendChild(el("strong", service(policy) || "No rule of the support policy reaches them"));
      box.appendChild(el("span", policy.why, "note"));
      into.appendChild(box);
    }
    var facts = el("dl");
    var scores = lookup.scores || {};
    function fact(term, value) {
      if (value === null || value === undefined || value === "") return;
      facts.appendChild(el("dt", term));
      facts.appendChild(el("dd", value));
    }
    fact("lifecycle", scores.lifecycle);
    fact("RFM segment", scores.rfm_segment);
    fact("CLV (12 months)", typeof scores.clv === "number" ? Math.round(scores.clv) : null);
    fact("churn risk", typeof scores.churn_risk === "number" ? (scores.churn_risk * 100).toFixed(1) + "%" : null);
    fact("segments", (lookup.segments || []).map(function (s) { return s.segment + " (since " + day(s.since) + ")"; }).join(", ") || "none");
    if (lookup.onboarding && lookup.onboarding.in_onboarding) fact("onboarding", lookup.onboarding.words);
    fact("last seen", day(lookup.last_seen));
    fact("marketing", lookup.marketing_consent && lookup.marketing_consent.denied ? "no (consent denied)" : "allowed");
    if (lookup.last_csat) fact("last CSAT", lookup.last_csat.score + " on " + day(lookup.last_csat.at));
    into.appendChild(facts);
    var tickets = lookup.recent_tickets || [];
    if (tickets.length) {
      into.appendChild(el("p", "Recent tickets", "note"));
      var list = el("ul");
      tickets.forEach(function (t) {
        var p = t.properties || {};
        list.appendChild(el("li", day(t.at) + " " + (p.subject || p.theme || "ticket") + (p.channel ? " · " + p.channel : "")));
      });
      into.appendChild(list);
    }
  }
  function problem(message, into) {
    into.textContent = "";
    into.appendChild(el("p", message, "error"));
  }
  root.SegmentaCard = { render: render, problem: problem, service: service };
})(window);
