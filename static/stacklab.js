// The layer-stack lab's editor (ui/stack_lab.py mounts it through ui/workbench.py): the stack's total, "add layer"
// and one row per layer (its kind, its settings, move up / down, remove) as ONE element, in native controls: no
// Streamlit widget per layer (each number box or select of Streamlit scans the whole session state on every run, so N
// rows cost the server O(N²): docs/streamlit.md).
//
// An edit changes the stack here at once; nothing goes to the server until it ends: a select chosen, a button pressed,
// a number confirmed (Enter, or leaving the box), or QUIET_MS without typing. Then ONE commit (setStateValue("commit",
// …)) carries {seq, stack (every layer, as ui/stack_lab.py apply_commit checks it), kit}; the server keeps it in the
// page's record (the link, the table, the chart, the question, the notebook and the class follow) and echoes the
// number back as data.ack (workbench.js Commits). The shapes and counts under each row and the total come from the
// server's summarize with that acknowledgement; until then they are drawn faded.
//
// Streamlit calls the default export again with new data on every rerun (the DOM of the previous call stays), so
// everything here is find-or-create. Words come as data (the kit) and are set with textContent only.

// workbench.js's helpers, fetched with this module's own version (?v=, a hash of both files: ui/workbench.py
// module_name): a static import would name workbench.js without it, and a browser could keep an old copy.
const { Commits, el, fill } =
  await import(new URL(`./workbench.js${new URL(import.meta.url).search}`, import.meta.url).href);

const QUIET_MS = 500; // a pause in typing that ends an edit
const KITS = new Map(); // words, kinds and limits by id: sent once per session (ui/workbench.py)
const EDITORS = new WeakMap(); // parentElement → its Editor
// the settings each kind shows, in order (cnnlib/architecture.py LAYER_TYPES)
const FIELDS = {
  Conv2D: ["filters", "kernel_size", "strides", "padding", "activation"],
  MaxPool2D: ["pool_size", "strides", "padding"],
  AveragePooling2D: ["pool_size", "strides", "padding"],
  Flatten: [],
  Dense: ["units", "activation"],
  Dropout: ["rate"],
};
const POOLS = ["MaxPool2D", "AveragePooling2D"];
const SPATIAL = ["Conv2D", ...POOLS];

// Where a new layer goes (as the lab always put it): convolution and pooling before the first Flatten; any other
// kind before a final softmax Dense; else last.
export function placeOf(layers, kind) {
  const kinds = layers.map((layer) => layer.type);
  if (SPATIAL.includes(kind) && kinds.includes("Flatten")) return kinds.indexOf("Flatten");
  const last = layers[layers.length - 1];
  if (last && last.type === "Dense" && last.activation === "softmax") return layers.length - 1;
  return layers.length;
}

// a number within [lo, hi]; whole numbers rounded
function clamp(v, [lo, hi], whole) {
  const x = Math.min(Math.max(v, lo), hi);
  return whole ? Math.round(x) : Math.round(x * 1e6) / 1e6;
}

// what a field is: "count", "size" (a number, or a non-square pair shown as text), "rate", or a choice
function fieldKind(type, name) {
  if (name === "filters" || name === "units") return "count";
  if (name === "rate") return "rate";
  if (name === "padding" || name === "activation") return "choice";
  if (name === "strides" && POOLS.includes(type)) return "pool_strides";
  return "size";
}

// the layer as committed: every number within its limits (a box may still hold what is being typed)
function clamped(layer, limits) {
  const out = { ...layer };
  for (const name of FIELDS[layer.type] || []) {
    const kind = fieldKind(layer.type, name);
    const v = out[name];
    if (kind === "count" || kind === "size") {
      if (typeof v === "number" && Number.isFinite(v)) out[name] = clamp(v, limits[name], true);
    } else if (kind === "rate" && typeof v === "number" && Number.isFinite(v)) {
      out[name] = clamp(v, limits.rate, false);
    }
  }
  return out;
}

