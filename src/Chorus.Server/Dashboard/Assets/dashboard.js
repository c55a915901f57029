// The Chorus dashboard: one EventSource on /api/events. The first event ("state") carries the
// status, the chart history and the timeline; then one "tick" a second carries the status, the
// newest chart point and the timeline. Everything is drawn with the DOM and SVG, no libraries.
"use strict";

const WINDOW_MS = 5 * 60 * 1000;        // the charts show the last five minutes
const STALE_AFTER_MS = 3500;            // no tick for this long: the node is paused, busy or gone
const COLORS = ["#dc2626", "#059669", "#7c3aed", "#d97706", "#0891b2", "#db2777", "#4b5563", "#65a30d"];

const page = { history: [], status: null, lastTickAt: 0, colors: new Map() };

function $(id) { return document.getElementById(id); }

function element(tag, text, className) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (className) e.className = className;
  return e;
}

function number(value) { return value === null || value === undefined ? "—" : Number(value).toLocaleString("en-US"); }

function colorOf(id) {
  if (!page.colors.has(id)) page.colors.set(id, COLORS[page.colors.size % COLORS.length]);
  return page.colors.get(id);
}

function setConnection(state, text) {
  const c = $("connection");
  c.dataset.state = state;
  c.textContent = text;
}

function renderSummary(s) {
  document.title = `Chorus · ${s.node} (${s.role})`;
  $("node").textContent = s.ring
    ? `this node: ${s.node} · a replica of a leaderless ring (version ${s.ring.ringVersion}) · ${number(s.ring.keysStored)} keys`
    : `this node: ${s.node}${s.sites ? " (site " + s.sites.site + ")" : ""} · ${s.role} · last LSN ${number(s.lastLsn)} · flushed ${number(s.flushedLsn)}`;
  $("leader").textContent = s.leader ?? "none";
  $("epoch").textContent = number(s.epoch);
  const ack = s.acks;
  $("ack").textContent = ack.mode + (ack.state ? ` · ${ack.state}` : "");
  $("ack").classList.toggle("degraded", ack.state === "degraded");
  $("ack-detail").textContent = `level ${ack.level}, timeout ${ack.timeoutMs} ms (${ack.onTimeout}); ${ack.degradations} degradations, ${ack.timedOutWrites} timed-out writes`;
  $("failover").textContent = `${s.failover.mode} · ${s.failover.state}`;
  $("failover-detail").textContent = `${s.failover.electionsStarted} elections started here, elected ${s.failover.timesElected}×`;
  $("rollbacks").textContent = number(s.rollbacks);
  $("rollbacks-detail").textContent = `${number(s.rolledBackEntries)} entries kept in rollback files`;
  const snap = s.snapshot;
  $("snapshot").textContent = snap.state === "none" && snap.installed === 0 && snap.served === 0
    ? ""
    : `Snapshots: ${snap.state}${snap.source ? " from " + snap.source : ""}` +
      (snap.bytesTotal > 0 ? ` (${number(snap.bytesDone)} of ${number(snap.bytesTotal)} bytes)` : "") +
      `; installed ${snap.installed}, served ${snap.served}.`;
}

function renderMembers(s) {
  const body = $("members").tBodies[0];
  body.replaceChildren(...s.members.map(m => {
    const row = element("tr");
    row.dataset.member = m.id;
    row.dataset.role = m.role;
    if (m.self) row.classList.add("self");
    const lagging = m.lagEntries !== null && m.role !== "leader" && m.lagMs >= 1000;
    const cells = [
      element("td", m.id),
      element("td"),
      element("td", m.memberRole),
      element("td", m.state ?? "unknown here"),
      element("td", number(m.appliedLsn)),
      element("td", number(m.flushedLsn)),
      element("td", number(m.lagEntries), lagging ? "lagging" : ""),
      element("td", number(m.lagMs), lagging ? "lagging" : ""),
      element("td", m.ackLatencyMs === null ? "—" : m.ackLatencyMs.toFixed(2)),
      element("td", m.endpoint || "—"),
      element("td", null, "action"),
    ];
    if (canAct(s) && !m.self && m.role !== "leader") {
      const button = element("button", `Fail over to ${m.id}`);
      button.type = "button";
      button.dataset.failover = m.id;
      cells[10].append(button);
    }
    cells[1].append(element("span", m.role, `badge ${m.role}`));
    cells[6].dataset.lagEntries = m.lagEntries ?? "";
    cells[7].dataset.lagMs = m.lagMs ?? "";
    row.append(...cells);
    return row;
  }));
  $("members-note").textContent = s.role === "leader"
    ? "This node leads: it sees every follower's progress."
    : "This node follows: it knows its own progress and the leader's last LSN; the leader's dashboard shows every follower.";
}

