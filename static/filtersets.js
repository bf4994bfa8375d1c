// §3's filter-set editor (ui/filtersets.py mounts it through ui/workbench.py): the channel chooser, the k×k weights of
// the chosen channel as sliders, the three filters and the three partial maps with their sum + b — all computed HERE,
// in the browser, from the picture's 32×32×3 values the server sends in the kit (once per session, language and picture).
//
// A drag redraws the maps on every animation frame; nothing goes to the server until the edit ends: a pointer
// released, or QUIET_MS without keys. Then ONE commit (setStateValue("commit", …)) carries {seq, w (k·k·3, flat in
// cnnlib's order: w[(a·k + b)·3 + c]), channel, kit}; the server keeps it in the page's record (the link, the cell
// spelt out below, the notebook and the class follow) and echoes the number back as data.ack (workbench.js Commits).
//
// The maths mirrors cnnlib/filter_sets.py apply_filter_set ('valid', stride 1: partials[..., c] = x[..., c] ⊛ w[..., c],
// feature_map = Σ_c partials + b); tests/test_browser_filters_bench.py compares the numbers with cnnlib's.

// workbench.js's helpers, fetched with this module's own version (?v=, a hash of both files: ui/workbench.py
// module_name): a static import would name workbench.js without it, and a browser could keep an old copy.
const { Commits, colourAt, dark, el, fill, g, label, parseScale, rgb } =
  await import(new URL(`./workbench.js${new URL(import.meta.url).search}`, import.meta.url).href);

const QUIET_MS = 300; // a pause in keys that ends an edit
const HIGHLIGHT = "#f5b800"; // ui/charts.py HIGHLIGHT: the explained cell
const KITS = new Map(); // words, colour scale and picture by id: sent once per session (ui/workbench.py)
const BENCHES = new WeakMap(); // parentElement → its Editor
const CHANNELS = 3;

// ---- the lecture's maths (cnnlib/filter_sets.py) ------------------------------------------------------------------

// One filter set over an h×wd×3 picture (x flat, x[(r·wd + c)·3 + ch]), w flat k·k·3 (w[(a·k + b)·3 + ch]):
// the three partial maps and their sum + bias, each as rows of numbers.
export function applyFilterSet(x, h, wd, w, k, bias) {
  const oh = h >= k ? h - k + 1 : 0;
  const ow = wd >= k ? wd - k + 1 : 0;
  const partials = [];
  for (let ch = 0; ch < CHANNELS; ch++) {
    const map = [];
    for (let i = 0; i < oh; i++) {
      const row = new Array(ow);
      for (let j = 0; j < ow; j++) {
        let total = 0;
        for (let a = 0; a < k; a++) {
          const base = (i + a) * wd + j;
          for (let b = 0; b < k; b++) total += x[(base + b) * CHANNELS + ch] * w[(a * k + b) * CHANNELS + ch];
        }
        row[j] = total;
      }
      map.push(row);
    }
    partials.push(map);
  }
  const sum = [];
  for (let i = 0; i < oh; i++) {
    const row = new Array(ow);
    for (let j = 0; j < ow; j++) row[j] = partials[0][i][j] + partials[1][i][j] + partials[2][i][j] + bias;
    sum.push(row);
  }
  return { oh, ow, partials, sum };
}

function boundOf(maps) {
  let bound = 0;
  for (const map of maps) for (const row of map) for (const v of row) if (Number.isFinite(v)) bound = Math.max(bound, Math.abs(v));
  return bound || 1;
}

// ---- the editor -----------------------------------------------------------------------------------------------------

class Editor {
  constructor(parent) {
    this.parent = parent;
    this.s = null; // what the student edits: {w (k·k·3 flat), channel}
    this.frame = null; // the pending animation frame
    this.via = "pointer"; // how the current edit is made: "pointer" commits on release, "key" after QUIET_MS
    this.build();
    this.commits = new Commits(this.root, (seq) => {
      if (!this.setStateValue) return false;
      this.setStateValue("commit", { seq, w: this.s.w.slice(), channel: this.s.channel, kit: this.kit.id });
    });
  }