class Editor {
  constructor(parent) {
    this.parent = parent;
    this.s = null; // what the student edits: {layers}
    this.rows = []; // one entry per drawn row: its elements
    this.focusAfter = null; // [row, control]: where the focus goes after the next draw (a row moved or removed)
    this.build();
    this.commits = new Commits(this.root, (seq) => {
      if (!this.setStateValue) return false;
      const limits = this.kit.limits;
      this.setStateValue("commit", { seq, stack: this.s.layers.map((layer) => clamped(layer, limits)), kit: this.kit.id });
    });
  }

  build() {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    if ("adoptedStyleSheets" in this.parent) this.parent.adoptedStyleSheets = [sheet];
    // "wb": tests/browser.py wait_committed finds a workbench's root by it (its data-pending)
    const root = (this.root = el("div", "wb sl", this.parent, { role: "group", "data-testid": "lab-editor" }));
    const bar = (this.bar = el("div", "bar", root, { "data-testid": "lab-bar" }));
    const total = el("div", "total", bar);
    this.totalLabel = el("div", "total-label", total, { id: "lab-total-label" });
    this.totalValue = el("div", "total-value", total, {
      "data-testid": "lab-total", role: "status", "aria-labelledby": "lab-total-label lab-total",
    });
    this.totalValue.id = "lab-total";
    const add = el("div", "add", bar);
    const pick = el("label", "field", add);
    this.addLabel = el("span", "field-label", pick);
    this.addType = el("select", "", pick, { "data-testid": "lab-add-type" });
    this.addButton = el("button", "primary", add, { type: "button", "data-testid": "lab-add" });
    this.addButton.addEventListener("click", () => this.add());
    this.fullNote = el("div", "note", bar, { "data-testid": "lab-full" });
    this.rowsBox = el("div", "rows", root, { "data-testid": "lab-rows" });
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
    this.data = data;
    this.commits.acked(data.ack);
    if (!this.s || !this.commits.pending()) this.s = { layers: data.state.layers.map((layer) => ({ ...layer })) };
    this.root.classList.toggle("present", !!data.present);
    this.words();
    this.draw();
  }

  mark() {
    this.commits.mark();
    this.root.classList.toggle("stale", this.commits.pending());
  }

  // the stack changed here: drawn at once, committed after `wait` ms without another edit
  edit(layers, wait = 0) {
    this.s = { layers };
    this.commits.dirty = true;
    this.draw();
    this.commits.soon(wait);
    this.mark();
  }

  setField(i, name, value, wait) {
    const layers = this.s.layers.slice();
    layers[i] = { ...layers[i], [name]: value };
    if (value === undefined) delete layers[i][name];
    this.edit(layers, wait);
  }

  add() {
    const layers = this.s.layers;
    if (layers.length >= this.kit.max_layers) return;
    const kind = this.addType.value;
    const at = placeOf(layers, kind);
    this.edit([...layers.slice(0, at), { ...this.kit.new[kind] }, ...layers.slice(at)]);
  }

  move(i, step) {
    const j = i + step;
    const layers = this.s.layers.slice();
    if (j < 0 || j >= layers.length) return;
    [layers[i], layers[j]] = [layers[j], layers[i]];
    // the focus follows the layer; at the top or bottom, the button that can still move it
    const edge = (step < 0 && j === 0) || (step > 0 && j === layers.length - 1);
    this.focusAfter = [j, edge ? (step < 0 ? "down" : "up") : (step < 0 ? "up" : "down")];
    this.edit(layers);
  }

  remove(i) {
    const layers = this.s.layers.filter((_, n) => n !== i);
    this.focusAfter = layers.length ? [Math.min(i, layers.length - 1), "remove"] : [null, "add"];
    this.edit(layers);
  }

  // ---- drawing ----

  words() {
    const w = this.kit.words;
    this.root.setAttribute("aria-label", w.editor);
    this.totalLabel.textContent = w.total;
    this.addLabel.textContent = w.add_type;
    this.addButton.textContent = `+ ${w.add}`;
    this.addButton.setAttribute("aria-label", w.add);
    this.fullNote.textContent = w.add_full;
    this.rowsBox.setAttribute("aria-label", w.editor);
    const kinds = this.kit.kinds.join(",");
    if (this.addType.dataset.options !== kinds) {
      const chosen = this.addType.value;
      this.addType.replaceChildren();
      for (const kind of this.kit.kinds) el("option", "", this.addType, { value: kind }).textContent = kind;
      this.addType.dataset.options = kinds;
      if (chosen) this.addType.value = chosen;
    }
  }

