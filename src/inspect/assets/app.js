// hookline inspector: the list (virtual: only visible rows are in the DOM), live updates
// over server-sent events, the detail, and the actions. Everything that came from a
// request is set with textContent, never as markup.
"use strict";

const ROW = 30;
const TOKEN = document.querySelector('meta[name="hookline-token"]').content;
const $ = (id) => document.getElementById(id);
const state = {
  all: [],        // summaries, newest first (what the server sent for the filter)
  total: 0,       // events matching the filter (the list's length once all have come)
  selected: 0,    // index in `all`
  open: null,     // the open event's detail
  mark: null,     // seq marked for compare
  info: {},
  filtering: false,
};
window.__hookline = { readyMs: null, rendered: 0 };

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c != null) node.append(c instanceof Node ? c : String(c));
  return node;
}

function filterParams() {
  const p = new URLSearchParams();
  for (const id of ["q", "event", "valid", "status"]) {
    const v = $(id).value.trim();
    if (v) p.set(id, v);
  }
  return p;
}

function filtersActive() { return [...filterParams().keys()].length > 0; }

async function api(path, options) {
  const res = await fetch(path, options);
  const type = res.headers.get("content-type") || "";
  const body = type.includes("json") ? await res.json() : await res.text();
  if (!res.ok) throw new Error(body && body.error ? body.error : String(res.status));
  return body;
}

// The first screenful first (the list is usable at once), then the rest of the list.
let generation = 0;
async function load() {
  const mine = ++generation;
  const fetchPage = (limit) => {
    const p = filterParams();
    p.set("limit", String(limit));
    return api("/api/events?" + p);
  };
  const apply = (page) => {
    if (mine !== generation) return false;
    state.all = page.events;
    state.total = page.matching;
    state.selected = Math.min(state.selected, Math.max(0, state.all.length - 1));
    return true;
  };
  $("export").href = "/api/export?" + filterParams();
  const first = await fetchPage(200);
  if (!apply(first)) return;
  render(true);
  if (first.matching > first.events.length && apply(await fetchPage(100000))) render();
}

let reloadTimer = null;
function reloadSoon(ms) {
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(() => { reloadTimer = null; load(); }, ms);
}

function verdictText(s) {
  if (s.valid === true) return ["✓ " + (s.scheme || ""), "ok"];
  if (s.valid === false) return ["✗ " + (s.reason_code || s.reason || "invalid").replace(/_/g, " "), "bad"];
  return ["· unverified", "muted"];
}

function timeText(s) {
  if (!s.received_at) return "";
  const t = s.received_at.split("T")[1] || s.received_at;
  return t.replace("Z", "").slice(0, 12);
}

function sizeText(n) {
  if (n < 1024) return n + " B";
  if (n < 1048576) return (n / 1024).toFixed(1) + " KB";
  return (n / 1048576).toFixed(1) + " MB";
}

function statusClass(code) {
  if (!code) return "muted";
  return code < 300 ? "ok" : code < 500 ? "warn" : "bad";
}

function row(s, i) {
  const [verdict, vclass] = verdictText(s);
  const status = s.status ? String(s.status) + (s.app_status ? " → " + s.app_status : "") : "";
  const node = el("div", {
    class: "row" + (i === state.selected ? " selected" : "") + (state.open && state.open.summary.seq === s.seq ? " open" : ""),
    "data-seq": s.seq, "data-index": i, role: "row",
    onclick: () => { state.selected = i; openSelected(); },
  },
    el("span", { class: "mono muted", text: timeText(s) }),
    el("span", { class: "method", text: s.method }),
    el("span", { class: "target", text: s.target, title: s.target }),
    el("span", { class: "event", text: s.event || "" }),
    el("span", { class: "verdict " + vclass, text: verdict, title: s.reason || verdict }),
    el("span", { class: "status " + statusClass(s.status), text: status }),
    el("span", { class: "size muted", text: sizeText(s.size) }),
    el("span", { class: "dup", text: s.duplicate_of ? "↻" : "", title: s.duplicate_of ? "redelivery of " + s.duplicate_of : null }),
  );
  node.style.top = (i * ROW) + "px";
  return node;
}

