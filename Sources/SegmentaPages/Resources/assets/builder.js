(function () {
  "use strict";
  const root = document.getElementById("builder");
  if (!root) return;
  const csrf = document.querySelector('meta[name="csrf"]').content;
  const out = document.getElementById("definition");
  const status = document.getElementById("status");
  const ops = ["eq", "neq", "gt", "gte", "lt", "lte", "in", "not_in", "contains", "starts_with", "between", "exists"];
  // Operators in words; the JSON keeps the short names (shown on hover).
  const opWords = { eq: "is", neq: "is not", gt: "is more than", gte: "is at least", lt: "is less than", lte: "is at most", in: "is one of",
                    not_in: "is none of", contains: "contains", starts_with: "starts with", between: "is between", exists: "is set (true/false)" };
  const countWords = { gte: "at least", lte: "at most", eq: "exactly", gt: "more than", lt: "fewer than" };
  const vocab = JSON.parse((document.getElementById("vocabulary") || {}).textContent || "{}");
  const traits = new Map((vocab.traits || []).map(t => [t.path, t]));
  const events = new Map((vocab.events || []).map(e => [e.name, e]));
  const computed = new Map((vocab.computed || []).map(c => [c.name, c]));
  const segments = new Set(vocab.segments || []);
  function datalist(id, items) {
    const l = document.createElement("datalist");
    l.id = id;
    items.forEach(([value, label]) => { const o = document.createElement("option"); o.value = value; o.label = label; l.appendChild(o); });
    document.body.appendChild(l);
  }
  const share = n => vocab.sample ? Math.round(100 * n / vocab.sample) + "% of sampled profiles" : "";
  datalist("dl-traits", [...traits.values()].map(t => [t.path, t.type + (t.examples.length ? " · e.g. " + t.examples.join(", ") : "")]));
  datalist("dl-computed", [...computed.values()].map(c => [c.name, c.label]));
  datalist("dl-events", [...events.values()].map(e => [e.name, e.count.toLocaleString() + " events"]));
  datalist("dl-segments", [...segments].map(s => [s, "segment"]));
  // What a typed name refers to, or why it may be wrong: [text, warning?].
  function describe(kind, name) {
    if (!name) return ["", false];
    if (kind === "trait") {
      const t = traits.get(name);
      if (t) return [t.type + " · " + share(t.profiles) + (t.examples.length ? " · e.g. " + t.examples.join(", ") : ""), false];
      return ["not seen in a sample of " + (vocab.sample || 0).toLocaleString() + " profiles: check the spelling (nested traits: company.size)", true];
    }
    if (kind === "computed") {
      const c = computed.get(name);
      return c ? [c.label, false] : ["not a computed trait Segmenta writes (" + [...computed.keys()].slice(0, 6).join(", ") + ", …)", true];
    }
    if (kind === "event") {
      const e = events.get(name);
      return e ? [e.count.toLocaleString() + " events stored", false] : ["no track event of this name is stored yet (names are case-sensitive)", true];
    }
    if (kind === "segment") return segments.has(name) ? ["", false] : ["no segment of this name", true];
    return ["", false];
  }
  function nameProblem() {
    const n = document.getElementById("name").value.trim();
    if (!n) return "a name is needed";
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(n)) return "use 1 to 64 letters, digits, dots, dashes or underscores";
    if (segments.has(n)) return "a segment of this name exists already";
    return "";
  }
  function warnings(node, out) {
    if (node.children) node.children.forEach(c => warnings(c, out));
    const kind = node.kind === "account" ? null : node.kind;
    if (kind && node.name !== undefined) {
      const [text, warn] = describe(kind, node.name);
      if (warn) out.push("“" + node.name + "”: " + text);
    }
    return out;
  }
  const kinds = { trait: "Trait", computed: "Computed trait", account: "Account trait", event: "Event count", segment: "In segment", all: "All of", any: "Any of", not: "Not" };
  let tree = { kind: "all", children: [{ kind: "trait", name: "plan", op: "eq", value: "pro" }] };

  function el(tag, attrs, children) {
    const n = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => { if (k === "text") n.textContent = v; else n.setAttribute(k, v); });
    (children || []).forEach(c => n.appendChild(c));
    return n;
  }
  function parseValue(text, op) {
    if (op === "exists") return text.trim() !== "false";
    if (op === "in" || op === "not_in" || op === "between") return text.split(",").map(s => s.trim()).filter(s => s).map(v => isNaN(Number(v)) ? v : Number(v));
    const t = text.trim();
    if (t === "true" || t === "false") return t === "true";
    return t !== "" && !isNaN(Number(t)) ? Number(t) : t;
  }
  function toJSON(node) {
    switch (node.kind) {
      case "all": case "any": return { [node.kind]: node.children.map(toJSON) };
      case "not": return { not: toJSON(node.children[0]) };
      case "trait": return { trait: node.name, op: node.op, value: parseValue(String(node.value), node.op) };
      case "computed": return { computed: node.name, op: node.op, value: parseValue(String(node.value), node.op) };
      case "segment": return { segment: node.name };
      case "account": return { account_trait: node.name, op: node.op, value: parseValue(String(node.value), node.op) };
      case "event": {
        const e = { event: node.name, op: node.op || "gte", value: Number(node.count || 0) };
        if (node.days) e.window = { last_days: Number(node.days) };
        return e;
      }
    }
  }
  function definition() {
    const d = { name: document.getElementById("name").value.trim(), condition: toJSON(tree) };
    const desc = document.getElementById("description").value.trim();
    if (desc) d.description = desc;
    const card = {};
    ["objective", "kpi", "actions"].forEach(k => { const v = document.getElementById("card-" + k).value.trim(); if (v) card[k] = v; });
    if (Object.keys(card).length) d.card = card;
    return d;
  }
  function render() {
    root.replaceChildren(draw(tree, null));
    out.value = JSON.stringify(definition(), null, 2);
  }
  function input(node, key, placeholder, width, list) {
    const attrs = { value: node[key] === undefined ? "" : node[key], placeholder: placeholder, "aria-label": placeholder, size: width || 14 };
    if (list) attrs.list = list;
    const i = el("input", attrs);
    i.addEventListener("input", () => { node[key] = i.value; out.value = JSON.stringify(definition(), null, 2); });
    return i;
  }
  // A name input with a picker of known names and a live hint of what it refers to.
  function nameInput(node, kind, placeholder, list) {
    const i = input(node, "name", placeholder, 18, list);
    const hint = el("span", { class: "hint", role: "status" });
    const update = () => { const [text, warn] = describe(kind, i.value.trim()); hint.textContent = text; hint.className = warn ? "hint warn" : "hint"; };
    i.addEventListener("input", update);
    update();
    return [i, hint];
  }
  function select(node, key, options, label, words) {
    const s = el("select", { "aria-label": label }, options.map(o => el("option", { value: o, text: words ? words[o] : o, title: o })));
    s.value = node[key] || options[0];
    node[key] = s.value;
    s.addEventListener("change", () => { node[key] = s.value; render(); });
    return s;
  }
  function draw(node, parent) {
    const controls = el("div", { class: "controls" });
    const kind = el("select", { "aria-label": "node kind" }, Object.entries(kinds).map(([k, t]) => el("option", { value: k, text: t })));
    kind.value = node.kind;
    kind.addEventListener("change", () => {
      const k = kind.value;
      Object.keys(node).forEach(key => delete node[key]);
      node.kind = k;
      if (k === "all" || k === "any" || k === "not") node.children = [{ kind: "trait", name: "", op: "eq", value: "" }];
      if (k === "event") { node.op = "gte"; node.count = 1; node.days = 30; }
      if (k === "trait" || k === "computed" || k === "account") { node.op = "eq"; }
      render();
    });
    controls.appendChild(kind);
    let hint = null;
    if (node.kind === "trait" || node.kind === "computed") {
      const [i, h] = node.kind === "computed" ? nameInput(node, "computed", "computed trait, e.g. rfm_segment", "dl-computed")
                                              : nameInput(node, "trait", "trait path, e.g. company.size", "dl-traits");
      controls.appendChild(i);
      hint = h;
      controls.appendChild(select(node, "op", ops, "operator", opWords));
      controls.appendChild(input(node, "value", "value (a,b for lists)", 18));
    } else if (node.kind === "account") {
      controls.appendChild(input(node, "name", "account trait, e.g. industry"));
      controls.appendChild(select(node, "op", ops, "operator", opWords));
      controls.appendChild(input(node, "value", "value (a,b for lists)", 18));
    } else if (node.kind === "event") {
      const [i, h] = nameInput(node, "event", "event name, e.g. Logged In", "dl-events");
      controls.appendChild(i);
      hint = h;
      controls.appendChild(select(node, "op", ["gte", "lte", "eq", "gt", "lt"], "count operator", countWords));
      controls.appendChild(input(node, "count", "times", 4));
      controls.appendChild(el("span", { text: "times in the last" }));
      controls.appendChild(input(node, "days", "days", 4));
      controls.appendChild(el("span", { text: "days" }));
    } else if (node.kind === "segment") {
      const [i, h] = nameInput(node, "segment", "segment name", "dl-segments");
      controls.appendChild(i);
      hint = h;
    }
    if (parent) {
      const remove = el("button", { type: "button", class: "secondary", text: "Remove" });
      remove.addEventListener("click", () => { parent.children.splice(parent.children.indexOf(node), 1); render(); });
      controls.appendChild(remove);
    }
    const box = el("div", { class: "node" }, hint ? [controls, hint] : [controls]);
    if (node.children) {
      node.children.forEach(c => box.appendChild(draw(c, node)));
      if (node.kind !== "not" || node.children.length === 0) {
        const add = el("button", { type: "button", class: "secondary", text: "+ condition" });
        add.addEventListener("click", () => { node.children.push({ kind: "trait", name: "", op: "eq", value: "" }); render(); });
        box.appendChild(add);
      }
    }
    return box;
  }
  async function post(url) {
    let body;
    try { body = JSON.stringify(definition()); } catch (e) { status.textContent = String(e); return null; }
    const r = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf }, body: body, credentials: "same-origin" });
    const json = await r.json().catch(() => ({}));
    return { ok: r.ok, status: r.status, json: json };
  }
  document.getElementById("preview").addEventListener("click", async () => {
    status.className = ""; status.textContent = "checking…";
    const r = await post("/ui/preview");
    if (!r) return;
    if (r.ok) {
      // Valid as a condition; what saving would still refuse, or what looks misspelt, follows.
      const problems = warnings(tree, []);
      const name = nameProblem();
      if (name) problems.unshift("name: " + name + " (saving will refuse it)");
      status.className = problems.length ? "warn" : "ok";
      status.textContent = "Valid. " + r.json.size.toLocaleString() + " profiles match now: " + (r.json.condition_sentence || r.json.condition_text) + (problems.length ? " — but " + problems.join("; ") : "");
    }
    else { status.className = "error"; status.textContent = r.json.message || ("error " + r.status); }
  });
  document.getElementById("save").addEventListener("click", async () => {
    status.className = ""; status.textContent = "saving…";
    const r = await post("/ui/segments");
    if (!r) return;
    if (r.ok) { window.location.href = "/segments/" + encodeURIComponent(r.json.name) + "?saved=1"; }
    else { status.className = "error"; status.textContent = r.json.message || ("error " + r.status); }
  });
  const nameHint = document.getElementById("name-hint");
  document.getElementById("name").addEventListener("input", () => {
    const problem = nameProblem();
    nameHint.textContent = document.getElementById("name").value.trim() ? problem : "";
    nameHint.className = problem ? "hint warn" : "hint";
  });
  ["name", "description", "card-objective", "card-kpi", "card-actions"].forEach(id =>
    document.getElementById(id).addEventListener("input", () => { out.value = JSON.stringify(definition(), null, 2); }));
  render();
})();