  draw() {
    const layers = this.s.layers;
    const st = this.data.state;
    const full = layers.length >= this.kit.max_layers;
    this.totalValue.textContent = st.total;
    this.addButton.disabled = full;
    this.addButton.title = full ? this.kit.words.add_full : "";
    this.fullNote.hidden = !full;
    while (this.rows.length < layers.length) this.rows.push(this.makeRow());
    while (this.rows.length > layers.length) this.rows.pop().box.remove();
    layers.forEach((layer, i) => this.drawRow(i, layer, st.lines[i], layers.length));
    this.mark();
    if (this.focusAfter) {
      const [i, control] = this.focusAfter;
      this.focusAfter = null;
      const target = i === null ? this.addButton : this.rows[i][control];
      (target.disabled ? this.addButton : target).focus();
    }
  }

  makeRow() {
    const box = el("div", "row", this.rowsBox, { "data-testid": "lab-row", role: "group" });
    const line = el("div", "line", box);
    const num = el("span", "num", line, { "aria-hidden": "true" });
    const kindPick = el("label", "field", line);
    const kindLabel = el("span", "field-label", kindPick);
    const kind = el("select", "kind", kindPick, { "data-testid": "lab-kind" });
    kind.addEventListener("change", () => {
      const n = this.rows.indexOf(row);
      const layers = this.s.layers.slice();
      layers[n] = { ...this.kit.new[kind.value] };
      this.edit(layers);
    });
    const fields = el("div", "fields", line);
    const moves = el("div", "moves", line);
    const button = (name, text, act) => {
      const b = el("button", "icon", moves, { type: "button", "data-testid": `lab-${name}` });
      b.textContent = text;
      b.addEventListener("click", () => act(this.rows.indexOf(row)));
      return b;
    };
    const row = {
      box, num, kind, kindLabel, fields, type: null, shape: null, inputs: {},
      up: button("up", "↑", (n) => this.move(n, -1)),
      down: button("down", "↓", (n) => this.move(n, 1)),
      remove: button("remove", "✕", (n) => this.remove(n)),
      out: el("div", "out", box, { "data-testid": "lab-out" }),
    };
    return row;
  }

  // the row's settings, made anew for another kind (or a size that turns from a pair into one number)
  buildFields(row, layer) {
    const names = FIELDS[layer.type] || [];
    const shape = layer.type + ":" + names.map((name) => (Array.isArray(layer[name]) ? "pair" : "one")).join(",");
    if (row.shape === shape) return;
    row.shape = shape;
    row.type = layer.type;
    row.fields.replaceChildren();
    row.inputs = {};
    if (layer.type === "Flatten") {
      row.note = el("span", "flat-note", row.fields);
      return;
    }
    row.note = null;
    for (const name of names) {
      const kind = fieldKind(layer.type, name);
      const wrap = el("label", `field f-${name}`, row.fields);
      const label = el("span", "field-label", wrap);
      let input;
      if (Array.isArray(layer[name])) { // a non-square size from a link: kept as it is, shown
        input = el("span", "pair", wrap, { "data-testid": `lab-${name}` });
      } else if (kind === "choice" || kind === "pool_strides") {
        input = el("select", "", wrap, { "data-testid": `lab-${name}` });
        input.addEventListener("change", () => {
          const n = this.rows.indexOf(row);
          const v = input.value;
          if (kind === "pool_strides") this.setField(n, name, v === "" ? null : Number(v));
          else this.setField(n, name, name === "activation" && v === "" ? null : v);
        });
      } else {
        const whole = kind !== "rate";
        const [lo, hi] = this.kit.limits[kind === "rate" ? "rate" : name];
        input = el("input", whole ? "num-box" : "num-box wide", wrap, {
          type: "number", min: String(lo), max: String(hi), step: whole ? "1" : String(this.kit.rate_step),
          inputmode: whole ? "numeric" : "decimal", "data-testid": `lab-${name}`,
        });
        const take = (wait) => {
          const v = input.value.trim() === "" ? NaN : Number(input.value);
          if (!Number.isFinite(v)) return false;
          this.setField(this.rows.indexOf(row), name, v, wait);
          return true;
        };
        input.addEventListener("input", () => take(QUIET_MS)); // typing: committed once it pauses
        const confirm = () => { // Enter, leaving the box, a spinner click: within the limits, at once
          const n = this.rows.indexOf(row);
          const v = input.value.trim() === "" ? NaN : Number(input.value);
          const value = Number.isFinite(v) ? clamp(v, [lo, hi], whole) : this.s.layers[n][name];
          input.value = String(value);
          if (value !== this.s.layers[n][name] || this.commits.dirty) this.setField(n, name, value, 0);
        };
        input.addEventListener("change", confirm);
        input.addEventListener("keydown", (e) => { if (e.key === "Enter") confirm(); });
      }
      row.inputs[name] = { input, label, kind };
    }
  }

