// The sidebar app: the ticket's requester, looked up in Segmenta through Zendesk's proxy (the
// support key is a secure setting: Zendesk puts it in the request, the browser never sees it).
(function () {
  "use strict";
  var card = document.getElementById("card");
  if (typeof ZAFClient === "undefined") { SegmentaCard.problem("The Zendesk app framework did not load.", card); return; }
  var client = ZAFClient.init();
  client.invoke("resize", { width: "100%", height: "420px" });
  Promise.all([client.metadata(), client.get("ticket.requester")]).then(function (answers) {
    var settings = answers[0].settings || {}, requester = answers[1]["ticket.requester"] || {};
    var base = String(settings.segmenta_url || "").replace(/\/+$/, "");
    // A phone ticket's requester may have only a phone number (an identity of type phone_number).
    var phone = (requester.identities || []).filter(function (i) { return i && i.type === "phone_number" && i.value; })[0];
    var query = requester.email ? "email=" + encodeURIComponent(requester.email)
      : requester.externalId ? "user_id=" + encodeURIComponent(requester.externalId)
      : phone ? "phone=" + encodeURIComponent(phone.value) : null;
    if (!base) { SegmentaCard.problem("Set the Segmenta URL in the app's settings.", card); return; }
    if (!query) { SegmentaCard.problem("The requester has no email, external id or phone number to look up.", card); return; }
    return client.request({
      url: base + "/api/v1/support/lookup?" + query,
      type: "GET", dataType: "json", secure: true, cors: false,
      headers: { Authorization: "Bearer {{setting.support_key}}" }
    }).then(function (lookup) { SegmentaCard.render(lookup, card); }, function (failure) {
      var body = failure && failure.responseJSON;
      SegmentaCard.problem(body && body.message ? body.message : "Segmenta did not answer (" + (failure && failure.status) + ").", card);
    });
  }).catch(function (e) { SegmentaCard.problem("Could not read the ticket: " + e, card); });
})();