// Parts of the page only one family has: marked data-family="leader" (single-leader and each
// multi-leader site, which is a single-leader group), "multi-leader" or "leaderless".
function showFamily(family) {
  for (const e of document.querySelectorAll("[data-family]")) {
    const wanted = e.dataset.family;
    e.hidden = !(wanted === family || (wanted === "leader" && family !== "leaderless"));
  }
  document.body.dataset.family = family;
  $("writes-hint").textContent = family === "leaderless" ? "writes coordinated here" : "log entries appended";
}

function renderSites(sites) {
  if (!sites) return;
  $("sites-summary").textContent = `This node's site: ${sites.site} · topology ${sites.topology}` +
    (sites.failedSites.length ? ` · declared failed: ${sites.failedSites.join(", ")}` : "") +
    ` · ${number(sites.changesApplied)} changes from other sites applied, ${number(sites.heldBack)} held back, ${number(sites.duplicates)} duplicates dropped` +
    ` · conflicts ${number(sites.conflicts)} (${number(sites.lostValues)} losing values logged, ${number(sites.resolverFailures)} resolver failures)`;
  $("site-links").tBodies[0].replaceChildren(...sites.links.map(l => {
    const row = element("tr");
    row.dataset.site = l.site;
    row.dataset.direction = l.direction;
    row.dataset.state = l.state;
    const lagging = l.lagMs >= 1000;
    const cells = [
      element("td", l.site),
      element("td", l.direction === "outbound" ? "→ sends to" : "← receives from"),
      element("td"),
      element("td", l.leader ?? "—"),
      element("td", number(l.lagEntries), lagging ? "lagging" : ""),
      element("td", number(l.lagMs), lagging ? "lagging" : ""),
      element("td", number(l.changes)),
    ];
    cells[2].append(element("span", l.state, `badge link-${l.state}`));
    cells[4].dataset.lagEntries = l.lagEntries;
    cells[5].dataset.lagMs = l.lagMs;
    row.append(...cells);
    return row;
  }));
  const notes = [];
  if (sites.homes.length) notes.push(`Home sites: ${sites.homes.join("; ")}.`);
  if (sites.policies.length) notes.push(`Conflict policies: ${sites.policies.join("; ")}.`);
  notes.push(...sites.warnings);
  if (!sites.links.length) notes.push("Only a site's leader keeps the links; open its page to see them.");
  $("sites-note").textContent = notes.join(" ");
}