  drawRow(i, layer, line, count) {
    const w = this.kit.words;
    const row = this.rows[i];
    const name = fill(w.layer_n, { n: i + 1 });
    row.num.textContent = String(i + 1);
    row.box.setAttribute("aria-label", `${name}: ${layer.type}`);
    row.box.dataset.kind = layer.type;
    const kinds = this.kit.kinds.includes(layer.type) ? this.kit.kinds : [...this.kit.kinds, layer.type];
    if (row.kind.dataset.options !== kinds.join(",")) {
      row.kind.replaceChildren();
      for (const kind of kinds) el("option", "", row.kind, { value: kind }).textContent = kind;
      row.kind.dataset.options = kinds.join(",");
    }
    row.kind.value = layer.type;
    row.kindLabel.textContent = w.kind;
    row.kind.setAttribute("aria-label", `${name} · ${w.kind}`);
    this.buildFields(row, layer);
    if (row.note) row.note.textContent = w.flatten_note;
    for (const [field, { input, label }] of Object.entries(row.inputs)) {
      const word = field === "strides" && POOLS.includes(layer.type) ? w.pool_strides : w[field];
      label.textContent = word;
      input.setAttribute("aria-label", `${name} · ${word}`);
      const value = layer[field];
      if (input.tagName === "SPAN") {
        input.textContent = `${value[0]}×${value[1]}`;
      } else if (input.tagName === "SELECT") {
        this.choices(input, layer, field);
        input.value = value === null || value === undefined ? "" : String(value);
      } else if (this.parent.activeElement !== input || Number(input.value) !== value) {
        if (!(this.parent.activeElement === input && input.value.trim() === "")) input.value = String(value);
      }
    }
    const at = (label) => `${label} · ${name}`;
    row.up.disabled = i === 0;
    row.down.disabled = i === count - 1;
    row.up.setAttribute("aria-label", at(w.up));
    row.down.setAttribute("aria-label", at(w.down));
    row.remove.setAttribute("aria-label", at(w.remove));
    row.up.title = w.up;
    row.down.title = w.down;
    row.remove.title = w.remove;
    row.out.textContent = line ? line.text : "";
    row.out.hidden = !line;
    row.out.classList.toggle("error", !!(line && line.error));
    row.out.setAttribute("role", line && line.error ? "alert" : "note");
  }

  // a select's options: paddings, activations (None: "none (linear)"; one a link gave kept), a pool's strides
  choices(select, layer, field) {
    const w = this.kit.words;
    let options;
    if (field === "padding") options = this.kit.paddings.map((p) => [p, p]);
    else if (field === "activation") {
      const names = this.kit.activations.includes(layer.activation) ? this.kit.activations
        : [...this.kit.activations, layer.activation];
      options = names.map((a) => [a === null ? "" : a, a === null ? w.no_activation : a]);
    } else {
      const [lo, hi] = this.kit.limits.strides;
      options = [["", w.same_as_pool]];
      for (let s = lo; s <= hi; s++) options.push([String(s), String(s)]);
    }
    const key = JSON.stringify(options);
    if (select.dataset.options === key) return;
    select.replaceChildren();
    for (const [value, text] of options) el("option", "", select, { value }).textContent = text;
    select.dataset.options = key;
  }

  dispose() {
    this.commits.flush();
  }
}

