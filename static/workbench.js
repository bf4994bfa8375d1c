// §4's workbench (ui/workbench.py mounts it): the 8×8 input x, the 3×3 filter w as nine sliders, the feature map y,
// padding / stride / activation, and the step-through with the slide's formula — all computed HERE, in the browser.
//
// A drag redraws the map on every animation frame; nothing goes to the server until the edit ends: a pointer
// released, a click, or QUIET_MS without keys. Then ONE commit (setStateValue("commit", …)) carries the whole
// compact state with a sequence number; the server keeps it in the page's record and echoes the number back as
// data.ack. Data from the server replaces the local state only when no edit of ours is pending (ack ≥ sent), so a
// slow round trip never pulls a slider back under the student's hand.
//
// Streamlit calls the default export again with new data on every rerun (the DOM of the previous call stays), so
// everything here is find-or-create. The maths mirrors cnnlib/convolution.py (conv2d, explain_cell, formula,
// activate, output_size_formula) and ui/charts.py (the map's labels and colours); tests/test_browser_workbench.py
// compares the browser's numbers with cnnlib's. Words come as data and are set with textContent only.
// static/pooling.js (§5's step-through) imports the number formatting, the colours and the helpers from here.

const WAIT_MS = 3000; // a commit waits at most this long for the one in flight to be acknowledged
export const RESEND_MS = 10000; // pooling.js: a commit not applied by then is sent again (a rerun lost: never stuck pending)
const QUIET_MS = 300; // a pause in keys that ends an edit
const PLAY_MS = 800; // the window's pace while playing
const SIZE = 8; // the input is 8×8, the filter 3×3 (links/pages.py SIZE)
const K = 3;
const HIGHLIGHT = "#f5b800"; // ui/charts.py HIGHLIGHT: the window and the current cell
const RING = "#4da3ff"; // the dashed edge of the input inside its zero ring (ui/arithmetic.py input_figure)
export const INTERACTIVE = 'input, textarea, select, button, a[href], summary, [contenteditable="true"], [role="slider"], ' +
  '[role="button"], [role="radio"], [role="checkbox"], [role="switch"], [role="combobox"], [role="listbox"], ' +
  '[role="option"], [role="tab"], [role="menuitem"], [role="grid"], [role="dialog"]';
const KITS = new Map(); // words and colour scale by id: sent once per page load (ui/workbench.py)
const BENCHES = new WeakMap(); // parentElement → its Bench

// ---- numbers as Python writes them ------------------------------------------------------------------------------

// |v| as its decimal digits: {digits, point} with |v| = 0.digits × 10^point (digits without leading or trailing zeros).
// 101 significant digits, correctly rounded: a double's value whenever it matters for rounding to 6 (a tie is exact).
function exact(v) {
  const [mant, e] = Math.abs(v).toExponential(100).split("e");
  return { digits: mant.replace(".", "").replace(/0+$/, ""), point: Number(e) + 1 };
}

// digits rounded to n places, half to even as Python does; returns [digits (n long), carried (a new leading 1)]
function roundDigits(digits, n) {
  if (n < 0) return ["", false];
  const head = digits.slice(0, n).padEnd(n, "0");
  const rest = digits.slice(n);
  const up = rest === "" ? false : rest[0] > "5" || (rest[0] === "5" && (/[1-9]/.test(rest.slice(1)) ||
    (n > 0 ? Number(head[n - 1]) % 2 === 1 : false)));
  if (!up) return [head, false];
  const out = head.split("");
  let i = n - 1;
  while (i >= 0 && out[i] === "9") out[i--] = "0";
  if (i < 0) return ["1" + out.join(""), true];
  out[i] = String(Number(out[i]) + 1);
  return [out.join(""), false];
}

function signOf(v) {
  return v < 0 || Object.is(v, -0) ? "-" : "";
}

// f"{v:.{places}f}"
export function fixed(v, places) {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
  const { digits, point } = exact(v);
  let text;
  if (digits === "") text = "0".repeat(places + 1);
  else {
    const keep = point + places; // digits kept: all before the point and `places` after
    if (keep < 0) text = "0".repeat(places + 1);
    else {
      let [kept, carried] = roundDigits(digits, keep);
      if (keep === 0) kept = carried ? "1" : "";
      text = kept.padStart(places + 1, "0");
    }
  }
  const body = places ? `${text.slice(0, -places)}.${text.slice(-places)}` : text;
  return signOf(v) + body;
}