  build() {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    if ("adoptedStyleSheets" in this.parent) this.parent.adoptedStyleSheets = [sheet];
    // "wb": tests/browser.py wait_committed finds a workbench's root by it (its data-pending)
    const root = (this.root = el("div", "wb fs", this.parent, { role: "group" }));
    const left = el("section", "col col-edit", root);
    this.chooser = el("fieldset", "channels", left, { "data-testid": "channel-chooser" });
    this.legend = el("legend", "", this.chooser);
    const group = `channel-${Math.random().toString(36).slice(2, 8)}`; // one tab stop; the arrows move within it
    this.radios = [];
    for (let c = 0; c < CHANNELS; c++) {
      const item = el("label", "chan", this.chooser);
      const input = el("input", "", item, { type: "radio", name: group, value: String(c), "data-testid": `channel-${c}` });
      const text = el("span", "", item);
      input.addEventListener("change", () => {
        if (!input.checked) return;
        this.edit({ channel: c });
        this.commitSoon();
      });
      this.radios.push({ input, text });
    }
    this.wTitle = el("div", "title", left);
    this.wGrid = el("div", "wgrid", left, { "data-testid": "weights" });
    this.sliders = [];

    this.thumbs = el("div", "thumbs", root);
    this.filters = [];
    for (let c = 0; c < CHANNELS; c++) {
      const box = el("div", "thumb", this.thumbs);
      const title = el("div", "title small", box);
      const grid = el("div", "fgrid", box, { "data-testid": `filter-${c}`, role: "img" });
      this.filters.push({ title, grid, cells: [], shape: "" });
    }
    // the four maps as one PNG, beside the filters (the maps' rows have no room for it on a projector)
    this.pngButton = el("button", "small", this.thumbs, { type: "button", "data-testid": "maps-png" });
    this.pngButton.addEventListener("click", () => this.savePng());
    const maps = el("div", "maps", root);
    this.maps = [];
    for (let n = 0; n <= CHANNELS; n++) {
      const box = el("div", "map", maps);
      const title = el("div", "title small", box);
      const id = n < CHANNELS ? `partial-map-${"RGB"[n]}` : "feature-map";
      const canvas = el("canvas", "", box, { "data-testid": id, role: "img", tabindex: n === CHANNELS ? "0" : "-1" });
      canvas.addEventListener("pointermove", (e) => this.hover(n, e));
      canvas.addEventListener("pointerleave", () => this.hover(null));
      this.maps.push({ title, canvas });
    }
    this.tipBox = el("div", "tip", root, { "data-testid": "map-tip", role: "status" });
    this.tipBox.hidden = true;

    // how an edit is made decides when it is committed
    root.addEventListener("pointerdown", () => { this.via = "pointer"; }, true);
    root.addEventListener("keydown", (e) => { if (!e.ctrlKey && !e.metaKey && !e.altKey) this.via = "key"; }, true);
  }

  // the chosen channel's k×k sliders, made anew for a new size or channel
  buildSliders(k) {
    const shape = `${k}`;
    if (this.wGrid.dataset.shape === shape) return;
    const focused = this.sliders.findIndex(({ input }) => this.parent.activeElement === input);
    this.wGrid.replaceChildren();
    this.wGrid.dataset.shape = shape;
    this.wGrid.style.gridTemplateColumns = `repeat(${k}, 1fr)`;
    this.wGrid.classList.toggle("five", k > 3);
    this.sliders = [];
    for (let i = 0; i < k * k; i++) {
      const cell = el("div", "wcell", this.wGrid);
      const head = el("div", "whead", cell, { "aria-hidden": "true" });
      el("span", "wname", head).textContent = `w${i + 1}`;
      const value = el("span", "wval", head);
      const input = el("input", "", cell, { type: "range", "aria-label": `w${i + 1}`, "data-testid": `w${i + 1}` });
      input.addEventListener("input", () => {
        const w = this.s.w.slice();
        w[i * CHANNELS + this.s.channel] = Number(input.value);
        this.edit({ w });
        if (this.via === "key") this.commitSoon(); // keys: committed once they pause
      });
      input.addEventListener("change", () => this.commitSoon()); // a pointer released: at once
      this.sliders.push({ input, value });
    }
    if (focused >= 0 && this.sliders[focused]) this.sliders[focused].input.focus();
  }

  // ---- state in, state out ----

