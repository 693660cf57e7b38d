// card-sandbox console (src/console/): plain JavaScript, no build step, no network
// beyond this sandbox. It reads and acts only through the admin API (/_sandbox/...) and
// the providers' own APIs under the tenant's base URL (/t/{tenant}/...).
"use strict";

const CFG = JSON.parse(document.getElementById("console-config").textContent);
const TOKEN_KEY = "card-sandbox-admin-token";
const state = { tenant: null, view: null, dataTab: "hypercard", tab: "tenants", ilToken: {}, journalSeq: 0 };

// ---------- small helpers ----------
const $ = (sel, root = document) => root.querySelector(sel);
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}
function toast(message, bad = false) {
  const t = el("div", { class: bad ? "bad" : "" }, message);
  $("#toast").append(t);
  while ($("#toast").children.length > 3) $("#toast").firstElementChild.remove();
  setTimeout(() => t.remove(), bad ? 7000 : 3500);
}
const enc = encodeURIComponent;
function tenantBase() { return "/t/" + enc(state.tenant); }

// Provider answers keep ids above 2^53 exact: such integers are read as strings.
function parseJson(text) {
  const safe = text.replace(/([:\[,]\s*)(-?\d{16,})(?=\s*[,\]}])/g, '$1"$2"');
  return JSON.parse(safe);
}

// Amounts and times a person reads.
function fmtAmount(v) {
  if (v === null || v === undefined || v === "") return "";
  const n = Number(v);
  if (!Number.isFinite(n)) return String(v);
  const s = String(v);
  // As many decimals as the provider wrote (at least 2 when it wrote any; JPY has none).
  const decimals = s.includes(".") ? Math.min(Math.max(s.split(".")[1].length, 2), 8) : 0;
  return n.toLocaleString("en-US", { minimumFractionDigits: Math.min(decimals, 2), maximumFractionDigits: decimals });
}
function fmtTime(v) {
  if (v === null || v === undefined || v === "") return "";
  let d;
  if (typeof v === "number" || /^\d{9,13}$/.test(String(v))) {
    const n = Number(v);
    d = new Date(n < 1e11 ? n * 1000 : n);
  } else {
    d = new Date(String(v).replace(" ", "T"));
  }
  if (isNaN(d)) return String(v);
  return d.toISOString().replace("T", " ").slice(0, 19) + " UTC";
}
const AMOUNT_RE = /(amount|balance|fee|cost|available|pending|limit|negative|unpaid)$/i;
const TIME_RE = /(time|Time|_at|At|date|Date)$/;
const STATUS_RE = /status$/i;
function statusClass(v) {
  const s = String(v).toUpperCase();
  if (/FAIL|REJECT|DECLIN|ERROR|CANCEL|CLOSED_FAIL|FROZEN|^2$/.test(s)) return "bad";
  if (/PEND|REQUEST|PROCESS|WAIT|QUEUED|RETRY/.test(s)) return "warn";
  return "ok";
}

// ---------- HTTP ----------
function token() { return sessionStorage.getItem(TOKEN_KEY) || ""; }
function askToken() { const d = $("#token-dialog"); if (!d.open) d.showModal(); $("#token-input").focus(); }

class ApiError extends Error {
  constructor(status, code, message, text) { super(message); this.status = status; this.code = code; this.text = text; }
}

async function admin(method, path, body) {
  const headers = {};
  if (token()) headers.authorization = "Bearer " + token();
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (res.status === 401) { askToken(); throw new ApiError(401, "unauthorized", "the admin token is missing or wrong", text); }
  if (!res.ok) {
    let code = "error", message = text;
    try { const j = JSON.parse(text); code = j.error.code; message = j.error.message; } catch (_) { /* not JSON */ }
    throw new ApiError(res.status, code, message, text);
  }
  const type = res.headers.get("content-type") || "";
  return type.includes("json") ? JSON.parse(text) : text;
}

// A provider call through the tenant's base URL: {status, text, json}.
async function provider(method, path, headers, body) {
  const h = Object.assign({}, headers);
  let payload;
  if (body !== undefined) { h["content-type"] = "application/json"; payload = typeof body === "string" ? body : JSON.stringify(body); }
  let res;
  try {
    res = await fetch(tenantBase() + path, { method, headers: h, body: payload });
  } catch (e) {
    return { status: 0, text: "", json: null, error: "the connection failed (" + e.message + ")" };
  }
  const text = await res.text();
  let json = null;
  try { json = parseJson(text); } catch (_) { /* not JSON */ }
  return { status: res.status, text, json };
}

function creds(p) { const c = state.view && state.view.credentials[p]; return Array.isArray(c) ? c[0] : null; }

async function hypercard(path, body) {
  const signed = await admin("POST", `/_sandbox/tenants/${enc(state.tenant)}/hypercard/sign`, { body });
  return provider("POST", path, signed.headers, JSON.stringify(body));
}
async function opcard(path, body) {
  const c = creds("opcard");
  return provider(body === undefined ? "GET" : "POST", path, { authorization: c ? c.token : "" }, body);
}
async function interlaceLogin() {
  const c = creds("interlace");
  if (!c) throw new Error("this tenant has no Interlace client");
  const clientId = c.clientId || c.client_id, clientSecret = c.clientSecret || c.client_secret;
  const code = await provider("GET", "/open-api/oauth/authorize?clientId=" + enc(clientId));
  if (!code.json || !code.json.code) throw new Error("Interlace authorize failed: " + code.text);
  const tok = await provider("POST", "/open-api/oauth/access-token", {}, { clientId, clientSecret, code: code.json.code });
  if (!tok.json || !tok.json.accessToken) throw new Error("Interlace access-token failed: " + tok.text);
  state.ilToken[state.tenant] = tok.json.accessToken;
}
async function interlace(method, path, body) {
  if (!state.ilToken[state.tenant]) await interlaceLogin();
  let r = await provider(method, path, { "x-access-token": state.ilToken[state.tenant] }, body);
  if (r.status === 401) {
    await interlaceLogin();
    r = await provider(method, path, { "x-access-token": state.ilToken[state.tenant] }, body);
  }
  return r;
}