function render(reset) {
  const list = $("list");
  const total = Math.max(state.total || 0, state.all.length);
  $("spacer").style.height = (total * ROW) + "px";
  $("empty").style.display = total ? "none" : "block";
  $("count").textContent = total + (total === 1 ? " event" : " events");
  const first = Math.max(0, Math.floor(list.scrollTop / ROW) - 10);
  const last = Math.min(state.all.length, Math.ceil((list.scrollTop + list.clientHeight) / ROW) + 10);
  for (const old of list.querySelectorAll(".row")) old.remove();
  const fragment = document.createDocumentFragment();
  for (let i = first; i < last; i++) fragment.append(row(state.all[i], i));
  list.append(fragment);
  window.__hookline.rendered = last - first;
  if (reset && window.__hookline.readyMs === null) window.__hookline.readyMs = performance.now();
}

function moveSelection(by) {
  if (!state.all.length) return;
  state.selected = Math.max(0, Math.min(state.all.length - 1, state.selected + by));
  const list = $("list");
  const top = state.selected * ROW;
  if (top < list.scrollTop) list.scrollTop = top;
  else if (top + ROW > list.scrollTop + list.clientHeight) list.scrollTop = top + ROW - list.clientHeight;
  render();
}

async function openSelected() {
  const s = state.all[state.selected];
  if (!s) return;
  try {
    state.open = await api("/api/events/" + s.seq);
    showDetail();
    render();
  } catch (e) {
    showMessage("This event is no longer in memory: " + e.message);
  }
}

function showMessage(text) {
  $("detail").replaceChildren(el("div", { class: "placeholder muted", text }));
}

function kvTable(pairs) {
  const table = el("table", { class: "kv" });
  for (const [k, v] of pairs) table.append(el("tr", {}, el("td", { text: k }), el("td", { text: v })));
  return table;
}

