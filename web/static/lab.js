// sqsim lab: the page's side. The numbers come from sqsim compiled to
// WebAssembly (web/wasm); this file only reads the controls, calls it and
// draws SVG charts. No request leaves the page's origin.
"use strict";

const $ = (id) => document.getElementById(id);
const SVGNS = "http://www.w3.org/2000/svg";

function call(fn, params) {
  const r = JSON.parse(window[fn](JSON.stringify(params)));
  if (r.error) throw new Error(r.error);
  return r.ok;
}

function num(id) {
  const v = Number($(id).value);
  if (!Number.isFinite(v)) throw new Error($(id).labels[0].textContent + ": not a number");
  return v;
}

function el(name, attrs, text) {
  const e = document.createElementNS(SVGNS, name);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  if (text !== undefined) e.textContent = text;
  return e;
}

function niceTicks(lo, hi, n) {
  if (!(hi > lo)) return [lo];
  const step0 = (hi - lo) / n;
  const mag = Math.pow(10, Math.floor(Math.log10(step0)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0);
  const out = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-12 * step; t += step) out.push(+t.toPrecision(12));
  return out;
}

function fmtTick(v) {
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(0) : String(+v.toPrecision(4));
}

// chart draws series [{x, y, color, label, width}] into the element with id.
// opts: logY, xlabel, ylabel, hlines [{y, label}].
function chart(id, series, opts) {
  const W = 900, H = 420, L = 90, R = 20, T = 20, B = 60;
  const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, xmlns: SVGNS });
  const ty = opts.logY ? (v) => Math.log10(Math.max(v, 1e-300)) : (v) => v;
  let xs = [], ys = [];
  for (const s of series) { xs = xs.concat(s.x); ys = ys.concat(s.y.map(ty)); }
  for (const h of opts.hlines || []) ys.push(ty(h.y));
  ys = ys.filter(Number.isFinite);
  let x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) { y0 -= 0.5; y1 += 0.5; }
  const pad = (y1 - y0) * 0.05; y0 -= pad; y1 += pad;
  const px = (x) => L + (x - x0) / (x1 - x0) * (W - L - R);
  const py = (y) => T + (1 - (y - y0) / (y1 - y0)) * (H - T - B);
  svg.appendChild(el("rect", { x: L, y: T, width: W - L - R, height: H - T - B, fill: "#fff", stroke: "#888" }));
  for (const t of niceTicks(x0, x1, 8)) {
    svg.appendChild(el("line", { x1: px(t), x2: px(t), y1: H - B, y2: H - B + 6, stroke: "#333" }));
    svg.appendChild(el("text", { x: px(t), y: H - B + 24, "text-anchor": "middle" }, fmtTick(t)));
  }
  const yt = opts.logY ? niceTicks(Math.ceil(y0), Math.floor(y1), 6).filter((t) => Number.isInteger(t)) : niceTicks(y0, y1, 6);
  for (const t of yt) {
    svg.appendChild(el("line", { x1: L, x2: W - R, y1: py(t), y2: py(t), stroke: "#e4e4e4" }));
    svg.appendChild(el("text", { x: L - 8, y: py(t) + 5, "text-anchor": "end" }, opts.logY ? "1e" + t : fmtTick(t)));
  }
  svg.appendChild(el("text", { x: (L + W - R) / 2, y: H - 12, "text-anchor": "middle" }, opts.xlabel));
  svg.appendChild(el("text", { x: 18, y: (T + H - B) / 2, "text-anchor": "middle", transform: `rotate(-90 18 ${(T + H - B) / 2})` }, opts.ylabel));
  for (const h of opts.hlines || []) {
    svg.appendChild(el("line", { x1: L, x2: W - R, y1: py(ty(h.y)), y2: py(ty(h.y)), stroke: "#c0392b", "stroke-dasharray": "8 6", "stroke-width": 2 }));
    svg.appendChild(el("text", { x: W - R - 6, y: py(ty(h.y)) - 6, "text-anchor": "end", fill: "#c0392b" }, h.label));
  }
  for (const s of series) {
    const pts = s.x.map((x, i) => [x, ty(s.y[i])]).filter((p) => Number.isFinite(p[1]));
    if (pts.length === 0) continue;
    const d = pts.map((p, i) => (i ? "L" : "M") + px(p[0]).toFixed(1) + " " + py(p[1]).toFixed(1)).join(" ");
    svg.appendChild(el("path", { d, fill: "none", stroke: s.color, "stroke-width": s.width || 3 }));
    if (pts.length <= 60) for (const p of pts) svg.appendChild(el("circle", { cx: px(p[0]), cy: py(p[1]), r: 4, fill: s.color }));
    if (s.label) svg.appendChild(el("title", {}, s.label));
  }
  const box = $(id);
  box.replaceChildren(svg);
}