// ---------- rendering helpers ----------
// Indents JSON text without parsing it: every token stays exactly as the provider wrote
// it (big ids, `1.0000000000`, key order), only whitespace between tokens changes.
function indentJson(text) {
  let out = "", depth = 0, inString = false, escaped = false;
  const pad = () => "\n" + "  ".repeat(depth);
  for (const ch of text) {
    if (inString) {
      out += ch;
      if (escaped) escaped = false;
      else if (ch === "\\") escaped = true;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') { inString = true; out += ch; }
    else if (ch === "{" || ch === "[") { depth++; out += ch + pad(); }
    else if (ch === "}" || ch === "]") { depth = Math.max(depth - 1, 0); out += pad() + ch; }
    else if (ch === ",") out += ch + pad();
    else if (ch === ":") out += ": ";
    else if (!/\s/.test(ch)) out += ch;
  }
  return out.replace(/\{\s+\}/g, "{}").replace(/\[\s+\]/g, "[]");
}
function showRaw(title, text) {
  $("#raw-title").textContent = title;
  let shown = text;
  try { JSON.parse(text); if (!text.includes("\n")) shown = indentJson(text); } catch (_) { /* not JSON: as is */ }
  $("#raw-body").textContent = shown;
  $("#raw-copy").dataset.text = text;
  $("#raw-dialog").showModal();
}
function rawButton(title, text) {
  return el("button", { class: "small", type: "button", onclick: () => showRaw(title, text) }, "Raw JSON");
}
function copyButton(text, label = "Copy") {
  return el("button", { class: "small", type: "button", onclick: async () => {
    try { await navigator.clipboard.writeText(text); toast("Copied"); } catch (_) { showRaw("Copy this", text); }
  } }, label);
}
function cell(key, v) {
  if (v === null || v === undefined) return el("td", { class: AMOUNT_RE.test(key) ? "num muted" : "muted" }, "—");
  if (Array.isArray(v) && v.every((x) => x && typeof x === "object" && "amount" in x)) {
    return el("td", { class: "num", title: JSON.stringify(v) }, v.length ? v.map((x) => fmtAmount(x.amount) + (x.currency ? " " + x.currency : "") + (x.type || x.feeType ? " " + (x.type || x.feeType) : "")).join(", ") : "none");
  }
  if (typeof v === "object") return el("td", { class: "mono", title: JSON.stringify(v) }, JSON.stringify(v));
  if (AMOUNT_RE.test(key) && v !== "" && !isNaN(Number(v))) {
    const n = Number(v);
    return el("td", { class: "num " + (n < 0 ? "amount-neg" : "") }, fmtAmount(v));
  }
  if (TIME_RE.test(key)) return el("td", { class: "num" }, fmtTime(v));
  if (STATUS_RE.test(key)) return el("td", {}, el("span", { class: "pill " + statusClass(v) }, String(v)));
  if (/url$/i.test(key) && /^https?:|^\//.test(String(v))) return el("td", {}, el("a", { href: String(v), target: "_blank" }, "CSV"));
  const s = String(v);
  return el("td", { class: /id|no$|number|key/i.test(key) ? "mono" : "", title: s }, s);
}
// A table of objects: `columns` first (those present), then others up to `max`.
function table(rows, columns = [], max = 9, onRow) {
  if (!rows || rows.length === 0) return el("div", { class: "empty" }, "Nothing here yet.");
  const keys = [];
  for (const c of columns) if (rows.some((r) => r && c in r)) keys.push(c);
  for (const r of rows) for (const k of Object.keys(r || {})) if (!keys.includes(k) && keys.length < max) keys.push(k);
  return el("div", { class: "table-wrap" }, el("table", {},
    el("thead", {}, el("tr", {}, keys.map((k) => el("th", { class: AMOUNT_RE.test(k) ? "num" : "" }, k)))),
    el("tbody", {}, rows.map((r) => {
      const tr = el("tr", { class: onRow ? "clickable" : "" }, keys.map((k) => cell(k, r[k])));
      if (onRow) tr.addEventListener("click", () => { tr.parentNode.querySelectorAll("tr").forEach((x) => x.classList.remove("selected")); tr.classList.add("selected"); onRow(r); });
      return tr;
    }))));
}
// The first array of objects in a provider answer (data, data.list, records, ...).
function findList(j) {
  if (Array.isArray(j)) return j;
  if (!j || typeof j !== "object") return null;
  for (const k of ["list", "records", "data", "items"]) if (Array.isArray(j[k])) return j[k];
  for (const v of Object.values(j)) { const found = findList(v); if (found) return found; }
  return null;
}
function dataOf(j) { return j && typeof j === "object" && "data" in j ? j.data : j; }
function answerLine(r) {
  const good = r.status >= 200 && r.status < 300 && !(r.json && r.json.code && !["200", "00000", "000000", "0000", 200, 0].includes(r.json.code));
  return el("div", { class: "row" },
    el("span", { class: "pill " + (r.status === 0 ? "bad" : good ? "ok" : "bad") }, r.status === 0 ? "no answer" : "HTTP " + r.status + (r.json && r.json.code !== undefined ? " · code " + r.json.code : "")),
    r.error ? el("span", { class: "muted" }, r.error) : null,
    r.text ? rawButton("Raw answer", r.text) : null);
}
function pager(page, hasMore, go) {
  return el("div", { class: "row" },
    el("button", { class: "small", type: "button", disabled: page <= 1, onclick: () => go(page - 1) }, "← Newer"),
    el("span", { class: "muted" }, "page " + page),
    el("button", { class: "small", type: "button", disabled: !hasMore, onclick: () => go(page + 1) }, "Older →"));
}
function details(provider) {
  const inv = state.view && state.view.inventory[provider];
  return (inv && inv.details) || {};
}
function inv(provider, list) {
  const i = state.view && state.view.inventory[provider];
  return (i && i[list]) || [];
}
function label(provider, id) {
  const d = details(provider)[id];
  if (!d) return "";
  return [d.label, d.kind, d.status, d.currency].filter(Boolean).join(" · ");
}

// ---------- tenants ----------
async function loadTenants() {
  const list = await admin("GET", "/_sandbox/tenants");
  const select = $("#tenant-select");
  select.replaceChildren(...list.tenants.map((t) => el("option", { value: t.id }, t.id)));
  // The default scenario first selected; the library's others (chaos, ...) on request.
  const picked = $("#create-scenario").value || "default";
  $("#create-scenario").replaceChildren(...list.scenarios.map((s) => el("option", { value: s }, s)));
  if (list.scenarios.includes(picked)) $("#create-scenario").value = picked;
  if (!state.tenant || !list.tenants.some((t) => t.id === state.tenant)) {
    state.tenant = list.tenants.length ? list.tenants[0].id : null;
  }
  if (state.tenant) select.value = state.tenant;
  $("#tenant-list").replaceChildren(table(list.tenants.map((t) => ({ id: t.id, scenario: t.scenario, seed: t.seed, clock: t.clock.mode, now: fmtTime(t.clock.now) }))
    , ["id", "scenario", "seed", "clock", "now"], 5, (row) => selectTenant(row.id)));
  return list;
}

async function selectTenant(id) {
  state.tenant = id;
  $("#tenant-select").value = id;
  await refreshView();
  renderTab();
}

async function refreshView() {
  if (!state.tenant) { state.view = null; return; }
  state.view = await admin("GET", `/_sandbox/tenants/${enc(state.tenant)}`);
  renderTenantDetail();
  refreshBadges();
}

function curlLines() {
  const v = state.view, base = v.base_url, lines = [];
  const hc = creds("hypercard"), op = creds("opcard"), il = creds("interlace");
  if (op) lines.push(["OPCard", `curl -s ${base}/card-api/v1/balance/change/records -H 'Authorization: ${op.token}' -H 'content-type: application/json' -d '{"cursor":"","limit":10}'`]);
  if (il) {
    const id = il.clientId || il.client_id, secret = il.clientSecret || il.client_secret;
    lines.push(["Interlace", `CODE=$(curl -s '${base}/open-api/oauth/authorize?clientId=${id}' | jq -r .code)\nTOKEN=$(curl -s ${base}/open-api/oauth/access-token -H 'content-type: application/json' -d "{\\"clientId\\":\\"${id}\\",\\"clientSecret\\":\\"${secret}\\",\\"code\\":\\"$CODE\\"}" | jq -r .accessToken)\ncurl -s '${base}/open-api/v3/cards?limit=10' -H "x-access-token: $TOKEN"`]);
  }
  return { lines, hc };
}

async function renderTenantDetail() {
  const v = state.view, box = $("#tenant-detail");
  if (!v) { box.replaceChildren(el("div", { class: "empty" }, "No tenant.")); return; }
  const actions = el("div", { class: "row" },
    el("button", { type: "button", id: "reset-tenant", onclick: async () => { if (!confirm("Reset tenant " + v.id + " to its scenario's start?")) return; await admin("POST", `/_sandbox/tenants/${enc(v.id)}/reset`); toast("Tenant reset"); await refreshView(); } }, "Reset"),
    el("button", { type: "button", id: "export-tenant", onclick: exportYaml }, "Export YAML"),
    el("button", { type: "button", class: "danger", id: "delete-tenant", onclick: async () => { if (!confirm("Delete tenant " + v.id + "?")) return; await admin("DELETE", `/_sandbox/tenants/${enc(v.id)}`); toast("Tenant deleted"); state.tenant = null; await loadTenants(); await refreshView(); renderTab(); } }, "Delete"));
  const credBlocks = [];
  for (const p of CFG.providers) {
    const list = v.credentials[p];
    if (!Array.isArray(list) || !list.length) continue;
    for (const c of list) {
      credBlocks.push(el("h3", {}, p));
      credBlocks.push(el("dl", { class: "kv" }, Object.entries(c).flatMap(([k, val]) => [
        el("dt", {}, k),
        el("dd", {}, String(val).includes("\n") ? el("details", {}, el("summary", {}, "PEM"), el("pre", {}, val)) : el("span", { class: "mono" }, String(val)), " ", copyButton(String(val))),
      ])));
    }
  }
  const { lines, hc } = curlLines();
  const curls = lines.map(([p, text]) => el("div", {}, el("div", { class: "row" }, el("strong", {}, p), copyButton(text)), el("pre", { class: "curl" }, text)));
  if (hc) {
    const body = { card_id: inv("hypercard", "cards")[0] || "" };
    try {
      const signed = await admin("POST", `/_sandbox/tenants/${enc(v.id)}/hypercard/sign`, { body });
      const text = `curl -s ${v.base_url}/openapi/card/balance ${signed.curl_headers} -H 'content-type: application/json' -d '${JSON.stringify(body)}'`;
      curls.unshift(el("div", {}, el("div", { class: "row" }, el("strong", {}, "HyperCard"), el("span", { class: "muted" }, "signed now on the tenant clock; the nonce is single use, the timestamp valid 5 minutes"), copyButton(text)), el("pre", { class: "curl" }, text)));
    } catch (e) { curls.unshift(el("div", { class: "muted" }, "HyperCard: " + e.message)); }
  }
  box.replaceChildren(
    el("dl", { class: "kv" },
      el("dt", {}, "id"), el("dd", {}, el("strong", {}, v.id)),
      el("dt", {}, "scenario"), el("dd", {}, v.scenario + " · seed " + v.seed + " · credentials " + v.credential_mode),
      el("dt", {}, "base URL"), el("dd", {}, el("span", { class: "mono" }, v.base_url), " ", copyButton(v.base_url)),
      el("dt", {}, "clock"), el("dd", {}, fmtTime(v.clock.now) + " (" + v.clock.mode + ")")),
    actions,
    el("div", { class: "grid2" }, el("div", {}, el("h3", {}, "Credentials"), credBlocks), el("div", {}, el("h3", {}, "Ready-to-paste curl"), curls)));
}

async function exportYaml() {
  const yaml = await admin("GET", `/_sandbox/tenants/${enc(state.tenant)}/export`);
  const a = el("a", { href: URL.createObjectURL(new Blob([yaml], { type: "application/yaml" })), download: state.tenant + ".yaml" });
  document.body.append(a); a.click(); a.remove();
  toast("Exported " + state.tenant + ".yaml (" + yaml.length.toLocaleString() + " bytes)");
  const box = $("#export-preview") || el("div", { id: "export-preview", class: "card" });
  box.replaceChildren(el("h2", {}, "Last export"), el("pre", {}, yaml.slice(0, 4000) + (yaml.length > 4000 ? "\n…" : "")));
  $("#tab-tenants").append(box);
}

// ---------- badges: clock and invariants ----------
async function refreshBadges() {
  if (!state.tenant) return;
  try {
    const [clock, inv] = await Promise.all([
      admin("GET", `/_sandbox/tenants/${enc(state.tenant)}/clock`),
      admin("GET", `/_sandbox/tenants/${enc(state.tenant)}/invariants`),
    ]);
    const cb = $("#clock-badge");
    cb.textContent = fmtTime(clock.now) + " · " + clock.mode;
    cb.className = "badge " + (clock.mode === "frozen" ? "warn" : "");
    const big = $("#clock-now");
    if (big) big.textContent = fmtTime(clock.now);
    const ib = $("#invariants-badge");
    ib.textContent = inv.ok ? "invariants ✓" : "invariants ✗ " + inv.checks.filter((c) => !c.ok).length;
    ib.className = "badge " + (inv.ok ? "ok" : "bad");
    if (state.tab === "live") renderInvariants(inv);
  } catch (e) { /* shown by the panels */ }
}
// After every change: the tenant view, the badges and the open panel.
async function changed() {
  await refreshView();
}

// ---------- data ----------
const DATA_TABS = [
  ["hypercard", "HyperCard"], ["opcard", "OPCard"], ["il-accounts", "Interlace accounts"], ["il-cards", "Interlace cards"],
  ["il-tx", "Card transactions"], ["il-negatives", "Card negatives"], ["il-business", "Business accounts"], ["il-btx", "Business transactions"], ["il-legal", "Legal entities"],
];
function renderDataTabs() {
  $("#data-tabs").replaceChildren(...DATA_TABS.map(([id, name]) => el("button", { type: "button", class: state.dataTab === id ? "active" : "", "data-sub": id, onclick: () => { state.dataTab = id; renderData(); } }, name)));
}
async function renderData() {
  renderDataTabs();
  const box = $("#data-view");
  box.replaceChildren(el("div", { class: "muted" }, "Loading…"));
  try {
    const fn = { hypercard: dataHypercard, opcard: dataOpcard, "il-accounts": dataIlAccounts, "il-cards": dataIlCards, "il-tx": dataIlTx, "il-negatives": dataIlNegatives, "il-business": dataIlBusiness, "il-btx": dataIlBtx, "il-legal": dataIlLegal }[state.dataTab];
    await fn(box);
  } catch (e) { box.replaceChildren(el("div", { class: "pill bad" }, e.message)); }
}

const HC_TYPES = [[1, "consumption"], [2, "recharge"], [3, "withdrawal"], [8, "refund"], [10, "handling fee"], [101, "buy coin"], [102, "cancel card"]];
async function dataHypercard(box, page = 1) {
  const cards = inv("hypercard", "cards");
  if (!cards.length) { box.replaceChildren(el("div", { class: "empty" }, "This tenant has no HyperCard cards.")); return; }
  const size = 8, shown = cards.slice().reverse().slice((page - 1) * size, page * size);
  const answers = await Promise.all(shown.map((id) => hypercard("/openapi/card/balance", { card_id: id })));
  const rows = shown.map((id, i) => {
    const d = dataOf(answers[i].json) || {};
    return { card_id: id, card_number: d.card_number, card_currency: d.card_currency, available_balance: d.available_balance, current_balance: d.current_balance, label: label("hypercard", id), _raw: answers[i].text };
  });
  const records = el("div", { id: "hc-records" });
  const card = el("div", { class: "card" }, el("h2", {}, "HyperCard cards (" + cards.length + ")"),
    table(rows.map(({ _raw, ...r }) => r), ["card_id", "card_number", "available_balance", "current_balance", "card_currency", "label"], 6,
      (r) => hcRecords(records, r.card_id, 1, 1)),
    el("div", { class: "row" }, pager(page, page * size < cards.length, (p) => dataHypercard(box, p)), rows[0] ? rawButton("Balance of " + rows[0].card_id, rows[0]._raw) : null));
  box.replaceChildren(card, records);
  hcRecords(records, state.hcCard && cards.includes(state.hcCard) ? state.hcCard : shown[0], state.hcType || 1, 1);
}
async function hcRecords(box, cardId, type, page) {
  state.hcCard = cardId; state.hcType = type;
  const clock = await admin("GET", `/_sandbox/tenants/${enc(state.tenant)}/clock`);
  const end = Math.floor(clock.now_ms / 1000) + 60, start = end - 60 * 86400 + 60;
  const body = { start_time: String(start), end_time: String(end), page, size: 10, business_type: type, card_id: cardId };
  const r = await hypercard("/v3/openapi/card/transactions", body);
  const d = dataOf(r.json) || {};
  const list = (d && d.records) || [];
  const typeSelect = el("select", { id: "hc-type", onchange: (e) => hcRecords(box, cardId, Number(e.target.value), 1) }, HC_TYPES.map(([n, name]) => el("option", { value: n, selected: n === type }, n + " " + name)));
  box.replaceChildren(el("div", { class: "card" },
    el("h2", {}, "Transaction Query v3 · card " + cardId),
    el("div", { class: "row" }, el("label", {}, "business type ", typeSelect), el("span", { class: "muted" }, "last 60 days on the tenant clock, newest first · " + (d.total || 0) + " records")),
    answerLine(r),
    table(list, ["tx_time", "tx_id", "tx_status", "tx_amount", "tx_currency", "deduction_amount", "fee", "currency_amount", "description", "mcc"], 9,
      (row) => actOn("hypercard", "transaction", "tx_id", row.tx_id).then((a) => { const old = box.querySelector(".act-tx"); if (old) old.remove(); if (a) { a.classList.add("act-tx"); box.append(a); } })),
    pager(page, page * 10 < (d.total || 0), (p) => hcRecords(box, cardId, type, p))),
    await actOn("hypercard", "card", "card_id", cardId));
}

// OPCard fund types (README, OPCard).
const FUND_TYPES = { 20: "load", 21: "monthly spend", 22: "monthly refunds", 23: "release", 24: "forex sell", 25: "forex buy", 28: "payout" };
async function dataOpcard(box, cursor = "", history = []) {
  const cards = inv("opcard", "cards");
  const r = await opcard("/card-api/v1/balance/change/records", { cursor, limit: 15 });
  const d = r.json || {};
  const list = Array.isArray(d.data) ? d.data : findList(d) || [];
  const cardRows = cards.map((id) => Object.assign({ card_id: id }, details("opcard")[id] || {}));
  box.replaceChildren(
    el("div", { class: "card" }, el("h2", {}, "OPCard cards (" + cards.length + ")"), table(cardRows, ["card_id", "label", "kind", "status", "program", "currency"], 7, (row) => opcardDetail(row.card_id))),
    el("div", { id: "op-detail" }),
    el("div", { class: "card" }, el("h2", {}, "Balance change records"),
      el("div", { class: "muted" }, "card_limit_amount is the card account's balance right after each change, newest first"),
      answerLine(r),
      table(list.map((rec) => Object.assign({}, rec, { fund_type: FUND_TYPES[rec.fund_type] ? rec.fund_type + " " + FUND_TYPES[rec.fund_type] : rec.fund_type })),
        ["moving_account_Time", "fund_type", "program_value", "bill_currency", "bill_amount", "card_limit_amount", "batch_no", "moving_account_type"], 8),
      el("div", { class: "row" },
        el("button", { class: "small", type: "button", disabled: !history.length, onclick: () => { const prev = history.slice(0, -1); dataOpcard(box, history[history.length - 1], prev); } }, "← Newer"),
        el("button", { class: "small", type: "button", disabled: !d.has_more, onclick: () => dataOpcard(box, d.next_cursor, history.concat([cursor])) }, "Older →"))));
}
async function opcardDetail(id) {
  const r = await opcard(`/card-api/v1/cards/${id}/detail`);
  const d = dataOf(r.json) || {};
  $("#op-detail").replaceChildren(el("div", { class: "card" }, el("h2", {}, "Card " + id), answerLine(r), el("dl", { class: "kv" }, Object.entries(d).flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, typeof v === "object" ? JSON.stringify(v) : String(v))]))),
    await actOn("opcard", "card", "card_id", id));
}