function bodyBytes(d) {
  if (d.body != null) return new TextEncoder().encode(d.body);
  const raw = atob(d.body_base64 || "");
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

function hexDump(bytes) {
  const lines = [];
  for (let i = 0; i < bytes.length && i < 65536; i += 16) {
    const chunk = bytes.slice(i, i + 16);
    const hex = [...chunk].map((b) => b.toString(16).padStart(2, "0")).join(" ");
    const text = [...chunk].map((b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : ".")).join("");
    lines.push(i.toString(16).padStart(8, "0") + "  " + hex.padEnd(48) + "  " + text);
  }
  if (bytes.length > 65536) lines.push("… " + (bytes.length - 65536) + " more bytes (download the body)");
  return lines.join("\n");
}

function bodyView(d) {
  const views = [];
  if (d.pretty != null) views.push(["Pretty", () => d.pretty]);
  if (d.kind === "form") views.push(["Form", null]);
  if (d.body != null) views.push(["Raw", () => d.body]);
  views.push(["Hex", () => hexDump(bodyBytes(d))]);
  const box = el("div", { id: "body-view" });
  const tabs = el("div", { class: "tabs" });
  const show = (name) => {
    for (const b of tabs.children) b.classList.toggle("on", b.textContent === name);
    const view = views.find((v) => v[0] === name);
    let content;
    if (name === "Form") content = kvTable([...new URLSearchParams(d.body || "")]);
    else content = el("pre", { class: "body", text: view[1]() });
    box.replaceChildren(content);
  };
  for (const [name] of views) tabs.append(el("button", { type: "button", onclick: () => show(name), text: name }));
  const wrap = el("div", {}, tabs, box);
  show(views[0][0]);
  return wrap;
}

function verification(d) {
  const s = d.summary;
  const v = d.capture && d.capture.verification;
  if (!v) return el("p", { class: "muted", text: "Not verified (listen had no secret)." });
  const words = v.valid
    ? "✓ valid " + v.scheme + " signature" + (d.matched_secret != null ? " (secret #" + (d.matched_secret + 1) + ")" : "")
    : "✗ " + v.scheme + ": " + (s.reason || "invalid") + " ";
  return el("p", { class: "verdict " + (v.valid ? "ok" : "bad"), id: "verdict", text: words },
    !v.valid && v.reason ? el("span", { class: "badge muted", text: v.reason }) : null);
}

function recordSection(d) {
  const c = d.capture || {};
  const out = [];
  if (c.answer) out.push(kvTable([["answered", String(c.answer.status)], ["in", c.answer.latency_ms + " ms"]]));
  if (c.forward) {
    const f = c.forward;
    const rows = [];
    if (f.url) rows.push(["forwarded to", f.url]);
    if (f.route) rows.push(["route", f.route]);
    if (f.skipped) rows.push(["not forwarded", f.skipped]);
    if (f.status) rows.push(["app answered", String(f.status)]);
    if (f.error) rows.push(["error", f.error]);
    rows.push(["app latency", f.latency_ms + " ms"]);
    out.push(el("h2", { text: "Forward" }), kvTable(rows));
    if (f.response) {
      out.push(el("h2", { text: "The app's answer" }), kvTable(f.response.headers || []));
      const body = f.response.body != null ? f.response.body : (f.response.body_base64 ? "(binary, base64) " + f.response.body_base64 : "");
      out.push(el("pre", { id: "app-body", text: body + (f.response.truncated_from ? "\n… (" + f.response.truncated_from + " bytes in all)" : "") }));
    }
  }
  if (c.chaos) out.push(el("h2", { text: "Chaos" }), el("pre", { text: JSON.stringify(c.chaos, null, 2) }));
  return out;
}

function showDetail() {
  const d = state.open;
  const s = d.summary;
  const c = d.capture || {};
  const headers = (c.headers || []).map((h) => [h[0], h.length > 2 ? "(base64) " + h[1] : h[1]]);
  const meta = [s.received_at, c.id, s.delivery_id ? "delivery " + s.delivery_id : null, sizeText(s.size), s.source]
    .filter(Boolean).join(" · ");
  const detail = $("detail");
  const parts = [
    el("div", { class: "request-line", text: s.method + " " + s.target }),
    el("div", { class: "meta muted", text: meta }),
    s.duplicate_of ? el("p", { class: "warn", text: "↻ redelivery of " + s.duplicate_of }) : null,
    el("div", { class: "actions" },
      el("button", { type: "button", id: "replay", onclick: () => replay({}), text: "Replay", title: "r" }),
      el("button", { type: "button", id: "replay-resigned", onclick: () => replay({ resign: true }), text: "Replay re-signed" }),
      el("button", { type: "button", id: "edit", onclick: editForm, text: "Edit and replay" }),
      el("button", { type: "button", id: "compare", onclick: compare, text: state.mark && state.mark !== s.seq ? "Compare with #" + state.mark : "Mark for compare", title: "c" }),
      el("button", { type: "button", id: "copy-curl", onclick: () => copy("Copy as curl", d.curl), text: "Copy as curl" }),
      el("button", { type: "button", id: "copy-send", onclick: () => copy("Copy as hookline send", d.send), text: "Copy as hookline send" }),
      el("a", { class: "button", id: "download", href: "/api/events/" + s.seq + "/capture", download: "event-" + s.seq + ".json", text: "Download capture" }),
    ),
    el("div", { id: "work" }),
    el("h2", { text: "Verification" }), verification(d),
    ...recordSection(d),
    el("h2", { text: "Headers" }), kvTable(headers),
    el("h2", { text: "Body" }), bodyView(d),
  ];
  detail.replaceChildren(...parts.filter((p) => p != null));
  detail.scrollTop = 0;
}

function targetInput() {
  return el("input", { type: "text", id: "edit-to", value: state.info.default_to || "", placeholder: "http://localhost:3000" });
}

async function replay(edits) {
  if (!state.open) return;
  const work = $("work");
  work.replaceChildren(el("p", { class: "muted", text: "Replaying…" }));
  try {
    const result = await api("/api/events/" + state.open.summary.seq + "/replay", {
      method: "POST",
      headers: { "content-type": "application/json", "x-hookline-token": TOKEN },
      body: JSON.stringify(edits),
    });
    showResult(result);
  } catch (e) {
    work.replaceChildren(el("p", { class: "bad", id: "replay-error", text: "Not replayed: " + e.message }));
  }
}

function showResult(r) {
  const c = state.open.capture || {};
  const original = el("div", { class: "card" }, el("h3", { text: "Original" }),
    kvTable([["answered", c.answer ? String(c.answer.status) : "—"], ["app", c.forward && c.forward.status ? String(c.forward.status) : "—"]]));
  const status = r.status != null ? String(r.status) : "no answer";
  const body = r.body != null ? r.body : r.body_base64 ? "(binary, base64) " + r.body_base64 : "";
  const replayed = el("div", { class: "card", id: "replay-result" },
    el("h3", { text: "Replay" + (r.resigned ? " (re-signed, " + r.scheme + ")" : "") }),
    kvTable([["to", r.method + " " + r.url], ["answered", status], ["in", r.latency_ms + " ms"]].concat(r.error ? [["error", r.error]] : [])),
    el("pre", { text: body }));
  replayed.dataset.status = status;
  $("work").replaceChildren(el("h2", { text: "Replayed" }), el("div", { class: "columns" }, original, replayed));
}

function editForm() {
  const d = state.open;
  const c = d.capture || {};
  const headers = (c.headers || [])
    .filter((h) => !/^(host|content-length)$/i.test(h[0]))
    .map((h) => h[0] + ": " + h[1]).join("\n");
  const to = targetInput();
  const method = el("input", { type: "text", id: "edit-method", value: c.method || "POST" });
  const path = el("input", { type: "text", id: "edit-path", value: d.summary.target });
  const hdrs = el("textarea", { id: "edit-headers" });
  hdrs.value = headers;
  const body = el("textarea", { id: "edit-body", rows: 10 });
  body.value = d.body != null ? d.body : "";
  const resign = el("input", { type: "checkbox", id: "edit-resign" });
  resign.checked = true;
  const send = el("button", { type: "submit", class: "primary", id: "edit-send", text: "Send" });
  const form = el("form", { class: "edit", onsubmit: (e) => {
    e.preventDefault();
    const edits = {
      to: to.value, method: method.value, path: path.value, resign: resign.checked,
      headers: hdrs.value.split("\n").filter((l) => l.includes(":")).map((l) => {
        const at = l.indexOf(":");
        return [l.slice(0, at).trim(), l.slice(at + 1).trim()];
      }),
    };
    if (d.body != null || body.value !== "") edits.body = body.value;
    replay(edits);
  } },
    el("label", { text: "To" }), to,
    el("label", { text: "Method" }), method,
    el("label", { text: "Path" }), path,
    el("label", { text: "Headers" }), hdrs,
    el("label", { text: "Body" }), body,
    el("label", { text: "Re-sign" }), el("label", {}, resign, " with a fresh timestamp (signature headers are replaced)"),
    el("span"), el("div", {}, send));
  $("work").replaceChildren(el("h2", { text: "Edit and replay" }), form);
  body.focus();
}

// A line diff (longest common subsequence), enough for headers and pretty bodies.
function diffLines(a, b) {
  const n = a.length, m = b.length;
  if (n * m > 4e6) return [["del", "(too large to compare here)"]];
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out = [];
  let i = 0, j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) { out.push(["same", a[i]]); i++; j++; }
    else if (lcs[i + 1][j] >= lcs[i][j + 1]) out.push(["del", a[i++]]);
    else out.push(["add", b[j++]]);
  }
  while (i < n) out.push(["del", a[i++]]);
  while (j < m) out.push(["add", b[j++]]);
  return out;
}