// ---- 1. the game ----
// vec shows an answer: a number, or the first coordinates of a vector.
function vec(v) {
  if (!v) return "—";
  const f = (x) => x.toPrecision(5);
  if (v.length === 1) return f(v[0]);
  return "[" + v.slice(0, 2).map(f).join(", ") + (v.length > 2 ? ", …" : "") + "] (" + v.length + ")";
}

let game = null, shown = 0, revealed = false;

function showRecords(n) {
  shown = Math.min(n, game.records.length);
  const recs = game.records.slice(0, shown);
  const tb = $("g-table").tBodies[0];
  tb.replaceChildren();
  for (const r of recs.slice(-300)) {
    const tr = document.createElement("tr");
    for (const v of [r.seq + 1, r.query, r.method + (r.forced ? " (forced)" : ""), vec(r.answer), revealed ? vec(r.truth) : "hidden until “Reveal S”",
      r.answer ? r.deviation.toPrecision(3) + " ≤ " + r.effective_tol : "τ = " + r.effective_tol,
      (r.eliminated_kind === "exact" ? "" : "≤ ") + r.eliminated, (r.survivors_kind === "exact" ? "" : "≥ ") + r.survivors]) {
      const td = document.createElement("td"); td.textContent = String(v); tr.appendChild(td);
    }
    tb.appendChild(tr);
  }
  $("g-table").hidden = false;
  const x = [0].concat(recs.map((r) => r.seq + 1));
  const y = [Number(game.supports)].concat(recs.map((r) => Number(r.survivors)));
  chart("g-chart", [{ x, y, color: "#0b5394", label: "surviving supports" }],
    { logY: true, xlabel: "queries", ylabel: "surviving supports", hlines: [{ y: 1, label: "1 support: S identified" }] });
  const done = shown >= game.records.length;
  $("g-step").disabled = done;
  $("g-all").disabled = done;
  $("g-reveal").disabled = !done;
  $("g-verdict").hidden = !done;
  $("status").textContent = done ? `Game over after ${game.queries} queries.` : `Query ${shown} of ${game.queries}.`;
}

function playGame(ev) {
  ev.preventDefault();
  $("g-error").textContent = "";
  try {
    game = call("sqsimGame", { d: num("g-d"), k: num("g-k"), eta: num("g-eta"), tau: num("g-tau"), learner: $("g-learner").value, seed: num("g-seed") });
  } catch (e) { $("g-error").textContent = e.message; return; }
  $("game-queries").textContent = `${game.queries} (${game.scalar_queries} scalar)`;
  $("game-supports").textContent = game.supports;
  $("game-survivors").textContent = (game.survivors_kind === "exact" ? "" : "≥ ") + game.survivors;
  $("game-identified").textContent = String(game.identified);
  $("game-loss").textContent = String(game.loss);
  $("game-optS").textContent = String(game.optS);
  $("game-opt0").textContent = String(game.opt0);
  $("game-support").textContent = "hidden: press “Reveal S”";
  $("g-verdict").dataset.support = "";
  revealed = false;
  $("game-queries").dataset.value = game.queries;
  showRecords(Math.min(1, game.records.length));
  $("g-step").focus();
}

function revealS() {
  $("game-support").textContent = "S = {" + game.support.join(", ") + "}" +
    (game.note ? " — " + game.note : "") + ` (the truth picked among ${game.examined} survivors)`;
  $("g-verdict").dataset.support = JSON.stringify(game.support);
  revealed = true;
  showRecords(shown);
}