function ilAccounts() { return inv("interlace", "accounts"); }
async function ilList(box, title, pathOf, columns, note, onRow) {
  const accounts = ilAccounts();
  if (!accounts.length) { box.replaceChildren(el("div", { class: "empty" }, "This tenant has no Interlace accounts.")); return; }
  const acct = state.ilAccount && accounts.includes(state.ilAccount) ? state.ilAccount : accounts[0];
  const select = el("select", { id: "il-account", onchange: (e) => { state.ilAccount = e.target.value; renderData(); } }, accounts.map((a) => el("option", { value: a, selected: a === acct }, a + (label("interlace", a) ? " · " + label("interlace", a) : ""))));
  const card = el("div", { class: "card" }, el("h2", {}, title), el("div", { class: "row" }, el("label", {}, "account ", select), note ? el("span", { class: "muted" }, note) : null));
  box.replaceChildren(card);
  const load = async (page) => {
    const r = await interlace("GET", pathOf(acct, page));
    // Every row is the picked account's: its column is left out (the raw JSON keeps it).
    const list = (findList(dataOf(r.json)) || []).map((row) => { const { accountId, ...rest } = row; return rest; });
    const total = Number((dataOf(r.json) || {}).total || list.length);
    const body = el("div", {}, answerLine(r), table(list, columns, 9, onRow), pager(page, page * 10 < total, (p) => { body.remove(); load(p); }));
    card.append(body);
  };
  await load(1);
}
async function dataIlAccounts(box) {
  const accounts = ilAccounts();
  const rows = accounts.map((id) => Object.assign({ id }, details("interlace")[id] || {}));
  const wallets = el("div", {});
  box.replaceChildren(el("div", { class: "card" }, el("h2", {}, "Interlace accounts (" + accounts.length + ")"), table(rows, ["id", "label", "kind", "status", "currency"], 8, async (row) => {
    const r = await interlace("GET", "/open-api/v3/cards/wallets?accountId=" + enc(row.id));
    wallets.replaceChildren(el("div", { class: "card" }, el("h2", {}, "Wallets of " + row.id), answerLine(r), table(findList(dataOf(r.json)) || [], ["id", "objectType", "currency", "available", "pending", "balance"], 9)));
  })), wallets);
}
const ilDataPath = (p, extra = "") => (acct, page) => `${p}?accountId=${enc(acct)}&page=${page}&limit=10${extra}`;
const dataIlCards = (box) => ilList(box, "Interlace cards", ilDataPath("/open-api/v3/cards"), ["createTime", "id", "label", "status", "currency", "cardLastFour", "cardMode", "bin", "userName"], "click a card to act on it",
  (row) => actOn("interlace", "card", "cardId", row.id).then((a) => { const old = box.querySelector(".act-on"); if (old) old.remove(); if (a) box.append(a); }));