function diffView(a, b) {
  const box = el("div", { class: "diff" });
  for (const [kind, line] of diffLines(a, b)) {
    box.append(el("div", { class: kind, text: (kind === "add" ? "+ " : kind === "del" ? "- " : "  ") + line }));
  }
  return box;
}

async function compare() {
  const here = state.open;
  if (!here) return;
  if (!state.mark || state.mark === here.summary.seq) {
    state.mark = here.summary.seq;
    showDetail();
    $("work").replaceChildren(el("p", { class: "muted", text: "Marked #" + state.mark + ": open another event and press Compare (c)." }));
    return;
  }
  const other = await api("/api/events/" + state.mark);
  const lines = (d) => (d.capture.headers || []).map((h) => h[0] + ": " + h[1]);
  const body = (d) => (d.pretty != null ? d.pretty : d.body != null ? d.body : hexDump(bodyBytes(d))).split("\n");
  $("work").replaceChildren(
    el("h2", { text: "Compare #" + other.summary.seq + " (−) with #" + here.summary.seq + " (+)" }),
    el("h2", { text: "Headers" }), diffView(lines(other), lines(here)),
    el("h2", { text: "Body" }), diffView(body(other), body(here)));
  $("work").id = "work";
  state.mark = null;
}

async function copy(title, text) {
  $("copy-title").textContent = title;
  $("copy-text").value = text;
  let note = "Copied to the clipboard.";
  try { await navigator.clipboard.writeText(text); } catch (e) { note = "Select and copy (the clipboard was not available)."; }
  $("copy-note").textContent = note;
  if (!$("copy").open) $("copy").showModal();
}