function renderRing(ring) {
  if (!ring) return;
  const on = (flag, name) => flag ? name : `no ${name}`;
  $("ring-summary").textContent = `Ring version ${ring.ringVersion} · N=${ring.n}, W=${ring.w}, R=${ring.r} · ` +
    [on(ring.sloppyQuorum, "sloppy quorum"), on(ring.hintedHandoff, "hinted handoff"), on(ring.readRepair, "read repair"), on(ring.antiEntropy, "anti-entropy")].join(", ") +
    ` · this node is first for ${(ring.primaryShare * 100).toFixed(1)}% of keys and holds ${(ring.replicaShare * 100).toFixed(1)}%` +
    ` · ${number(ring.keysStored)} keys stored · ${number(ring.hintsPending)} hints pending` +
    (ring.treesBuilt ? "" : " · Merkle trees still building");
  $("ring-peers").tBodies[0].replaceChildren(...ring.peers.map(p => {
    const row = element("tr");
    row.dataset.member = p.id;
    row.dataset.state = p.up ? "up" : "down";
    if (p.self) row.classList.add("self");
    const cells = [
      element("td", p.id),
      element("td"),
      element("td", number(p.lastHeardAgoMs)),
      element("td", number(p.hintsPending), p.hintsPending > 0 ? "lagging" : ""),
      element("td", p.clientEndpoint || "—"),
    ];
    cells[1].append(element("span", p.up ? "up" : "down", `badge link-${p.up ? "up" : "down"}`));
    cells[3].dataset.hints = p.hintsPending;
    row.append(...cells);
    return row;
  }));
  const t = ring.totals;
  $("ring-totals").textContent = `Coordinated here: ${number(t.reads)} reads (${number(t.readsFailed)} failed, ${number(t.readsWithSiblings)} with siblings, at most ${number(t.siblingsMax)}), ` +
    `${number(t.writes)} writes (${number(t.writesFailed)} failed). Read repairs ${number(t.readRepairs)}; hints stored ${number(t.hintsStored)}, delivered ${number(t.hintsDelivered)}; ` +
    `anti-entropy rounds ${number(t.antiEntropyRounds)}${ring.antiEntropyPeer ? " (now with " + ring.antiEntropyPeer + ")" : ""}, ranges differing ${number(t.rangesDiffering)}, keys repaired ${number(t.keysRepaired)}.`;
}

// Actions exist only on a node started with --dashboard-actions true, and only the leader can
// fail over or add a learner. The node checks the caller's user and permissions itself.
function canAct(s) { return s.actionsEnabled && s.role === "leader" && s.family !== "leaderless"; }

function renderActions(s) {
  const on = canAct(s);
  for (const e of document.querySelectorAll(".action")) {
    if (e.id !== "action-result") e.hidden = !on;
  }
  $("mode").textContent = s.actionsEnabled ? "Actions enabled (--dashboard-actions); each asks for an authorized user." : "Read-only.";
}