const dataIlTx = (box) => ilList(box, "Interlace card transactions", ilDataPath("/open-api/v3/card/transactions"), ["createTime", "id", "cardId", "transactionType", "status", "transactionAmount", "transactionCurrency", "billingAmount", "merchantName"], "authorisations, clearings, reversals, refunds and fees, newest first");
async function dataIlNegatives(box) {
  const a = el("div", {}), b = el("div", {}), c = el("div", {});
  box.replaceChildren(a, b, c);
  const now = Date.now() + 400 * 86400000;
  await ilList(a, "Card negatives (AccountNegative)", ilDataPath("/open-api/v3/card-negative/accounts", `&startTime=0&endTime=${now}`), ["statTime", "type", "cardNegative", "budgetNegative", "currency", "accountId"]);
  await ilList(b, "Bills (CSV links)", ilDataPath("/open-api/v3/card-negative/bills"), ["createTime", "total", "negativeUrl", "accountId"]);
  await ilList(c, "Repayments", ilDataPath("/open-api/v3/card-negative/repayments", `&startTime=0&endTime=${now}`), ["createTime", "statTime", "type", "cardNegative", "cardSettleAmount", "cardUnpaidAmount", "budgetNegative", "currency"]);
}
const dataIlBusiness = (box) => ilList(box, "Business accounts", ilDataPath("/open-api/v3/business/accounts"), ["id", "nickname", "currency", "status", "purpose", "bankAccounts", "createTime"]);
const dataIlBtx = (box) => ilList(box, "Business account transactions", ilDataPath("/open-api/v3/business/accounts/transactions"), ["createTime", "id", "businessType", "status", "settlementAmount", "currency", "fees", "counterparty", "reference"], "transfers with fees and status, newest first");
async function dataIlLegal(box) {
  const ids = inv("interlace", "legal_entities");
  const answers = await Promise.all(ids.map((id) => interlace("GET", "/open-api/v3/business/legal-entity/" + enc(id))));
  const rows = answers.map((r) => dataOf(r.json) || {});
  box.replaceChildren(el("div", { class: "card" }, el("h2", {}, "Legal entities (" + ids.length + ")"), table(rows, ["id", "accountId", "accountName", "status", "message"], 6), answers[0] ? answerLine(answers[0]) : null));
}