function connect() {
  const source = new EventSource("/api/stream");
  source.onmessage = (message) => {
    const batch = JSON.parse(message.data);
    if (filtersActive()) { reloadSoon(300); return; }
    const max = state.info.max_events || 10000;
    const had = state.all.length;
    for (const s of batch) state.all.unshift(s);
    if (state.all.length > max) state.all.length = max;
    state.total = Math.min(max, Math.max(state.total || 0, had) + batch.length);
    if (had > 0) state.selected = Math.min(state.all.length - 1, state.selected + batch.length);
    render();
  };
  // A burst too large to stream one by one (a load test): the list is fetched again, at
  // most about once a second.
  source.addEventListener("lagged", () => { if (!reloadTimer) reloadSoon(1000); });
  source.onerror = () => { source.close(); setTimeout(() => { connect(); load(); }, 1000); };
}

function setTheme(theme) {
  document.documentElement.dataset.theme = theme;
  try { localStorage.setItem("hookline-theme", theme); } catch (e) { /* private mode */ }
}

document.addEventListener("keydown", (e) => {
  const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName);
  if (e.key === "Escape") { e.target.blur(); return; }
  if (typing || e.metaKey || e.ctrlKey || e.altKey) return;
  if (e.key === "j") moveSelection(1);
  else if (e.key === "k") moveSelection(-1);
  else if (e.key === "Enter") openSelected();
  else if (e.key === "r") replay({});
  else if (e.key === "c") compare();
  else if (e.key === "/") { e.preventDefault(); $("q").focus(); }
  else return;
  e.preventDefault();
});

async function start() {
  try {
    const saved = localStorage.getItem("hookline-theme");
    if (saved) document.documentElement.dataset.theme = saved;
  } catch (e) { /* private mode */ }
  $("theme").addEventListener("click", () => {
    const dark = document.documentElement.dataset.theme === "dark" ||
      (!document.documentElement.dataset.theme && matchMedia("(prefers-color-scheme: dark)").matches);
    setTheme(dark ? "light" : "dark");
  });
  for (const id of ["q", "event"]) $(id).addEventListener("input", () => reloadSoon(150));
  for (const id of ["valid", "status"]) $(id).addEventListener("change", () => reloadSoon(0));
  $("list").addEventListener("scroll", () => requestAnimationFrame(() => render()));
  window.addEventListener("resize", () => render());
  state.info = await api("/api/info");
  $("title").textContent = state.info.title;
  await load();
  connect();
}

start();