async function act(body) {
  const result = $("action-result");
  result.hidden = false;
  result.dataset.outcome = "pending";
  result.textContent = `${body.action}…`;
  try {
    const response = await fetch("/api/actions", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const answer = await response.json();
    result.dataset.outcome = response.ok ? "done" : "refused";
    result.textContent = response.ok ? `${answer.command}: ${answer.reply}` : `refused (${response.status}): ${answer.error}`;
  } catch (e) {
    result.dataset.outcome = "refused";
    result.textContent = `failed: ${e}`;
  }
}

function wireActions() {
  $("members").tBodies[0].addEventListener("click", e => {
    const target = e.target.closest("button[data-failover]");
    if (target && confirm(`Fail over to ${target.dataset.failover}? Writes pause until it has caught up and leads.`)) {
      act({ action: "failover", target: target.dataset.failover });
    }
  });
  $("add-learner").addEventListener("submit", e => {
    e.preventDefault();
    const form = new FormData(e.target);
    act({ action: "add-learner", id: form.get("id"), peer: form.get("peer"), client: form.get("client") });
  });
}

function renderTimeline(events) {
  $("timeline").replaceChildren(...events.slice().reverse().map(e => {
    const item = element("li");
    item.dataset.kind = e.kind;
    item.append(element("time", new Date(e.atMs).toLocaleTimeString("en-GB")), element("span", e.text, "what"));
    return item;
  }));
}

// A line chart of the last WINDOW_MS: one polyline per series, y from 0 to a rounded maximum.
function renderChart(svg, series, legend) {
  const width = 600, height = 170, top = 8, bottom = 18, left = 40;
  const now = page.history.length ? page.history[page.history.length - 1].atMs : Date.now();
  const from = now - WINDOW_MS;
  let max = 0;
  for (const s of series) for (const [, y] of s.points) max = Math.max(max, y);
  max = niceCeiling(max);
  const x = t => left + (width - left) * (t - from) / WINDOW_MS;
  const y = v => top + (height - top - bottom) * (1 - v / max);
  const ns = "http://www.w3.org/2000/svg";
  const parts = [];
  for (const fraction of [0, 0.5, 1]) {
    const line = document.createElementNS(ns, "line");
    line.setAttribute("class", "grid");
    line.setAttribute("x1", left); line.setAttribute("x2", width);
    line.setAttribute("y1", y(max * fraction)); line.setAttribute("y2", y(max * fraction));
    const label = document.createElementNS(ns, "text");
    label.setAttribute("x", 2); label.setAttribute("y", y(max * fraction) + 4);
    label.textContent = number(max * fraction);
    parts.push(line, label);
  }
  for (const [text, at] of [["−5 min", from], ["now", now]]) {
    const label = document.createElementNS(ns, "text");
    label.setAttribute("x", at === now ? width - 24 : left); label.setAttribute("y", height - 4);
    label.textContent = text;
    parts.push(label);
  }
  for (const s of series) {
    const line = document.createElementNS(ns, "polyline");
    line.setAttribute("stroke", s.color);
    line.setAttribute("points", s.points.filter(([t]) => t >= from).map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(" "));
    line.dataset.series = s.name;
    parts.push(line);
  }
  svg.replaceChildren(...parts);
  if (legend) {
    legend.replaceChildren(...series.map(s => {
      const key = element("span", s.name);
      const swatch = element("i");
      swatch.style.background = s.color;
      key.prepend(swatch);
      return key;
    }));
  }
}

function niceCeiling(value) {
  if (value <= 0) return 1;
  const power = Math.pow(10, Math.floor(Math.log10(value)));
  for (const step of [1, 2, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}

function renderCharts() {
  const names = [...new Set(page.history.flatMap(p => Object.keys(p.lag)))].sort();
  const lagSeries = pick => names.map(name => ({
    name, color: colorOf(name),
    points: page.history.filter(p => p.lag[name]).map(p => [p.atMs, pick(p.lag[name])]),
  }));
  renderChart($("chart-entries"), lagSeries(l => l.entries), $("legend-entries"));
  renderChart($("chart-ms"), lagSeries(l => l.ms), $("legend-ms"));
  renderChart($("chart-writes"), [{ name: "writes/s", color: "#1d4ed8", points: page.history.map(p => [p.atMs, p.writesPerSecond]) }]);
  const last = page.history[page.history.length - 1];
  $("writes").textContent = last ? number(last.writesPerSecond) : "—";
  $("commands").textContent = last ? number(last.commandsPerSecond) : "—";
}

function render(status, timeline) {
  page.status = status;
  showFamily(status.family);
  renderSummary(status);
  renderMembers(status);
  renderActions(status);
  renderSites(status.sites);
  renderRing(status.ring);
  renderTimeline(timeline);
  renderCharts();
}

function connect() {
  const events = new EventSource("/api/events");
  events.addEventListener("state", e => {
    const state = JSON.parse(e.data);
    page.history = state.history;
    page.lastTickAt = Date.now();
    setConnection("live", "live");
    render(state.status, state.timeline);
  });
  events.addEventListener("tick", e => {
    const tick = JSON.parse(e.data);
    page.history.push(tick.sample);
    const from = tick.sample.atMs - WINDOW_MS;
    while (page.history.length && page.history[0].atMs < from) page.history.shift();
    page.lastTickAt = Date.now();
    setConnection("live", "live");
    render(tick.status, tick.timeline);
  });
  // The browser reconnects by itself (the stream asks for a retry every second).
  events.onerror = () => setConnection("reconnecting", "reconnecting…");
}

setInterval(() => {
  if (page.lastTickAt && Date.now() - page.lastTickAt > STALE_AFTER_MS && ["live", "stale"].includes($("connection").dataset.state)) {
    setConnection("stale", `no update for ${Math.round((Date.now() - page.lastTickAt) / 1000)} s`);
  }
}, 1000);

wireActions();
connect();