// ---------- act ----------
const PROVIDER_NAMES = { hypercard: "HyperCard", opcard: "OPCard", interlace: "Interlace" };
// The simulations of `provider` that act on a `target`, with `field` set to `id`: shown
// beside the object in the Data views.
async function actOn(provider, target, field, id) {
  const sims = CFG.simulations.filter((s) => s.provider === provider && s.target === target);
  if (!sims.length) return null;
  const forms = [];
  for (const s of sims) forms.push(await simForm(s, { [field]: id }));
  return el("div", { class: "card act-on" }, el("h2", {}, "Act on this " + target), el("div", { class: "grid3" }, forms));
}
async function idsFor(refers) {
  switch (refers) {
    case "hypercard.cards": return inv("hypercard", "cards");
    case "opcard.cards": return inv("opcard", "cards");
    case "interlace.cards": return inv("interlace", "cards");
    case "interlace.accounts": return inv("interlace", "accounts");
    case "interlace.business_accounts": return inv("interlace", "business_accounts");
    case "interlace.legal_entities": return inv("interlace", "legal_entities");
    default: return null;
  }
}
async function renderAct() {
  const box = $("#act-view");
  const byProvider = {};
  for (const s of CFG.simulations) (byProvider[s.provider] = byProvider[s.provider] || []).push(s);
  const sections = [];
  for (const [p, sims] of Object.entries(byProvider)) {
    const forms = [];
    for (const s of sims) forms.push(await simForm(s));
    sections.push(el("div", { class: "card" }, el("h2", {}, PROVIDER_NAMES[p] || p), el("div", { class: "grid3" }, forms)));
  }
  box.replaceChildren(...sections);
}
async function simForm(s, preset = {}) {
  const form = el("form", { "data-sim": s.provider + "/" + s.event });
  for (const f of s.fields) {
    let input;
    const ids = await idsFor(f.refers);
    if (f.refers.startsWith("choice:")) {
      input = el("select", { name: f.name }, f.refers.slice(7).split(",").map((c) => el("option", { value: c, selected: c === f.default }, c || "(default)")));
    } else if (ids && ids.length) {
      input = el("select", { name: f.name }, (f.required ? [] : [el("option", { value: "" }, "(none)")]).concat(ids.slice().reverse().map((id) => el("option", { value: id }, id + (label(f.refers.split(".")[0], id) ? " · " + label(f.refers.split(".")[0], id) : "")))));
    } else {
      input = el("input", { name: f.name, value: f.default, placeholder: f.required ? "required" : "optional", list: f.refers.endsWith("tx") ? "recent-tx" : undefined });
    }
    if (f.name in preset) {
      if (input.tagName === "SELECT" && ![...input.options].some((o) => o.value === preset[f.name])) input.append(el("option", { value: preset[f.name] }, preset[f.name]));
      input.value = preset[f.name];
    }
    form.append(el("label", {}, el("span", {}, f.name, f.required ? " *" : ""), input));
  }
  if (s.raw) form.append(el("textarea", { name: "_raw", rows: 3 }, "{}"));
  const result = el("div", { class: "result" });
  form.append(el("div", { class: "row" }, el("button", { class: "primary", type: "submit" }, "Run " + s.event)));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    let body = {};
    if (s.raw) { try { body = JSON.parse(form._raw.value || "{}"); } catch (err) { toast("Body is not JSON: " + err.message, true); return; } }
    for (const f of s.fields) { const v = form.elements[f.name].value.trim(); if (v !== "") body[f.name] = v; }
    try {
      const out = await admin("POST", `/_sandbox/tenants/${enc(state.tenant)}/simulate/${s.provider}/${s.event}`, body);
      rememberTx(out);
      const text = JSON.stringify(out, null, 2);
      const created = out.record ? out.record.tx_id : out.transaction ? out.transaction.id : out.id || out.transactionId || "";
      const summary = out.record ? [out.record.tx_id, out.record.amount, out.record.currency, out.declined ? "declined: " + out.declined : "ok"]
        : out.transaction ? [out.transaction.id, out.transaction.type, out.transaction.status, out.declined ? "declined: " + out.declined : "", "card balance " + fmtAmount(out.balance)]
        : out.statistics ? [out.statistics.length + " statistics"]
        : out.available !== undefined ? ["available " + fmtAmount(out.available)]
        : [out.id || out.transactionId || "", out.status || out.kind || "", out.amount !== undefined ? fmtAmount(out.amount) : ""];
      result.replaceChildren(el("div", { class: "row" }, el("span", { class: "pill " + (out.declined ? "bad" : "ok"), "data-created-id": created }, out.declined ? "declined" : "created"), el("span", { class: "mono" }, summary.filter(Boolean).join(" · ")), rawButton(s.provider + "/" + s.event, text)));
      toast(s.provider + "/" + s.event + " done");
      await changed();
    } catch (err) {
      result.replaceChildren(el("span", { class: "pill bad" }, err.code + ": " + err.message));
    }
  });
  return el("div", { class: "sim" }, el("h3", {}, s.event, el("span", { class: "muted" }, " · " + s.target)), form, result);
}
// Transaction ids the simulations answered, offered in the forms that take one.
function rememberTx(out) {
  const ids = [];
  const walk = (o) => { if (!o || typeof o !== "object") return; for (const [k, v] of Object.entries(o)) { if (/^(tx_id|id|transactionId)$/.test(k) && typeof v === "string") ids.push(v); else if (typeof v === "object") walk(v); } };
  walk(out);
  let list = $("#recent-tx");
  if (!list) { list = el("datalist", { id: "recent-tx" }); document.body.append(list); }
  for (const id of ids) list.prepend(el("option", { value: id }));
}