// ---- 2. a learner on a world ----
function runLearner(ev) {
  ev.preventDefault();
  $("r-error").textContent = "";
  let r;
  const world = $("r-world").value;
  try {
    r = call("sqsimRun", { world, d: num("r-d"), k: 2, oracle: $("r-oracle").value, tol: num("r-tol"), seed: num("r-seed"),
      learner: $("r-learner").value, options: { steps: String(num("r-steps")) } });
  } catch (e) { $("r-error").textContent = e.message; return; }
  $("run-loss").textContent = String(r.loss);
  $("run-opt").textContent = String(r.opt);
  $("run-queries").textContent = `${r.queries} (${r.scalar_queries} scalar)`;
  $("run-queries").dataset.value = r.queries;
  $("run-cost").textContent = String(r.cost);
  $("run-oracle").textContent = r.oracle + (r.support ? ` — planted S = {${r.support.join(", ")}}` : "");
  $("run-steps").textContent = String((r.step_loss || []).length);
  $("r-summary").hidden = false;
  const y = r.step_loss && r.step_loss.length ? r.step_loss : [r.loss];
  chart("r-chart", [{ x: y.map((_, i) => i + 1), y, color: "#2e7d32", label: "loss" }],
    { logY: world !== "parity", xlabel: "step", ylabel: "exact loss", hlines: [{ y: r.opt > 0 ? r.opt : Math.min(...y.filter((v) => v > 0)), label: r.opt > 0 ? "opt" : "" }] });
  $("status").textContent = `Run done: ${r.learner}, final loss ${r.loss}.`;
}

// ---- 3. the landscape ----
function drawLandscape(ev) {
  if (ev) ev.preventDefault();
  $("l-error").textContent = "";
  let r;
  try { r = call("sqsimLandscape", { d: num("l-d"), k: num("l-k"), seed: num("l-seed") }); } catch (e) { $("l-error").textContent = e.message; return; }
  const series = r.curves.map((c) => {
    const g = Math.round(200 * (1 - c.t));
    return { x: c.r, y: c.loss, color: `rgb(${g},${g},${Math.min(255, g + 60)})`, label: `t = ${c.t.toFixed(2)}, cos(u_t, u_S) = ${c.cos.toFixed(3)}`, width: c.t === 0 || c.t === 1 ? 4 : 2 };
  });
  chart("l-chart", series, { xlabel: "r (norm of the weights)", ylabel: "exact loss L_S(r u_t)", hlines: [{ y: r.opt0, label: "opt_0" }, { y: r.optS, label: "opt_S" }] });
  const c0 = r.curves[0];
  $("l-summary").textContent = `From the random direction u (t = 0, cos = ${c0.cos.toFixed(3)}) the best loss is ${c0.min_loss.toPrecision(6)}, against opt_0 = ${r.opt0.toPrecision(6)}; along u_S it reaches opt_S = ${r.optS.toPrecision(6)} at r* = ${r.r_star.toPrecision(4)}. S = {${r.support.join(", ")}}.`;
}

function fill(id, names, pick) {
  const s = $(id);
  s.replaceChildren(...names.map((n) => { const o = document.createElement("option"); o.value = o.textContent = n; if (n === pick) o.selected = true; return o; }));
}

window.sqsimReady = function () {
  const t = (performance.now() / 1000).toFixed(2);
  const learners = call("sqsimLearners", null);
  const wo = call("sqsimWorlds", null);
  fill("g-learner", learners, "gd");
  fill("r-learner", learners.filter((n) => n !== "random"), "gd");
  fill("r-world", wo.worlds, "realizable");
  fill("r-oracle", wo.oracles, "exact");
  $("game-form").addEventListener("submit", playGame);
  $("g-step").addEventListener("click", () => showRecords(shown + 1));
  $("g-all").addEventListener("click", () => showRecords(game.records.length));
  $("g-reveal").addEventListener("click", revealS);
  $("run-form").addEventListener("submit", runLearner);
  $("land-form").addEventListener("submit", drawLandscape);
  drawLandscape();
  document.body.dataset.ready = t;
  $("status").textContent = `Ready (sqsim loaded in ${t} s).`;
};

(async function () {
  const go = new Go();
  try {
    const res = await WebAssembly.instantiateStreaming(fetch("lab.wasm"), go.importObject);
    go.run(res.instance);
  } catch (e) {
    $("status").textContent = "Could not start sqsim's WebAssembly module: " + e.message;
    document.body.dataset.error = e.message;
  }
})();