const CSS = `
:host { display: block; }
.sl { font-family: var(--st-font, "Source Sans Pro", sans-serif); color: var(--st-text-color, #31333f); font-size: 14px;
  line-height: 1.4; display: flex; flex-direction: column; gap: 8px; }
.bar { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 8px 24px; padding: 10px 14px; background: #fff;
  border: 1px solid var(--st-border-color, #d5d8de); border-radius: 8px; box-shadow: 0 2px 6px rgba(0, 0, 0, 0.08); }
/* the bar sticks under Streamlit's header while the rows scroll (it leaves with the last row); not on very low screens
   (150 % zoom on a laptop), where it would cover half the page */
@media (min-height: 560px) { .bar { position: sticky; top: 3.75rem; z-index: 20; } }
.total { display: flex; flex-direction: column; }
.total-label { font-size: 14px; }
.total-value { font-size: 36px; line-height: 1.15; font-variant-numeric: tabular-nums; white-space: nowrap; }
.add { display: flex; align-items: flex-end; gap: 8px; flex-wrap: wrap; }
.note { font-size: 13px; color: #6b6f7b; flex-basis: 100%; }
.rows { display: flex; flex-direction: column; gap: 8px; }
.row { border: 1px solid var(--st-border-color, #d5d8de); border-radius: 8px; padding: 8px 12px;
  display: flex; flex-direction: column; gap: 4px; }
.line { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 6px 10px; }
.fields { display: contents; }
.num { font-weight: 700; min-width: 1.4em; align-self: center; padding-top: 18px; }
.field { display: flex; flex-direction: column; gap: 2px; }
.field-label { font-size: 13px; white-space: nowrap; }
select, input, button { font: inherit; color: inherit; }
select, input { border: 1px solid var(--st-border-color, #d5d8de); border-radius: 8px; background: #f0f2f6;
  padding: 5px 8px; min-height: 36px; box-sizing: border-box; }
select { padding-right: 4px; }
.kind { font-weight: 600; }
.num-box { width: 6em; font-variant-numeric: tabular-nums; }
.pair { min-height: 36px; display: flex; align-items: center; font-variant-numeric: tabular-nums; }
.flat-note { color: #555a66; align-self: center; padding-top: 18px; }
.moves { display: flex; gap: 4px; margin-left: auto; }
button { border: 1px solid var(--st-border-color, #d5d8de); background: #fff; border-radius: 8px; cursor: pointer;
  min-height: 36px; padding: 4px 12px; white-space: nowrap; }
button.icon { min-width: 36px; padding: 4px 8px; font-weight: 700; }
button:hover:not(:disabled) { border-color: var(--st-primary-color, #ff4b4b); color: var(--st-primary-color, #ff4b4b); }
button.primary { background: var(--st-primary-color, #ff4b4b); border-color: var(--st-primary-color, #ff4b4b);
  color: #fff; font-weight: 600; }
button.primary:hover:not(:disabled) { color: #fff; filter: brightness(0.95); }
button:disabled { opacity: 0.4; cursor: not-allowed; }
select:focus-visible, input:focus-visible, button:focus-visible { outline: 2px solid var(--st-primary-color, #ff4b4b);
  outline-offset: 2px; }
.out { color: #6b6f7b; font-variant-numeric: tabular-nums; }
.out.error { color: #7d353b; background: #ffecec; border-radius: 6px; padding: 6px 10px; }
.stale .out, .stale .total-value { opacity: 0.45; }
[hidden] { display: none !important; }
.present, .present .field-label, .present .total-label, .present .note { font-size: 20px; }
.present .total-value { font-size: 56px; }
.present select, .present input, .present .pair { min-height: 44px; }
.present .num, .present .flat-note { padding-top: 26px; }
`;

export default function stacklab(component) {
  const { data, parentElement, setStateValue } = component;
  let editor = EDITORS.get(parentElement);
  if (!editor) {
    editor = new Editor(parentElement);
    EDITORS.set(parentElement, editor);
  }
  editor.setStateValue = setStateValue; // the newest call's (it names this mount's widget)
  editor.render(data);
  return () => {
    editor.dispose();
    EDITORS.delete(parentElement);
  };
}