// ---------- clock ----------
async function renderClock() {
  const box = $("#clock-view");
  const due = await admin("GET", `/_sandbox/tenants/${enc(state.tenant)}/clock/due?limit=15`);
  const now = new Date(due.now_ms);
  const monthEnd = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1) - due.now_ms;
  const change = async (body, what) => {
    const out = await admin("POST", `/_sandbox/tenants/${enc(state.tenant)}/clock`, body);
    toast(what + ": " + out.events_fired + " events ran" + (out.events_failed ? ", " + out.events_failed + " failed" : ""));
    state.clockResult = what + " → " + fmtTime(out.now) + " · " + out.events_fired + " events ran";
    await changed();
    await renderClock();
  };
  const custom = el("input", { type: "number", min: "0", step: "1", value: "600", id: "advance-seconds", style: "width: 110px" });
  box.replaceChildren(
    el("div", { class: "grid2" },
      el("div", { class: "card" }, el("h2", {}, "Tenant clock"),
        el("div", { class: "big", id: "clock-now" }, fmtTime(due.now)),
        el("div", { class: "row" }, el("span", { class: "pill " + (due.mode === "frozen" ? "warn" : "ok") }, due.mode), el("span", { class: "muted" }, "scale ×" + due.scale + " · " + due.pending + " events pending")),
        el("div", { class: "row" },
          el("button", { type: "button", id: "clock-freeze", disabled: due.mode === "frozen", onclick: () => change({ freeze_at: "now" }, "Frozen") }, "Freeze"),
          el("button", { type: "button", id: "clock-resume", disabled: due.mode !== "frozen", onclick: () => change({ resume: true }, "Resumed") }, "Resume")),
        el("div", { class: "row" },
          el("button", { type: "button", id: "advance-hour", onclick: () => change({ advance_seconds: 3600 }, "+1 hour") }, "+1 hour"),
          el("button", { type: "button", id: "advance-day", onclick: () => change({ advance_seconds: 86400 }, "+1 day") }, "+1 day"),
          el("button", { type: "button", id: "advance-month-end", onclick: () => change({ advance_seconds: Math.max(monthEnd / 1000, 0) }, "To month end") }, "To month end (UTC)")),
        el("div", { class: "row" }, custom, el("span", { class: "muted" }, "seconds"), el("button", { type: "button", id: "advance-custom", onclick: () => change({ advance_seconds: Number(custom.value) }, "+" + custom.value + " s") }, "Advance")),
        el("div", { class: "muted", id: "clock-result" }, state.clockResult || "")),
      el("div", { class: "card" }, el("h2", {}, "Due next"),
        table(due.events.map((e) => ({ due: fmtTime(e.due), in: humanIn(e.due_ms - due.now_ms), kind: e.kind, data: Object.entries(e.data).map(([k, v]) => k + "=" + v).join(" ") })), ["due", "in", "kind", "data"], 4))));
}
function humanIn(ms) {
  if (ms <= 0) return "now";
  const s = ms / 1000;
  if (s < 90) return Math.round(s) + " s";
  if (s < 5400) return Math.round(s / 60) + " min";
  if (s < 172800) return (s / 3600).toFixed(1) + " h";
  return (s / 86400).toFixed(1) + " days";
}