  render(data) {
    if (data.kit) KITS.set(data.kit.id, data.kit);
    this.kit = KITS.get(data.kit_id) || this.kit;
    if (!this.kit) { // the server sends a session's words once; this page lacks them: ask again
      if (this.setStateValue && this.askedKit !== data.kit_id) {
        this.askedKit = data.kit_id;
        this.setStateValue("need_kit", `${data.kit_id}:${Date.now()}`);
      }
      return;
    }
    this.scale = this.scale && this.scale.id === this.kit.id ? this.scale : { id: this.kit.id, stops: parseScale(this.kit.scale) };
    this.data = data;
    const st = data.state;
    this.commits.acked(data.ack);
    const size = st.k * st.k * CHANNELS;
    if (!this.s || !this.commits.pending() || this.s.w.length !== size) {
      this.s = { w: st.w.slice(), channel: st.channel };
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

  // ---- drawing ----

  words() {
    const w = this.kit.words;
    this.root.setAttribute("aria-label", w.bench);
    this.legend.textContent = w.channel_editor;
    this.radios.forEach(({ text }, c) => { text.textContent = this.kit.channels[c]; });
    this.pngButton.textContent = w.save_png;
  }

  draw() {
    const st = this.data.state;
    const { k } = st;
    const { w, channel } = this.s;
    const words = this.kit.words;
    const names = this.kit.channels;
    const present = !!this.data.present;
    this.buildSliders(k);
    this.radios.forEach(({ input }, c) => { input.checked = c === channel; });
    this.wTitle.textContent = fill(words.weights_of, { name: names[channel] });
    this.sliders.forEach(({ input, value }, i) => {
      const v = w[i * CHANNELS + channel];
      if (input.min !== String(st.lo)) Object.assign(input, { min: String(st.lo), max: String(st.hi), step: String(st.step) });
      if (Number(input.value) !== v) input.value = String(v);
      value.textContent = g(v);
      input.setAttribute("aria-valuetext", g(v));
    });

    let wBound = 0;
    for (const v of w) if (Number.isFinite(v)) wBound = Math.max(wBound, Math.abs(v));
    wBound = wBound || 1;
    const px = present ? (k > 3 ? 26 : 40) : (k > 3 ? 22 : 30);
    this.filters.forEach((f, c) => {
      f.title.textContent = fill(words.filter_of, { name: names[c] }) + (c === channel ? " ✎" : "");
      const shape = `${k}x${px}`;
      if (f.shape !== shape) {
        f.grid.replaceChildren();
        f.shape = shape;
        f.grid.style.gridTemplateColumns = `repeat(${k}, ${px}px)`;
        f.grid.style.gridAutoRows = `${px}px`;
        f.cells = [];
        for (let i = 0; i < k * k; i++) f.cells.push(el("div", "fc", f.grid));
      }
      f.grid.classList.toggle("chosen", c === channel);
      f.cells.forEach((cell, i) => {
        const v = w[i * CHANNELS + c];
        const colour = colourAt(this.scale.stops, (v + wBound) / (2 * wBound));
        cell.textContent = present && k > 3 ? "" : label(v); // a 5×5 filter's cells are too small for 20 px numbers
        cell.style.background = rgb(colour);
        cell.style.color = dark(colour) ? "#fff" : "#111";
        cell.title = `w${i + 1} = ${g(v)}`;
      });
      f.grid.setAttribute("aria-label", f.title.textContent);
    });

    const { x, h, wd } = this.kit; // the picture comes with the kit: once, not with every commit
    const result = (this.result = applyFilterSet(x, h, wd, w, k, st.b));
    const all = [...result.partials, result.sum];
    const bound = boundOf(all);
    const cell = present ? 7 : 6;
    this.cellPx = cell;
    all.forEach((map, n) => {
      const { title, canvas } = this.maps[n];
      title.textContent = n < CHANNELS ? fill(words.partial, { name: names[n] })
        : fill(words.sum_title, { shape: `(${result.oh}, ${result.ow})` });
      this.paint(canvas, map, result.oh, result.ow, cell, bound, [st.row - 1, st.col - 1]);
      canvas.dataset.values = JSON.stringify(map);
      canvas.dataset.bound = String(bound); // one colour scale for the four maps: ±bound at its two ends
      canvas.setAttribute("aria-label", title.textContent);
    });
  }

  // a map on its canvas: a cell of `px` CSS pixels, blue–white–red around 0 (ui/charts.py), the explained cell boxed
  paint(canvas, map, oh, ow, px, bound, at) {
    const ratio = window.devicePixelRatio || 1;
    const width = ow * px;
    const height = oh * px;
    if (canvas.dataset.shape !== `${oh}x${ow}x${px}x${ratio}`) {
      canvas.dataset.shape = `${oh}x${ow}x${px}x${ratio}`;
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      canvas.style.width = `${width}px`;
      canvas.style.height = `${height}px`;
    }
    const ctx = canvas.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    for (let r = 0; r < oh; r++) {
      for (let c = 0; c < ow; c++) {
        ctx.fillStyle = rgb(colourAt(this.scale.stops, (map[r][c] + bound) / (2 * bound)));
        ctx.fillRect(c * px, r * px, px, px);
      }
    }
    const [r, c] = at;
    if (r >= 0 && r < oh && c >= 0 && c < ow) {
      ctx.strokeStyle = HIGHLIGHT;
      ctx.lineWidth = 2;
      ctx.strokeRect(c * px - 1, r * px - 1, px + 2, px + 2);
    }
  }

  hover(n, e) {
    if (n === null || !this.result) {
      this.tipBox.hidden = true;
      return;
    }
    const canvas = this.maps[n].canvas;
    const box = canvas.getBoundingClientRect();
    const c = Math.floor((e.clientX - box.left) / this.cellPx);
    const r = Math.floor((e.clientY - box.top) / this.cellPx);
    const map = n < CHANNELS ? this.result.partials[n] : this.result.sum;
    if (r < 0 || c < 0 || r >= this.result.oh || c >= this.result.ow) {
      this.tipBox.hidden = true;
      return;
    }
    this.tipBox.hidden = false;
    this.tipBox.textContent = `(${r + 1}, ${c + 1}) = ${g(map[r][c])}`;
    const frame = this.root.getBoundingClientRect();
    this.tipBox.style.left = `${box.left - frame.left + (c + 0.5) * this.cellPx}px`;
    this.tipBox.style.top = `${box.top - frame.top + r * this.cellPx - 4}px`;
  }

  // the four maps as one picture (what Plotly's camera gave before): drawn here, offline, "feature-map.png"
  savePng() {
    if (!this.result) return;
    const { oh, ow, partials, sum } = this.result;
    const all = [...partials, sum];
    const bound = boundOf(all);
    const cell = 8;
    const titleH = 28;
    const gap = 16;
    const scale = 2;
    const side = Math.max(ow * cell, 200);
    const canvas = document.createElement("canvas");
    canvas.width = (2 * side + 3 * gap) * scale;
    canvas.height = (2 * (oh * cell + titleH) + 3 * gap) * scale;
    const ctx = canvas.getContext("2d");
    ctx.scale(scale, scale);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.textBaseline = "middle";
    ctx.font = "bold 15px sans-serif";
    all.forEach((map, n) => {
      const left = gap + (n % 2) * (side + gap);
      const top = gap + Math.floor(n / 2) * (oh * cell + titleH + gap);
      ctx.fillStyle = "#111";
      ctx.fillText(this.maps[n].title.textContent, left, top + titleH / 2);
      for (let r = 0; r < oh; r++) {
        for (let c = 0; c < ow; c++) {
          ctx.fillStyle = rgb(colourAt(this.scale.stops, (map[r][c] + bound) / (2 * bound)));
          ctx.fillRect(left + c * cell, top + titleH + r * cell, cell, cell);
        }
      }
    });
    const link = document.createElement("a");
    link.download = "feature-map.png";
    link.href = canvas.toDataURL("image/png");
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  dispose() {
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.commits.flush();
  }
}

const CSS = `
:host { display: block; container-type: inline-size; }
.fs { font-family: var(--st-font, sans-serif); color: var(--st-text-color, #31333f); font-size: 14px; line-height: 1.4;
  position: relative; display: flex; flex-wrap: wrap; gap: 12px 28px; align-items: flex-start; }
.col { display: flex; flex-direction: column; gap: 8px; min-width: 0; }
.col-edit { flex: 0 1 300px; }
/* wide enough: the editor on the left, the filters above the maps on the right (one screen on a projector); presenting
   on a wide screen, the larger maps in the middle and the filters one above the other on the right */
@container (min-width: 680px) {
  .fs { display: grid; grid-template-columns: 300px minmax(0, 1fr); grid-template-areas: "edit thumbs" "edit maps";
    align-items: start; justify-content: start; }
  .fs.present { grid-template-columns: 380px minmax(0, 1fr); }
  .col-edit { grid-area: edit; }
  .thumbs { grid-area: thumbs; }
  .maps { grid-area: maps; }
}
@container (min-width: 1000px) {
  .fs.present { grid-template-columns: 380px max-content max-content; grid-template-areas: "edit maps thumbs"; }
  .present .thumbs { flex-direction: column; }
}
.title { font-weight: 600; }
.title.small { font-size: 13px; white-space: nowrap; }
fieldset { border: 0; margin: 0; padding: 0; display: flex; gap: 4px 16px; flex-wrap: wrap; align-items: center; }
legend { padding: 0; margin-bottom: 4px; width: 100%; }
.chan { display: flex; align-items: center; gap: 4px; cursor: pointer; font-weight: 600; }
input[type=radio] { accent-color: var(--st-primary-color, #2f6fdf); margin: 2px 0; }
.wgrid { display: grid; gap: 10px 10px; }
.wgrid.five { gap: 8px 6px; }
.wcell { display: flex; flex-direction: column; min-width: 0; }
.whead { display: flex; justify-content: space-between; gap: 2px; font-size: 13px; }
.five .whead { font-size: 11px; }
.wname { font-weight: 600; }
.wval { font-variant-numeric: tabular-nums; }
input[type=range] { width: 100%; margin: 4px 0 0; accent-color: var(--st-primary-color, #2f6fdf); min-width: 0; }
input:focus-visible, canvas:focus-visible { outline: 2px solid var(--st-primary-color, #2f6fdf); outline-offset: 2px; }
.thumbs { display: flex; gap: 14px; flex-wrap: wrap; }
.thumb { display: flex; flex-direction: column; gap: 2px; }
.fgrid { display: grid; gap: 1px; width: max-content; border: 2px solid transparent; border-radius: 3px; }
.fgrid.chosen { border-color: var(--st-primary-color, #2f6fdf); }
.fc { display: flex; align-items: center; justify-content: center; font-size: 11px; font-variant-numeric: tabular-nums;
  border-radius: 2px; overflow: hidden; white-space: nowrap; }
.maps { display: flex; flex-wrap: wrap; gap: 8px 16px; max-width: 460px; }
.map { display: flex; flex-direction: column; gap: 2px; }
canvas { display: block; image-rendering: pixelated; cursor: crosshair; }
button.small { font: inherit; font-size: 12px; border: 1px solid var(--st-border-color, #d5d8de); background: #fff;
  color: inherit; border-radius: 8px; padding: 1px 8px; cursor: pointer; white-space: nowrap; line-height: 1.3; align-self: flex-end; }
.present .thumbs button.small { align-self: flex-start; }
button.small:hover { border-color: var(--st-primary-color, #2f6fdf); color: var(--st-primary-color, #2f6fdf); }
button:focus-visible { outline: 2px solid var(--st-primary-color, #2f6fdf); outline-offset: 2px; }
.tip { position: absolute; transform: translate(-50%, -100%); background: #262730; color: #fff; padding: 2px 7px;
  border-radius: 4px; font-size: 13px; pointer-events: none; white-space: nowrap; z-index: 2; }
[hidden] { display: none !important; }
.present { font-size: 20px; }
.present .title, .present .title.small, .present legend, .present .chan, .present .whead, .present .tip { font-size: 20px; }
.present button.small { font-size: 20px; }
.present .five .whead { font-size: 16px; }
.present .fc { font-size: 20px; }
.present .col-edit { flex-basis: 380px; }
.present .maps { max-width: 520px; }
`;

export default function filtersets(component) {
  const { data, parentElement, setStateValue } = component;
  let editor = BENCHES.get(parentElement);
  if (!editor) {
    editor = new Editor(parentElement);
    BENCHES.set(parentElement, editor);
  }
  editor.setStateValue = setStateValue; // the newest call's (it names this mount's widget)
  editor.render(data);
  return () => {
    editor.dispose();
    BENCHES.delete(parentElement);
  };
}