// f"{v:g}": six significant digits, trailing zeros dropped, exponent form below 1e-4 and from 1e6
export function g(v) {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
  if (v === 0) return signOf(v) + "0";
  const { digits, point } = exact(v);
  const [kept, carried] = roundDigits(digits, 6);
  const exp = point - 1 + (carried ? 1 : 0); // the rounded value's exponent: d.ddddd × 10^exp
  const sig = kept.slice(0, 6);
  if (exp < -4 || exp >= 6) {
    const mant = (sig[0] + "." + sig.slice(1)).replace(/\.?0+$/, "");
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${signOf(v)}${mant}e${exp < 0 ? "-" : "+"}${e}`;
  }
  let text;
  if (exp >= 0) text = sig.slice(0, exp + 1) + "." + sig.slice(exp + 1);
  else text = "0." + "0".repeat(-exp - 1) + sig;
  return signOf(v) + text.replace(/\.?0+$/, "").replace(/\.$/, "");
}

// ui/charts.py _fmt: the numbers written on a map's cells
export function label(v) {
  if (Number.isNaN(v)) return "";
  if (Number.isInteger(v)) return String(v === 0 ? 0 : v);
  return fixed(v, 2).replace(/0+$/, "").replace(/\.$/, "");
}

// ---- the lecture's maths (cnnlib/convolution.py) ----------------------------------------------------------------

export function outputSize(n, k, stride, padding) {
  if (padding === "same") return Math.ceil(n / stride);
  return n >= k ? Math.floor((n - k) / stride) + 1 : 0;
}

export function paddingAmounts(n, k, stride, padding) {
  if (padding === "valid") return [0, 0];
  const total = Math.max((outputSize(n, k, stride, padding) - 1) * stride + k - n, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

export function activate(y, name) {
  if (name === "relu") return Math.max(y, 0);
  if (name === "swish") return y / (1 + Math.exp(-y));
  return y;
}

// The feature map and, for one output cell, the slide's terms: the SAME windows, as in cnnlib.
export function convolve(s) {
  const { x, w, stride, pad } = s;
  const [top] = paddingAmounts(SIZE, K, stride, pad);
  const [left] = paddingAmounts(SIZE, K, stride, pad);
  const oh = outputSize(SIZE, K, stride, pad);
  const ow = outputSize(SIZE, K, stride, pad);
  const raw = [];
  const y = [];
  for (let i = 0; i < oh; i++) {
    const rawRow = [];
    const row = [];
    for (let j = 0; j < ow; j++) {
      let total = 0;
      for (let a = 0; a < K; a++) {
        for (let b = 0; b < K; b++) {
          const r = i * stride - top + a;
          const c = j * stride - left + b;
          const xv = r >= 0 && r < SIZE && c >= 0 && c < SIZE ? x[r * SIZE + c] : 0;
          total += xv * w[a * K + b];
        }
      }
      rawRow.push(total);
      row.push(activate(total, s.act));
    }
    raw.push(rawRow);
    y.push(row);
  }
  return { raw, y, oh, ow, top, left };
}

export function explain(s, map, k) {
  const row = Math.floor((k - 1) / map.ow);
  const col = (k - 1) % map.ow;
  const top = row * s.stride - map.top;
  const left = col * s.stride - map.left;
  const terms = [];
  for (let a = 0; a < K; a++) {
    for (let b = 0; b < K; b++) {
      const r = top + a;
      const c = left + b;
      const inside = r >= 0 && r < SIZE && c >= 0 && c < SIZE;
      terms.push({ xi: inside ? r * SIZE + c + 1 : null, x: inside ? s.x[r * SIZE + c] : 0, wi: a * K + b + 1, w: s.w[a * K + b] });
    }
  }
  return { k, row, col, top, left, terms, total: map.raw[row][col] };
}

export function formula(step, numbers) {
  const num = (v) => (v < 0 ? `(${g(v)})` : g(v));
  if (numbers) return `y${step.k} = ${step.terms.map((t) => `${num(t.x)}·${num(t.w)}`).join(" + ")} = ${g(step.total)}`;
  return `y${step.k} = ${step.terms.map((t) => `${t.xi === null ? "0" : `x${t.xi}`}·w${t.wi}`).join(" + ")}`;
}

export function sizeFormula(stride, pad, secret = false) {
  const out = secret ? "?" : outputSize(SIZE, K, stride, pad);
  return pad === "same" ? `⌈${SIZE} / ${stride}⌉ = ${out}` : `⌊(${SIZE} − ${K}) / ${stride}⌋ + 1 = ${out}`;
}

// ---- colours (ui/charts.py: blue < 0 < red, white at 0) ---------------------------------------------------------

export function parseScale(scale) {
  return scale.map(([at, colour]) => [at, colour.match(/\d+/g).map(Number)]);
}

export function colourAt(scale, t) {
  const u = Math.min(1, Math.max(0, t));
  for (let i = 1; i < scale.length; i++) {
    const [a, ca] = scale[i - 1];
    const [b, cb] = scale[i];
    if (u <= b) {
      const f = b === a ? 0 : (u - a) / (b - a);
      return ca.map((v, n) => Math.round(v + (cb[n] - v) * f));
    }
  }
  return scale[scale.length - 1][1];
}

export function rgb(c) {
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

export function dark(c) {
  return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2] < 140;
}

// ---- words ----------------------------------------------------------------------------------------------------

export function fill(text, values) {
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

export function el(tag, cls, parent, attrs) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  if (parent) parent.appendChild(node);
  return node;
}

// ---- commits: what goes to the server, and when (§4's workbench and §5's step-through, static/pooling.js) ----------

// An edit marks the state dirty; soon(wait) commits it after `wait` ms without another edit. ONE commit is in flight
// at a time: the next is sent when the server's acknowledgement (data.ack ≥ its number) arrives, or after WAIT_MS
// without one. Two commits in quick succession (play, then pause) queued two reruns of the fragment that holds the
// element, which Streamlit could run in one script run: the element was drawn twice, the first copy never updated
// again. With `resendMs` (§5's step-through: RESEND_MS), a commit still unacknowledged by then is sent again (a rerun
// was lost: never stuck pending); its state is whole, so sending it twice changes nothing else. §4 and §3 do not
// resend: on a slow server a resent commit could queue a second rerun of their fragment while the first is under way.
export class Commits {
  constructor(root, send, resendMs = null) {
    this.root = root; // its data-pending / data-sent / data-ack tell tests (tests/browser.py wait_committed) where it is
    this.send = send; // send(seq): the host's setStateValue("commit", {seq, …its state}); false while it cannot
    this.seq = 0; // the last commit's number
    this.sent = 0;
    this.ack = 0;
    this.dirty = false; // an edit not committed yet
    this.timer = null; // the pending commit
    this.waiting = null; // a commit waiting for the one in flight
    this.resend = null; // the resend of an unacknowledged commit
    this.resendMs = resendMs;
  }

  // an edit not yet committed, or committed and not yet applied by the server
  pending() {
    return this.dirty || this.timer !== null || this.sent > this.ack;
  }

  mark() {
    this.root.dataset.pending = this.pending() ? "1" : "0";
  }

  soon(wait) {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.now();
      this.mark();
    }, wait);
    this.mark();
  }

  // the server's acknowledgement, in each render's data: the commit waiting for it goes now
  acked(ack) {
    this.ack = Math.max(this.ack, ack || 0);
    this.root.dataset.ack = String(ack || 0);
    if (this.dirty && this.timer === null && this.ack >= this.sent) this.now();
  }

  now(force = false) {
    if (!this.dirty) return;
    if (!force && this.sent > this.ack) { // sent by acked() once the server has applied the one in flight …
      if (!this.waiting) this.waiting = setTimeout(() => { // … or after WAIT_MS without it (a rerun lost)
        this.waiting = null;
        if (this.root.isConnected) this.now(true);
        this.mark();
      }, WAIT_MS);
      return;
    }
    const seq = Math.max(this.seq, this.ack) + 1;
    if (this.send(seq) === false) return;
    if (this.waiting) clearTimeout(this.waiting);
    this.waiting = null;
    this.seq = this.sent = seq;
    this.dirty = false;
    this.root.dataset.sent = String(seq);
    this.mark();
    if (this.resend !== null) clearTimeout(this.resend);
    if (this.resendMs === null) return;
    this.resend = setTimeout(() => {
      this.resend = null;
      if (this.sent > this.ack && this.root.isConnected) {
        this.dirty = true;
        this.now(true);
      }
    }, this.resendMs);
  }

  // the element goes (another page, a rerun without it): an edit in progress or waiting is sent, not lost
  flush() {
    for (const name of ["timer", "waiting", "resend"]) {
      if (this[name] !== null) clearTimeout(this[name]);
      this[name] = null;
    }
    if (this.dirty) this.now(true);
  }
}

// ---- the workbench ----------------------------------------------------------------------------------------------

// ---- class mode: a following student's live channel (services/class_live.py) ----
// data.live = {token, v, page, path} while the student follows the teacher: the teacher's next edits come on a
// WebSocket as {v, page, state} (the same text for every student) and are drawn here at once, with no script run.
// The server's own data wins again as soon as it is at least as new (its live.v ≥ the last message's v). A token
// the server does not know (close code 4404) ends the trying: the server reruns the page for each edit instead.
export class Live {
  constructor(apply) {
    this.apply = apply; // apply(state): draw the teacher's state
    this.socket = null;
    this.token = null;
    this.page = null;
    this.v = 0; // the newest version drawn (the server's data or a message)
    this.state = null; // the last message's state while it is newer than the server's data
    this.retry = 1000;
    this.timer = null;
    this.refused = null; // a token the server closed as unknown: never tried again
  }

  follow(live, base) {
    if (!live) {
      this.close();
      this.state = null;
      return null;
    }
    if (live.v >= this.v) {
      this.v = live.v;
      this.state = null;
    }
    this.page = live.page;
    if (live.token === this.refused) return this.state; // this server does not know it: reruns bring the edits
    if (this.token !== live.token || (!this.socket && !this.timer)) {
      this.close();
      this.token = live.token;
      this.open(live, base);
    }
    return this.state;
  }

  open(live, base) {
    const root = String(base || "").replace(/^\/+|\/+$/g, "");
    const url = new URL(`${root ? "/" + root : ""}${live.path}?token=${encodeURIComponent(live.token)}`, window.location.origin);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    let socket;
    try {
      socket = new WebSocket(url.href);
    } catch (e) {
      return;
    }
    this.socket = socket;
    socket.onopen = () => { this.retry = 1000; };
    socket.onmessage = (event) => {
      let msg = null;
      try { msg = JSON.parse(event.data); } catch (e) { return; }
      if (!msg || msg.page !== this.page || !(msg.v > this.v) || !msg.state) return;
      this.v = msg.v;
      this.state = msg.state;
      this.apply(msg.state);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (event.code === 4404) this.refused = live.token;
      if (event.code === 4404 || !this.token) return;
      this.timer = setTimeout(() => {
        this.timer = null;
        if (!this.socket && this.token === live.token) this.open(live, base);
      }, this.retry);
      this.retry = Math.min(this.retry * 2, 30000);
    };
  }

  close() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.token = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) socket.close();
  }
}

class Bench {
  constructor(parent) {
    this.parent = parent;
    this.s = null; // the state shown: {x: 64 numbers, w: 9, pad, stride, act, cell}
    this.playing = null; // the play interval
    this.frame = null; // the pending animation frame
    this.via = "pointer"; // how the current edit is made: "pointer" commits on release, "key" after QUIET_MS
    this.build();
    this.live = new Live((state) => this.render({ ...this.data, state }));
    this.commits = new Commits(this.root, (seq) => {
      if (!this.setStateValue) return false;
      const s = this.s;
      this.setStateValue("commit", { seq, x: s.x, x_preset: s.x_preset, x_arg: s.x_arg, w: s.w, pad: s.pad,
        stride: s.stride, act: s.act, cell: s.cell, playing: this.playing !== null, kit: this.kit.id });
    });
  }

  build() {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    if ("adoptedStyleSheets" in this.parent) this.parent.adoptedStyleSheets = [sheet];
    const root = (this.root = el("div", "wb", this.parent, { role: "group" }));
    const top = el("div", "top", root);

    const cx = el("section", "col col-x", top);
    this.xTitle = el("div", "title", cx);
    // the input's presets: four / blank / random / digit (the server draws them: a commit names the preset)
    const inputRow = el("div", "pick", cx);
    this.inputPick = el("select", "", inputRow);
    this.inputPick.addEventListener("change", () => {
      const preset = this.inputPick.value;
      this.edit({ x_preset: preset, x_arg: preset === "digit" ? 4 : preset === "random" ? this.seed() : 0 });
      this.commitSoon();
    });
    this.digitPick = el("select", "", inputRow);
    for (let d = 0; d < 10; d++) el("option", "", this.digitPick, { value: String(d) }).textContent = String(d);
    this.digitPick.addEventListener("change", () => {
      this.edit({ x_preset: "digit", x_arg: Number(this.digitPick.value) });
      this.commitSoon();
    });
    this.reroll = el("button", "small", inputRow, { type: "button" });
    this.reroll.addEventListener("click", () => {
      this.edit({ x_preset: "random", x_arg: this.seed() });
      this.commitSoon();
    });
    this.xGrid = el("div", "xgrid", cx, { "data-testid": "input-grid", role: "group" });
    this.radios = {};
    for (const [name, options, row] of [["pad", ["valid", "same"], false], ["stride", [1, 2, 3], true],
      ["act", ["none", "relu", "swish"], true]]) {
      const set = el("fieldset", row ? "radios row" : "radios", cx);
      const legend = el("legend", "", set);
      const group = `${name}-${this.uid()}`; // one name per group: the arrow keys move within it, one tab stop
      const inputs = options.map((value) => {
        const item = el("label", "", set);
        const input = el("input", "", item, { type: "radio", name: group, value: String(value) });
        const text = el("span", "", item);
        input.addEventListener("change", () => {
          if (!input.checked) return;
          this.edit({ [name]: name === "stride" ? Number(value) : value });
          this.commitSoon();
        });
        return { input, text, value };
      });
      this.radios[name] = { legend, inputs };
    }
    this.actNote = el("p", "note", cx);

    const cw = el("section", "col col-w", top);
    this.wTitle = el("div", "title", cw);
    // the filter's presets apply at once, here; after an edit the choice says "custom" (cnnlib's exact comparison)
    this.filterPick = el("select", "", el("div", "pick", cw));
    this.filterPick.addEventListener("change", () => {
      const grid = this.kit.filters[this.filterPick.value];
      if (grid) this.edit({ w: grid.slice() });
      this.commitSoon();
    });
    const wGrid = el("div", "wgrid", cw);
    this.sliders = [];
    for (let i = 0; i < K * K; i++) {
      const cell = el("div", "wcell", wGrid);
      const head = el("div", "whead", cell, { "aria-hidden": "true" });
      el("span", "wname", head).textContent = `w${i + 1}`;
      const value = el("span", "wval", head);
      const input = el("input", "", cell, { type: "range", "aria-label": `w${i + 1}` });
      input.addEventListener("input", () => {
        const w = this.s.w.slice();
        w[i] = Number(input.value);
        this.edit({ w });
      });
      input.addEventListener("change", () => this.commitSoon());
      this.sliders.push({ input, value });
    }

    const cy = el("section", "col col-y", top);
    const head = el("div", "yhead", cy);
    this.yTitle = el("div", "title", head);
    this.pngButton = el("button", "small", head, { type: "button" });
    this.pngButton.addEventListener("click", () => this.savePng());
    const yrow = el("div", "yrow", cy);
    this.yMap = el("div", "ymap", yrow, { "data-testid": "feature-map", tabindex: "0", role: "img" });
    this.hoverK = null; // the map cell under the pointer; else, while the map has focus, the current cell says where it is
    this.mapFocused = false;
    this.yMap.addEventListener("pointerover", (e) => {
      const cell = e.target.closest(".yc");
      this.hoverK = cell ? Number(cell.dataset.k) : null;
      this.tip();
    });
    this.yMap.addEventListener("pointerleave", () => { this.hoverK = null; this.tip(); });
    this.yMap.addEventListener("focus", () => { this.mapFocused = true; this.tip(); });
    this.yMap.addEventListener("blur", () => { this.mapFocused = false; this.tip(); });
    this.yMap.addEventListener("click", (e) => {
      const cell = e.target.closest(".yc");
      if (!cell) return;
      this.stop();
      this.edit({ cell: Number(cell.dataset.k) });
      this.commitSoon();
    });
    this.bar = el("div", "bar", yrow, { "aria-hidden": "true" });
    const ticks = el("div", "ticks", yrow, { "aria-hidden": "true" });
    this.barTicks = [el("span", "", ticks), el("span", "", ticks), el("span", "", ticks)];
    this.tipBox = el("div", "tip", cy, { "data-testid": "map-tip", role: "status" });
    this.size = el("div", "size", cy, { "data-testid": "output-size" });

    const steps = el("section", "steps", root);
    this.stepTitle = el("div", "title", steps);
    const controls = el("div", "controls", steps);
    this.prev = el("button", "", controls, { type: "button", "data-testid": "step-prev" });
    this.next = el("button", "", controls, { type: "button", "data-testid": "step-next" });
    this.play = el("button", "", controls, { type: "button", "data-testid": "step-play" });
    this.prev.addEventListener("click", () => this.step(-1));
    this.next.addEventListener("click", () => this.step(1));
    this.play.addEventListener("click", () => this.togglePlay());
    const cellBox = el("label", "cellbox", controls);
    this.cellLabel = el("span", "", cellBox);
    this.cellInput = el("input", "", cellBox, { type: "range", min: "1", step: "1" });
    this.cellOut = el("output", "", cellBox, { "data-testid": "step-cell" });
    this.cellInput.addEventListener("input", () => {
      this.stop();
      this.edit({ cell: Number(this.cellInput.value) });
    });
    this.cellInput.addEventListener("change", () => this.commitSoon());
    this.f1 = el("code", "formula", steps, { "data-testid": "formula" });
    this.f2 = el("code", "formula", steps, { "data-testid": "formula-numbers" });
    this.activated = el("p", "activated", steps, { "data-testid": "activated" });
    this.windowNote = el("p", "note", steps);

    // how an edit is made decides when it is committed; ← / → / space step and play (not on a control that uses them)
    root.addEventListener("pointerdown", () => { this.via = "pointer"; }, true);
    root.addEventListener("keydown", (e) => this.key(e, e.target), true);
    root.addEventListener("keydown", (e) => this.shortcut(e, e.target));
    // Focus on no control (the page itself, e.g. after a click on the title): → / ← / space still step and play, as
    // a presenter's clicker sends them. Keys on a control (ours are handled above, or Streamlit's) are left alone.
    this.onDocumentKey = (e) => {
      const target = e.composedPath()[0];
      const host = this.parent.host || this.parent;
      if (!this.root.isConnected || !(target instanceof Element) || host.contains(target) || target.closest(INTERACTIVE)) return;
      this.shortcut(e, null);
    };
    document.addEventListener("keydown", this.onDocumentKey);
  }

  seed() {
    return Math.floor(Math.random() * 1000); // "another random drawing": the server draws it from this seed
  }

  filterName(w) {
    for (const [name, grid] of Object.entries(this.kit.filters)) if (grid.every((v, i) => v === w[i])) return name;
    return "custom";
  }

  uid() {
    this.uidCount = (this.uidCount || 0) + 1;
    return `${Math.random().toString(36).slice(2, 8)}${this.uidCount}`;
  }

  key(e) {
    if (!e.ctrlKey && !e.metaKey && !e.altKey) this.via = "key";
  }

  shortcut(e, target) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    const t = target;
    if (t && (t.matches("input, select, textarea") || t.closest(".xgrid"))) return; // arrows belong to the control
    if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
      e.preventDefault();
      this.via = "key";
      this.step(e.key === "ArrowRight" ? 1 : -1);
    } else if ((e.key === " " || e.key === "Spacebar") && !(t && t.matches("button"))) {
      e.preventDefault();
      this.togglePlay();
    }
  }

  // ---- state in, state out ----

  render(data) {
    const newer = this.live.follow(data.live, data.base); // a teacher's edit drawn since this data was made
    if (newer) data = { ...data, state: { ...data.state, ...newer } };
    if (data.kit) KITS.set(data.kit.id, data.kit);
    this.kit = KITS.get(data.kit_id) || this.kit;
    if (!this.kit) { // the server sends a session's words once; this page lacks them (e.g. that run was cut short)
      if (this.setStateValue && this.askedKit !== data.kit_id) {
        this.askedKit = data.kit_id;
        this.setStateValue("need_kit", `${data.kit_id}:${Date.now()}`);
      }
      return;
    }
    this.scale = this.scale && this.scale.id === this.kit.id ? this.scale : { id: this.kit.id, stops: parseScale(this.kit.scale) };
    this.data = data;
    this.commits.acked(data.ack);
    const mine = this.commits.pending();
    if (!this.s || !mine) {
      const cell = this.s && this.playing !== null && data.state.playing ? this.s.cell : data.state.cell;
      this.s = { ...data.state, x: data.state.x.slice(), w: data.state.w.slice(), cell };
      if (data.state.playing) this.startPlay(); // the teacher pressed play: the same frames here
      else this.stop(); // paused (here or by the teacher): where the commit says
    }
    this.root.classList.toggle("present", !!data.present);
    this.words();
    this.draw();
    this.mark();
  }

  mark() {
    this.commits.mark();
  }

  edit(changes) {
    this.s = { ...this.s, ...changes };
    this.commits.dirty = true;
    this.mark();
    if (this.frame === null) {
      this.frame = requestAnimationFrame(() => {
        this.frame = null;
        this.draw();
      });
    }
  }

  commitSoon() {
    this.commits.soon(this.via === "key" ? QUIET_MS : 0);
  }

  // ---- the window ----

  count() {
    return outputSize(SIZE, K, this.s.stride, this.s.pad) ** 2;
  }

  step(delta) {
    const n = this.count();
    this.stop();
    this.edit({ cell: ((this.s.cell - 1 + delta) % n + n) % n + 1 });
    this.commitSoon();
  }

  // Play: the start and the pause are commits ({playing, cell}); the frames in between are drawn here, not sent.
  // A class's followers get the same two commits and play the same frames in their own browsers.
  togglePlay() {
    if (this.playing !== null) this.stop();
    else this.startPlay();
    this.commits.dirty = true;
    this.via = "pointer";
    this.commitSoon();
  }

  startPlay() {
    if (this.playing !== null) return;
    this.playing = setInterval(() => {
      const n = this.count();
      this.s = { ...this.s, cell: (this.s.cell % n) + 1 };
      this.draw();
    }, PLAY_MS);
    this.drawButtons();
  }

  stop() {
    if (this.playing === null) return;
    clearInterval(this.playing);
    this.playing = null;
    this.drawButtons();
    this.mark();
  }

  // ---- drawing ----

  words() {
    const w = this.kit.words;
    this.root.setAttribute("aria-label", w.workbench);
    this.xTitle.textContent = w.input;
    this.inputPick.setAttribute("aria-label", w.input_preset);
    this.digitPick.setAttribute("aria-label", w.digit_pick);
    this.filterPick.setAttribute("aria-label", w.filter_preset);
    this.reroll.textContent = w.reroll;
    this.options(this.inputPick, [...this.kit.inputs, "custom"], (name) => w[`preset.${name}`]);
    this.options(this.filterPick, [...Object.keys(this.kit.filters), "custom"], (name) => w[`filter.${name}`]);
    this.xGrid.setAttribute("aria-label", w.input);
    this.wTitle.textContent = w.filter;
    const names = { pad: "padding", stride: "stride", act: "activation" };
    for (const [name, { legend, inputs }] of Object.entries(this.radios)) {
      legend.textContent = w[names[name]];
      for (const { text, value } of inputs) text.textContent = name === "stride" ? String(value) : w[`${names[name]}.${value}`];
    }
    this.actNote.textContent = w.activation_note;
    this.stepTitle.textContent = w.step;
    this.prev.textContent = `← ${w.prev}`;
    this.next.textContent = `${w.next} →`;
    this.cellLabel.textContent = w.cell;
    this.cellInput.setAttribute("aria-label", w.cell);
    this.pngButton.textContent = w.save_png;
  }

  options(select, names, label) {
    const key = names.join(",") + label(names[0]);
    if (select.dataset.options === key) return;
    select.replaceChildren();
    for (const name of names) el("option", "", select, { value: name }).textContent = label(name);
    select.dataset.options = key;
  }

  drawButtons() {
    const w = this.kit.words;
    this.play.textContent = this.playing !== null ? `❚❚ ${w.pause}` : `▶ ${w.play}`;
    this.play.setAttribute("aria-pressed", String(this.playing !== null));
  }

  draw() {
    const s = this.s;
    const w = this.kit.words;
    const present = this.root.classList.contains("present");
    const map = (this.map = convolve(s));
    const n = map.oh * map.ow;
    if (!(s.cell >= 1 && s.cell <= n)) s.cell = 1;
    const step = explain(s, map, s.cell);

    this.inputPick.value = s.x_preset;
    this.inputPick.querySelector('option[value="custom"]').hidden = s.x_preset !== "custom";
    this.digitPick.hidden = s.x_preset !== "digit";
    this.digitPick.value = String(s.x_arg % 10);
    this.reroll.hidden = s.x_preset !== "random";
    this.filterPick.value = this.filterName(s.w);
    for (const { input, value: v } of this.radios.pad.inputs) input.checked = v === s.pad;
    for (const { input, value: v } of this.radios.stride.inputs) input.checked = v === s.stride;
    for (const { input, value: v } of this.radios.act.inputs) input.checked = v === s.act;
    this.actNote.hidden = s.act !== "swish" || present;

    const [lo, hi] = this.data.range;
    this.sliders.forEach(({ input, value }, i) => {
      if (input.min !== String(lo)) Object.assign(input, { min: String(lo), max: String(hi), step: String(this.data.step) });
      if (Number(input.value) !== s.w[i]) input.value = String(s.w[i]); // off the 0.5 steps (a link's 1/9): the thumb rounds
      value.textContent = g(s.w[i]);
      input.setAttribute("aria-valuetext", g(s.w[i]));
    });

    this.drawInput(s, map, step, present);
    this.drawMap(map, step, present);

    const [oh, ow] = this.data.secret ? ["?", "?"] : [map.oh, map.ow]; // a class's question about the size is open
    this.yTitle.textContent = fill(w.map_title, { h: oh, w: ow });
    this.size.textContent = fill(w.size, { formula: sizeFormula(s.stride, s.pad, this.data.secret), h: oh, w: ow });
    this.cellInput.max = String(n);
    this.cellInput.value = String(s.cell);
    this.cellInput.setAttribute("aria-valuetext", `y${s.cell}`);
    this.cellOut.textContent = `y${s.cell}`;
    this.f1.textContent = formula(step, false);
    const secret = step.k === this.hiddenCell();
    this.f2.textContent = secret ? formula(step, true).replace(/ = [^=]*$/, " = ?") : formula(step, true);
    this.activated.hidden = s.act === "none";
    this.activated.textContent = s.act === "none" ? "" :
      fill(w.activated, { name: s.act, total: secret ? "?" : g(step.total), value: secret ? "?" : fixed(map.y[step.row][step.col], 3) });
    this.windowNote.hidden = present;
    this.windowNote.textContent = fill(w.window_note, { k: s.cell }) + (s.pad === "same" ? ` ${w.padding_ring}` : "");
    this.drawButtons();
    this.tip();
  }

  drawInput(s, map, step, present) {
    const gap = 2;
    const [top, bottom] = paddingAmounts(SIZE, K, s.stride, s.pad);
    const [left, right] = paddingAmounts(SIZE, K, s.stride, s.pad);
    const rows = SIZE + top + bottom;
    const cols = SIZE + left + right;
    // the grid keeps its width when the zero ring comes: the cells get smaller instead (one screen at 1280×720)
    const px = Math.min(present ? 30 : 26, Math.floor(((present ? 254 : 222) - gap * (cols - 1)) / cols));
    const shape = `${rows}x${cols}x${top}x${left}x${px}`;
    const grid = this.xGrid;
    if (grid.dataset.shape !== shape) {
      grid.replaceChildren();
      grid.dataset.shape = shape;
      grid.style.gridTemplateColumns = `repeat(${cols}, ${px}px)`;
      grid.style.gridAutoRows = `${px}px`;
      grid.style.gap = `${gap}px`;
      this.xCells = [];
      for (let r = -top; r < SIZE + bottom; r++) {
        for (let c = -left; c < SIZE + right; c++) {
          if (r < 0 || r >= SIZE || c < 0 || c >= SIZE) {
            el("span", "xc pad", grid, { "aria-hidden": "true" }).textContent = "0";
            continue;
          }
          const i = r * SIZE + c;
          const button = el("button", "xc", grid, { type: "button", "aria-label": `x${i + 1}`, tabindex: i === 0 ? "0" : "-1" });
          button.dataset.i = String(i);
          button.addEventListener("click", () => {
            const x = this.s.x.slice();
            x[i] = x[i] ? 0 : 1;
            this.edit({ x, x_preset: "custom", x_arg: 0 });
            this.commitSoon();
          });
          button.addEventListener("keydown", (e) => this.gridKey(e, i));
          this.xCells[i] = button;
        }
      }
      this.ring = el("div", "ring", grid, { "aria-hidden": "true" });
      this.box = el("div", "box", grid, { "aria-hidden": "true" });
    }
    this.xCells.forEach((button, i) => {
      const v = s.x[i];
      button.textContent = g(v);
      button.classList.toggle("on", v !== 0);
      button.setAttribute("aria-pressed", String(v !== 0));
    });
    const at = (n) => n * (px + gap);
    const same = top || bottom || left || right;
    this.ring.hidden = !same;
    Object.assign(this.ring.style, { left: `${at(left) - 2}px`, top: `${at(top) - 2}px`, width: `${at(SIZE) + 2}px`,
      height: `${at(SIZE) + 2}px`, borderColor: RING });
    Object.assign(this.box.style, { left: `${at(step.left + left) - 3}px`, top: `${at(step.top + top) - 3}px`,
      width: `${at(K) + 2}px`, height: `${at(K) + 2}px`, borderColor: HIGHLIGHT });
  }

  gridKey(e, i) {
    const moves = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -SIZE, ArrowDown: SIZE, Home: -(i % SIZE), End: SIZE - 1 - (i % SIZE) };
    if (!(e.key in moves)) return;
    e.preventDefault();
    e.stopPropagation();
    let j = i + moves[e.key];
    if ((e.key === "ArrowLeft" && i % SIZE === 0) || (e.key === "ArrowRight" && i % SIZE === SIZE - 1)) j = i;
    if (j < 0 || j >= SIZE * SIZE) j = i;
    this.xCells[i].tabIndex = -1;
    this.xCells[j].tabIndex = 0;
    this.xCells[j].focus();
  }

  drawMap(map, step, present) {
    const { oh, ow, y } = map;
    const fit = Math.min(present ? 56 : 42, Math.floor(((present ? 430 : 268) - (ow - 1)) / ow)); // the map's width is kept
    const shape = `${oh}x${ow}x${fit}`;
    const box = this.yMap;
    if (box.dataset.shape !== shape) {
      box.replaceChildren();
      box.dataset.shape = shape;
      box.style.gridTemplateColumns = `repeat(${ow}, minmax(${fit}px, auto))`;
      box.style.gridAutoRows = `${fit}px`;
      box.style.fontSize = present ? "20px" : `${fit < 36 ? 12 : 13}px`;
      this.yCells = [];
      for (let r = 0; r < oh; r++) {
        for (let c = 0; c < ow; c++) {
          const cell = el("div", "yc", box);
          cell.dataset.k = String(r * ow + c + 1);
          cell.dataset.rc = `(${r + 1}, ${c + 1})`;
          this.yCells.push(cell);
        }
      }
    }
    let bound = 0;
    for (const row of y) for (const v of row) if (Number.isFinite(v)) bound = Math.max(bound, Math.abs(v));
    bound = bound || 1;
    const hidden = this.hiddenCell(); // a class's question about this cell is open: "?" everywhere it shows
    this.yCells.forEach((cell, k) => {
      const v = y[Math.floor(k / ow)][k % ow];
      const secret = k + 1 === hidden;
      const colour = secret ? [221, 221, 221] : colourAt(this.scale.stops, (v + bound) / (2 * bound));
      cell.textContent = secret ? "?" : label(v);
      cell.style.background = rgb(colour);
      cell.style.color = dark(colour) ? "#fff" : "#111";
      cell.classList.toggle("now", k + 1 === step.k);
      cell.dataset.value = secret ? "" : String(v);
      cell.setAttribute("title", `${cell.dataset.rc} = ${secret ? "?" : g(v)}`);
    });
    box.dataset.values = JSON.stringify(hidden ? y.map((row, r) => row.map((v, c) => (r * ow + c + 1 === hidden ? null : v))) : y);
    box.setAttribute("aria-label", `${this.yTitle.textContent}`);
    const stops = this.scale.stops.map(([at, c]) => `${rgb(c)} ${(100 - at * 100).toFixed(0)}%`).reverse();
    this.bar.style.background = `linear-gradient(to bottom, ${stops.join(", ")})`;
    const ticks = [bound, 0, -bound];
    this.barTicks.forEach((tick, i) => { tick.textContent = label(ticks[i]); });
    this.lastBound = bound;
  }

  hiddenCell() {
    return Number(this.data && this.data.hidden_cell) || 0;
  }

  tip() {
    const k = this.hoverK !== null ? this.hoverK : this.mapFocused ? this.s.cell : null;
    const cell = k === null ? null : this.yMap.querySelector(`.yc[data-k="${k}"]`);
    if (!cell) {
      this.tipBox.hidden = true;
      return;
    }
    this.tipBox.hidden = false;
    this.tipBox.textContent = `${cell.dataset.rc} = ${cell.dataset.value === "" ? "?" : g(Number(cell.dataset.value))}`;
    const box = cell.getBoundingClientRect();
    const frame = this.tipBox.offsetParent ? this.tipBox.offsetParent.getBoundingClientRect() : box;
    this.tipBox.style.left = `${box.left - frame.left + box.width / 2}px`;
    this.tipBox.style.top = `${box.top - frame.top - 4}px`;
  }

  savePng() {
    const { y, oh, ow } = this.map;
    const cell = 48;
    const titleH = 36;
    const canvas = document.createElement("canvas");
    const scale = 2;
    canvas.width = (ow * cell + 16) * scale;
    canvas.height = (oh * cell + titleH + 8) * scale;
    const ctx = canvas.getContext("2d");
    ctx.scale(scale, scale);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = "#111";
    ctx.font = "16px sans-serif";
    ctx.textBaseline = "middle";
    ctx.fillText(this.yTitle.textContent, 8, titleH / 2);
    ctx.textAlign = "center";
    ctx.font = "15px sans-serif";
    const bound = this.lastBound || 1;
    for (let r = 0; r < oh; r++) {
      for (let c = 0; c < ow; c++) {
        const secret = r * ow + c + 1 === this.hiddenCell();
        const colour = secret ? [221, 221, 221] : colourAt(this.scale.stops, (y[r][c] + bound) / (2 * bound));
        ctx.fillStyle = rgb(colour);
        ctx.fillRect(8 + c * cell, titleH + r * cell, cell - 1, cell - 1);
        ctx.fillStyle = dark(colour) ? "#fff" : "#111";
        ctx.fillText(secret ? "?" : label(y[r][c]), 8 + c * cell + cell / 2, titleH + r * cell + cell / 2);
      }
    }
    const link = document.createElement("a");
    link.download = "feature-map.png";
    link.href = canvas.toDataURL("image/png");
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  dispose() {
    this.stop();
    this.live.close();
    this.commits.flush();
    document.removeEventListener("keydown", this.onDocumentKey);
  }
}

const CSS = `
:host { display: block; }
.wb { font-family: var(--st-font, sans-serif); color: var(--st-text-color, #31333f); font-size: 14px; line-height: 1.4;
  position: relative; outline: none; }
.top { display: flex; flex-wrap: wrap; gap: 12px 18px; align-items: flex-start; }
.col { display: flex; flex-direction: column; gap: 6px; min-width: 0; position: relative; }
.col-x { width: 222px; }
.col-w { width: 242px; }
.present .col-x { width: 254px; }
.present .col-w { width: 308px; }
.title { font-weight: 600; }
.note { margin: 0; font-size: 13px; color: var(--st-gray-text-color, #6b6f7b); max-width: 34em; }
.xgrid { display: grid; position: relative; width: max-content; }
.xc { border: 1px solid var(--st-border-color, #d5d8de); border-radius: 4px; background: #fff; color: #111;
  font: inherit; font-size: 12px; padding: 0; line-height: 1; cursor: pointer; min-width: 0; overflow: hidden; }
.xc.on { background: var(--st-primary-color, #2f6fdf); border-color: var(--st-primary-color, #2f6fdf); color: #fff; }
.xc.pad { display: flex; align-items: center; justify-content: center; cursor: default; color: #9aa0aa;
  background: #f4f5f7; border-style: dashed; }
.xc:focus-visible, button:focus-visible, .ymap:focus-visible, input:focus-visible {
  outline: 2px solid var(--st-primary-color, #2f6fdf); outline-offset: 2px; }
.ring, .box { position: absolute; pointer-events: none; box-sizing: border-box; }
.ring { border: 2px dashed; border-radius: 3px; }
.box { border: 3px solid; border-radius: 3px; }
fieldset { border: 0; margin: 0; padding: 0; }
legend { padding: 0; margin-bottom: 2px; font-size: 14px; }
.pick { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
select { font: inherit; font-size: 14px; padding: 3px 6px; border: 1px solid var(--st-border-color, #d5d8de);
  border-radius: 6px; background: #fff; color: inherit; max-width: 100%; }
.pick select { min-width: 0; flex: 1 1 0; }
.pick select + select { flex: 0 0 auto; }
.radios label { display: flex; align-items: baseline; gap: 6px; cursor: pointer; }
.radios.row { display: flex; flex-wrap: wrap; gap: 2px 14px; }
.radios.row legend { width: 100%; }
input[type=radio] { accent-color: var(--st-primary-color, #2f6fdf); margin: 2px 0; }
.wgrid { display: grid; grid-template-columns: repeat(3, 74px); gap: 10px 10px; }
.wcell { display: flex; flex-direction: column; }
.whead { display: flex; justify-content: space-between; gap: 4px; font-size: 14px; }
.wname { font-weight: 600; }
.wval { font-variant-numeric: tabular-nums; }
input[type=range] { width: 100%; margin: 4px 0 0; accent-color: var(--st-primary-color, #2f6fdf); }
.yhead { display: flex; align-items: baseline; justify-content: space-between; gap: 10px; }
.yrow { display: flex; gap: 8px; align-items: stretch; }
.ymap { display: grid; gap: 1px; outline: none; width: max-content; }
.yc { display: flex; align-items: center; justify-content: center; padding: 0 2px;
  font-variant-numeric: tabular-nums; border-radius: 2px; cursor: pointer; box-sizing: border-box; white-space: nowrap; }
.yc { position: relative; }
.yc.now::after { content: ""; position: absolute; inset: 2px; border: 3px solid ${HIGHLIGHT}; border-radius: 50%; }
.bar { width: 10px; border-radius: 2px; }
.ticks { display: flex; flex-direction: column; justify-content: space-between; font-size: 11px; line-height: 1;
  white-space: nowrap; font-variant-numeric: tabular-nums; }
.tip { position: absolute; transform: translate(-50%, -100%); background: #262730; color: #fff; padding: 2px 7px;
  border-radius: 4px; font-size: 13px; pointer-events: none; white-space: nowrap; z-index: 2; }
.size { background: rgba(28, 131, 225, 0.1); color: #004280; border-radius: 6px; padding: 8px 12px; max-width: 30em; }
.steps { margin-top: 14px; display: flex; flex-direction: column; gap: 6px; }
.controls { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
button { font: inherit; border: 1px solid var(--st-border-color, #d5d8de); background: #fff; color: inherit;
  border-radius: 8px; padding: 4px 12px; cursor: pointer; white-space: nowrap; }
button:hover { border-color: var(--st-primary-color, #2f6fdf); color: var(--st-primary-color, #2f6fdf); }
.xc:hover { color: inherit; }
.xc.on:hover { color: #fff; }
button.small { font-size: 12px; padding: 1px 8px; }
.cellbox { display: flex; align-items: center; gap: 8px; white-space: nowrap; }
.cellbox input { width: 160px; }
output { font-variant-numeric: tabular-nums; min-width: 3em; }
code.formula { font-family: var(--st-code-font, monospace); font-size: 14px; white-space: pre-wrap; word-break: break-word;
  background: var(--st-code-background-color, #f0f2f6); border-radius: 4px; padding: 2px 6px; width: fit-content; }
.activated { margin: 0; }
[hidden] { display: none !important; }
.present { font-size: 20px; }
.present .title, .present legend, .present .whead, .present .size, .present .activated, .present button,
.present .cellbox, .present .tip { font-size: 20px; }
.present .xc { font-size: 18px; }
.present select { font-size: 18px; }
.present code.formula { font-size: 20px; }
.present .ticks { font-size: 18px; }
.present .wgrid { grid-template-columns: repeat(3, 96px); }
`;

export default function workbench(component) {
  const { data, parentElement, setStateValue } = component;
  let bench = BENCHES.get(parentElement);
  if (!bench) {
    bench = new Bench(parentElement);
    BENCHES.set(parentElement, bench);
  }
  bench.setStateValue = setStateValue; // the newest call's (it names this mount's widget)
  bench.render(data);
  return () => {
    bench.dispose();
    BENCHES.delete(parentElement);
  };
}