// ---------- faults ----------
async function renderFaults() {
  const box = $("#faults-view");
  const list = await admin("GET", `/_sandbox/faults?tenant=${enc(state.tenant)}`);
  const byId = Object.fromEntries(list.faults.map((f) => [f.id, f]));
  const rows = CFG.presets.map((p) => {
    const id = "console-" + p.key, armed = byId[id];
    return el("div", { class: "preset", "data-preset": p.key },
      el("span", { class: "pill " + (armed ? "bad" : "") }, armed ? "armed" : "off"),
      el("span", { class: "label" }, p.label),
      el("span", { class: "muted fired", title: "matched / fired" }, armed ? "matched " + (armed.matched ?? 0) + " · fired " + (armed.fired ?? 0) : ""),
      el("button", { type: "button", class: armed ? "" : "primary", onclick: async () => {
        if (armed) await admin("DELETE", `/_sandbox/faults/${enc(id)}?tenant=${enc(state.tenant)}`);
        else {
          await admin("POST", "/_sandbox/faults", Object.assign({}, p.rule, { id, tenant: state.tenant }));
          if (p.disarm_after_s) { const t = state.tenant; setTimeout(() => admin("DELETE", `/_sandbox/faults/${enc(id)}?tenant=${enc(t)}`).catch(() => {}).then(() => state.tab === "faults" && renderFaults()), p.disarm_after_s * 1000); }
        }
        await renderFaults();
      } }, armed ? "Disarm" : "Arm"));
  });
  const others = list.faults.filter((f) => !String(f.id).startsWith("console-"));
  box.replaceChildren(
    el("div", { class: "card" }, el("h2", {}, "Presets for tenant " + state.tenant), rows,
      el("div", { class: "muted" }, "The 30 s preset is removed by this console 30 s after it is armed (keep the tab open).")),
    el("div", { class: "card" }, el("h2", {}, "Other rules (global and this tenant's)"), table(others.map((f) => ({ id: f.id, tenant: f.tenant, action: f.action && f.action.type, match: f.match, matched: f.matched, fired: f.fired })), ["id", "tenant", "action", "match", "matched", "fired"], 6)),
    el("div", { class: "card" }, el("h2", {}, "Try a provider call"), el("div", { class: "row" },
      el("button", { type: "button", id: "try-hypercard", onclick: () => tryCall("hypercard") }, "HyperCard balance"),
      el("button", { type: "button", id: "try-opcard", onclick: () => tryCall("opcard") }, "OPCard records"),
      el("button", { type: "button", id: "try-interlace", onclick: () => tryCall("interlace") }, "Interlace cards")), el("div", { id: "try-result" })));
}
async function tryCall(p) {
  let r;
  try {
    if (p === "hypercard") r = await hypercard("/openapi/card/balance", { card_id: inv("hypercard", "cards")[0] || "" });
    else if (p === "opcard") r = await opcard("/card-api/v1/balance/change/records", { cursor: "", limit: 1 });
    else r = await interlace("GET", "/open-api/v3/cards?limit=1&accountId=" + enc(ilAccounts()[0] || ""));
  } catch (e) { r = { status: 0, text: "", error: e.message }; }
  $("#try-result").replaceChildren(el("div", { class: "row" }, el("strong", {}, p), answerLine(r)));
  await renderFaults().then(() => $("#try-result").replaceChildren(el("div", { class: "row" }, el("strong", {}, p), answerLine(r))));
}

// ---------- webhooks ----------
async function renderWebhooks() {
  const box = $("#webhooks-view");
  const [config, list] = await Promise.all([
    admin("GET", `/_sandbox/tenants/${enc(state.tenant)}/webhooks/config`),
    admin("GET", `/_sandbox/tenants/${enc(state.tenant)}/webhooks`),
  ]);
  const cfgText = el("textarea", { rows: 8, id: "webhook-config" }, JSON.stringify(config, null, 2));
  const rows = list.deliveries.slice(0, 50).map((d) => {
    const last = d.attempts[d.attempts.length - 1];
    return el("tr", { "data-delivery": d.id },
      el("td", { class: "mono", title: d.id }, d.id), el("td", {}, d.provider), el("td", {}, d.event),
      el("td", {}, el("span", { class: "pill " + statusClass(d.status === "delivered" ? "ok" : d.status) }, d.status)),
      el("td", { class: "num" }, String(d.attempts.length)),
      el("td", { class: "num" }, last ? (last.response_status ?? "—") : "—"),
      el("td", { class: "num" }, fmtTime(d.created_at)),
      el("td", {},
        el("button", { class: "small", type: "button", onclick: () => showRaw("Delivery " + d.id, JSON.stringify(d, null, 2)) }, "Attempts"),
        last ? el("button", { class: "small", type: "button", onclick: () => showRaw("Signed body and headers", JSON.stringify({ headers: last.request_headers, body: last.request_body }, null, 2)) }, "Signed body") : null,
        el("button", { class: "small redeliver", type: "button", onclick: async () => {
          const before = d.attempts.length;
          const out = await admin("POST", `/_sandbox/tenants/${enc(state.tenant)}/webhooks/${enc(d.id)}/redeliver`);
          toast("Redelivered " + d.id + ": " + out.status);
          await renderWebhooks();
          // The tenant's delivery worker sends the attempt on its own, usually within
          // milliseconds: look again for a few seconds so the new attempt shows.
          for (let i = 0; i < 20 && state.tab === "webhooks"; i++) {
            const row = document.querySelector(`tr[data-delivery="${CSS.escape(d.id)}"]`);
            if (!row || Number(row.children[4].textContent) > before) break;
            await new Promise((done) => setTimeout(done, 250));
            await renderWebhooks();
          }
        } }, "Redeliver")));
  });
  box.replaceChildren(
    el("div", { class: "grid2" },
      el("div", { class: "card" }, el("h2", {}, "Configuration"), cfgText, el("div", { class: "row" }, el("button", { type: "button", onclick: async () => {
        try { await admin("PUT", `/_sandbox/tenants/${enc(state.tenant)}/webhooks/config`, JSON.parse(cfgText.value)); toast("Webhook configuration saved"); } catch (e) { toast(e.message, true); }
      } }, "Save"))),
      el("div", { class: "card" }, el("h2", {}, "Summary"), el("div", { class: "big" }, list.deliveries.length + " deliveries"),
        el("div", { class: "row" }, ...["delivered", "pending", "failed"].map((s) => el("span", { class: "pill " + statusClass(s === "delivered" ? "ok" : s) }, s + " " + list.deliveries.filter((d) => d.status === s).length))))),
    el("div", { class: "card" }, el("h2", {}, "Deliveries (newest first)"), list.deliveries.length ? el("div", { class: "table-wrap" }, el("table", {},
      el("thead", {}, el("tr", {}, ["id", "provider", "event", "status", "attempts", "last HTTP", "created", ""].map((h) => el("th", {}, h)))),
      el("tbody", {}, rows))) : el("div", { class: "empty" }, "No deliveries yet: configure a URL, then simulate something.")));
}

// ---------- live ----------
async function renderJournal() {
  const r = await admin("GET", `/_sandbox/tenants/${enc(state.tenant)}/requests?limit=40`);
  const box = $("#journal-view");
  const rows = r.requests.map((q) => el("tr", { class: "clickable", onclick: () => showRaw(q.method + " " + q.path, JSON.stringify(q, null, 2)) },
    el("td", { class: "num" }, fmtTime(q.at).slice(11, 19)),
    el("td", {}, q.provider || "—"),
    el("td", { class: "mono", title: q.path + (q.query ? "?" + q.query : "") }, q.method + " " + q.path + (q.query ? "?" + q.query : "")),
    el("td", {}, el("span", { class: "pill " + (q.status === 0 || q.status >= 400 ? "bad" : "ok") }, q.status === 0 ? "cut" : String(q.status))),
    el("td", {}, (q.faults || []).map((f) => el("span", { class: "pill warn" }, f))),
    el("td", { class: "num" }, (q.duration_us / 1000).toFixed(1) + " ms")));
  box.replaceChildren(el("div", { class: "muted" }, r.total + " requests · updates every 2 s · click a row for headers and bodies"),
    rows.length ? el("div", { class: "table-wrap" }, el("table", {}, el("thead", {}, el("tr", {}, ["time", "provider", "request", "status", "faults", "took"].map((h) => el("th", {}, h)))), el("tbody", {}, rows))) : el("div", { class: "empty" }, "No provider requests yet."));
}
function renderInvariants(inv) {
  $("#invariants-view").replaceChildren(
    el("div", { class: "row" }, el("span", { class: "pill " + (inv.ok ? "ok" : "bad") }, inv.ok ? "all hold" : "broken")),
    ...inv.checks.map((c) => el("div", { class: "check" }, el("span", { class: "pill " + (c.ok ? "ok" : "bad") }, c.ok ? "✓" : "✗"), el("span", { class: "name" }, c.name), el("span", { class: "muted" }, c.detail))));
}

// ---------- tabs and start ----------
async function renderTab() {
  document.querySelectorAll("nav.tabs button").forEach((b) => b.classList.toggle("active", b.dataset.tab === state.tab));
  document.querySelectorAll("main > section").forEach((s) => { s.hidden = s.id !== "tab-" + state.tab; });
  if (!state.tenant && state.tab !== "tenants") { $("#tab-" + state.tab).firstElementChild.replaceChildren(el("div", { class: "empty" }, "Create a tenant first.")); return; }
  try {
    if (state.tab === "tenants") await renderTenantDetail();
    else if (state.tab === "data") await renderData();
    else if (state.tab === "act") await renderAct();
    else if (state.tab === "clock") await renderClock();
    else if (state.tab === "faults") await renderFaults();
    else if (state.tab === "webhooks") await renderWebhooks();
    else if (state.tab === "live") { await renderJournal(); await refreshBadges(); }
  } catch (e) { if (e.status !== 401) toast(e.message, true); }
}

document.querySelectorAll("nav.tabs button").forEach((b) => b.addEventListener("click", () => { state.tab = b.dataset.tab; location.hash = state.tab; renderTab(); }));
$("#tenant-select").addEventListener("change", (e) => selectTenant(e.target.value).catch((err) => toast(err.message, true)));
$("#token-button").addEventListener("click", askToken);
$("#token-form").addEventListener("submit", () => { sessionStorage.setItem(TOKEN_KEY, $("#token-input").value.trim()); start(); });
$("#raw-close").addEventListener("click", () => $("#raw-dialog").close());
$("#raw-copy").addEventListener("click", () => navigator.clipboard.writeText($("#raw-copy").dataset.text || $("#raw-body").textContent).then(() => toast("Copied"), () => {}));
$("#create-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const f = e.target, body = { scenario: f.scenario.value };
  if (f.id.value.trim()) body.id = f.id.value.trim();
  if (f.seed.value !== "") body.seed = Number(f.seed.value);
  if (f.credentials.value) body.credentials = f.credentials.value;
  $("#create-button").disabled = true;
  try {
    const v = await admin("POST", "/_sandbox/tenants", body);
    toast("Created tenant " + v.id);
    state.tenant = v.id;
    await loadTenants();
    await refreshView();
  } catch (err) { toast(err.code + ": " + err.message, true); } finally { $("#create-button").disabled = false; }
});

async function start() {
  try {
    await loadTenants();
    await refreshView();
    await renderTab();
  } catch (e) { if (e.status !== 401) toast(e.message, true); }
}
setInterval(() => {
  if (document.hidden || !state.tenant || !token() && $("#token-dialog").open) return;
  if (state.tab === "live") renderJournal().then(refreshBadges).catch(() => {});
  else refreshBadges();
}, 2000);
state.tab = (location.hash || "#tenants").slice(1);
if (!document.getElementById("tab-" + state.tab)) state.tab = "tenants";
start();
