// §5's window step-through (ui/pooling.py mounts it through ui/workbench.py): the map with the current window, the
// pooled output with the current cell, and the slide's sentence for the window — all computed HERE, in the browser.
//
// ← / → / play move the window here; nothing goes to the server until the steps pause (QUIET_MS) or play starts or
// pauses. Then ONE commit (setStateValue("commit", …)) carries {seq, win, playing}; the server keeps it in the page's
// record (the link's neighbours: the class and the notebook see it) and echoes the number back as data.ack. Data
// from the server replaces the local window only when no step of ours is pending (ack ≥ sent): workbench.js Commits.
//
// The maths mirrors cnnlib/pooling.py (max_pool2d, pool_step: windows in reading order, the first max wins) and the
// words ui/pooling.py wrote (max(…) = v with f"{round(v, 3):g}"); tests/test_browser_pooling.py compares them.

// workbench.js's helpers, fetched with this module's own version (?v=, a hash of both files: ui/workbench.py
// module_name): a static import would name workbench.js without it, and a browser could keep an old copy.
const { Commits, INTERACTIVE, Live, RESEND_MS, colourAt, dark, el, fill, fixed, g, label, parseScale, rgb } =
  await import(new URL(`./workbench.js${new URL(import.meta.url).search}`, import.meta.url).href);

const QUIET_MS = 300; // a pause in the steps that ends them: then the window is committed
const PLAY_MS = 900; // the window's pace while playing (the old fragment's 0.9 s)
const HIGHLIGHT = "#f5b800"; // ui/charts.py HIGHLIGHT: the window, its max and the current output cell
const KITS = new Map(); // words and colour scale by id: sent once per session (ui/workbench.py)
const BENCHES = new WeakMap(); // parentElement → its Steps

// ---- the lecture's maths (cnnlib/pooling.py) --------------------------------------------------------------------

// The pooled map of an h×w map (flat, row by row) with size×size windows every `stride` cells ('valid').
export function maxPool(values, h, w, size, stride) {
  const oh = h >= size ? Math.floor((h - size) / stride) + 1 : 0;
  const ow = w >= size ? Math.floor((w - size) / stride) + 1 : 0;
  const out = [];
  for (let r = 0; r < oh; r++) {
    const row = [];
    for (let c = 0; c < ow; c++) row.push(windowAt(values, w, size, stride, ow, r * ow + c).value);
    out.push(row);
  }
  return { oh, ow, out };
}

// Window number `index` (0-based, reading order over the output): its place, values, max and the max's cell.
export function windowAt(values, w, size, stride, ow, index) {
  const row = Math.floor(index / ow);
  const col = index % ow;
  const top = row * stride;
  const left = col * stride;
  const cells = [];
  let best = 0;
  for (let a = 0; a < size; a++) {
    for (let b = 0; b < size; b++) {
      const v = values[(top + a) * w + left + b];
      if (cells.length && v > cells[best]) best = cells.length; // strictly larger: the first max wins, as argmax
      cells.push(v);
    }
  }
  return { row, col, top, left, values: cells, value: cells[best],
    winner: [top + Math.floor(best / size), left + (best % size)] };
}

// ui/pooling.py _num: f"{round(float(v), 3):g}" (round is correctly rounded, as f"{v:.3f}" is)
export function num(v) {
  return g(Number(fixed(v, 3)));
}

export function maxSentence(step) {
  return `max(${step.values.map(num).join(", ")}) = ${num(step.value)}`;
}

function span(start, size) {
  return `${start + 1}–${start + size}`; // 1-based rows or columns of a window, as on the slides: '3–4'
}

export function stepSentence(words, step, k, size) {
  return `${fill(words.step_sentence, { k, rows: span(step.top, size), cols: span(step.left, size), r: step.row + 1,
    c: step.col + 1 })} ${fill(words.step_winner, { ir: step.winner[0] + 1, ic: step.winner[1] + 1 })}`;
}

// ---- the step-through -------------------------------------------------------------------------------------------

class Steps {
  constructor(parent) {
    this.parent = parent;
    this.s = null; // the window shown: {win (1-based), playing}
    this.playing = null;
    this.build();
    // a following student: the teacher's steps ({win, playing}) by the live channel (workbench.js Live)
    this.live = new Live((state) => this.render({ ...this.data, state: { ...this.data.state, ...state } }));
    this.commits = new Commits(this.root, (seq) => {
      if (!this.setStateValue) return false;
      this.setStateValue("commit", { seq, win: this.s.win, playing: this.playing !== null, kit: this.kit.id });
    }, RESEND_MS);
  }

  build() {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    if ("adoptedStyleSheets" in this.parent) this.parent.adoptedStyleSheets = [sheet];
    // "wb": tests/browser.py wait_committed finds a workbench's root by it (its data-pending)
    const root = (this.root = el("div", "wb pb", this.parent, { role: "group" }));
    const controls = el("div", "controls", root);
    const box = el("label", "winbox", controls);
    this.winLabel = el("span", "", box);
    this.winInput = el("input", "", box, { type: "range", min: "1", step: "1", "data-testid": "pool-window-slider" });
    this.winOut = el("output", "", box, { "data-testid": "pool-window" });
    this.winInput.addEventListener("input", () => {
      this.stop();
      this.edit({ win: Number(this.winInput.value) });
      this.commitSoon(QUIET_MS);
    });
    this.prev = el("button", "", controls, { type: "button", "data-testid": "pool-prev" });
    this.next = el("button", "", controls, { type: "button", "data-testid": "pool-next" });
    this.play = el("button", "", controls, { type: "button", "data-testid": "pool-play" });
    this.prev.addEventListener("click", () => this.step(-1));
    this.next.addEventListener("click", () => this.step(1));
    this.play.addEventListener("click", () => this.togglePlay());

    const maps = el("div", "maps", root);
    const cin = el("section", "col col-in", maps);
    this.inTitle = el("div", "title", cin);
    this.inMap = el("div", "grid", cin, { "data-testid": "pool-input", tabindex: "0", role: "img" });
    const cout = el("section", "col col-out", maps);
    const head = el("div", "head", cout);
    this.outTitle = el("div", "title", head);
    this.pngButton = el("button", "small", head, { type: "button", "data-testid": "pool-png" });
    this.pngButton.addEventListener("click", () => this.savePng());
    this.outMap = el("div", "grid", cout, { "data-testid": "pooled-map", role: "img" });
    this.maxLine = el("code", "max", cout, { "data-testid": "pool-max" });
    this.sentence = el("p", "sentence", cout, { "data-testid": "pool-sentence" });
    this.tipBox = el("div", "tip", root, { "data-testid": "pool-tip", role: "status" });
    this.tipBox.hidden = true;
    for (const map of [this.inMap, this.outMap]) {
      map.addEventListener("pointerover", (e) => this.tip(e.target.closest(".cell")));
      map.addEventListener("pointerleave", () => this.tip(null));
    }
    this.outMap.addEventListener("click", (e) => { // a click on an output cell: its window
      const cell = e.target.closest(".cell");
      if (!cell) return;
      this.stop();
      this.edit({ win: Number(cell.dataset.k) });
      this.commitSoon(0);
    });

    root.addEventListener("keydown", (e) => this.shortcut(e, e.target));
    // focus on no control (the page itself, a presenter's clicker): → / ← / space still step and play
    this.onDocumentKey = (e) => {
      const target = e.composedPath()[0];
      const host = this.parent.host || this.parent;
      if (!this.root.isConnected || !(target instanceof Element) || host.contains(target) || target.closest(INTERACTIVE)) return;
      this.shortcut(e, null);
    };
    document.addEventListener("keydown", this.onDocumentKey);
  }

  shortcut(e, target) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    if (target && target.matches("input, select, textarea")) return; // the window's slider steps itself
    if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
      e.preventDefault();
      this.step(e.key === "ArrowRight" ? 1 : -1);
    } else if ((e.key === " " || e.key === "Spacebar") && !(target && target.matches("button"))) {
      e.preventDefault();
      this.togglePlay();
    }
  }

  // ---- state in, state out ----

  render(data) {
    const newer = this.live.follow(data.live, data.base); // a teacher's step drawn since this data was made
    if (newer) data = { ...data, state: { ...data.state, ...newer } };
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
    this.m = { values: st.map, h: st.h, w: st.w, size: st.size, stride: st.stride };
    this.pooled = maxPool(st.map, st.h, st.w, st.size, st.stride);
    this.commits.acked(data.ack);
    if (!this.s || !this.commits.pending()) {
      const win = this.s && this.playing !== null && st.playing ? this.s.win : st.win; // playing on: keep our frame
      this.s = { win };
      if (st.playing) this.startPlay(); // the teacher pressed play: the same frames here
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
    this.draw();
    this.mark();
  }

  commitSoon(wait) {
    this.commits.soon(wait);
  }

  // ---- the window ----

  count() {
    return this.pooled.oh * this.pooled.ow;
  }

  step(delta) {
    const n = this.count();
    if (!n) return;
    this.stop();
    this.edit({ win: ((this.s.win - 1 + delta) % n + n) % n + 1 });
    this.commitSoon(QUIET_MS);
  }

  // Play: the start and the pause are commits ({win, playing}); the frames in between are drawn here, not sent.
  // A class's followers get the same two commits and play the same frames in their own browsers.
  togglePlay() {
    if (this.playing !== null) this.stop();
    else this.startPlay();
    this.commits.dirty = true;
    this.commitSoon(0);
  }

  startPlay() {
    if (this.playing !== null) return;
    this.playing = setInterval(() => {
      const n = this.count();
      if (!n) return;
      this.s = { ...this.s, win: (this.s.win % n) + 1 };
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
    this.root.setAttribute("aria-label", w.step_title);
    this.winLabel.textContent = w.window;
    this.winInput.setAttribute("aria-label", w.window);
    this.prev.textContent = `← ${w.prev}`;
    this.next.textContent = `${w.next} →`;
    this.pngButton.textContent = w.save_png;
  }

  drawButtons() {
    if (!this.kit) return;
    const w = this.kit.words;
    this.play.textContent = this.playing !== null ? `❚❚ ${w.pause}` : `▶ ${w.play}`;
    this.play.setAttribute("aria-pressed", String(this.playing !== null));
  }

  draw() {
    const { values, h, w, size, stride } = this.m;
    const { oh, ow, out } = this.pooled;
    const n = oh * ow;
    const words = this.kit.words;
    const present = !!this.data.present;
    if (!(this.s.win >= 1 && this.s.win <= n)) this.s.win = 1;
    const k = this.s.win;
    const step = windowAt(values, w, size, stride, ow, k - 1);
    let bound = 0;
    for (const v of values) if (Number.isFinite(v)) bound = Math.max(bound, Math.abs(v));
    let outBound = 0;
    for (const row of out) for (const v of row) if (Number.isFinite(v)) outBound = Math.max(outBound, Math.abs(v));

    this.winInput.max = String(n);
    this.winInput.value = String(k);
    this.winInput.setAttribute("aria-valuetext", String(k));
    this.winInput.disabled = n <= 1;
    this.winOut.textContent = String(k);
    this.drawButtons();

    this.inTitle.textContent = fill(words.fig_window, { h, w });
    const inPx = Math.min(present ? 60 : 46, Math.floor((present ? 380 : 300) / Math.max(h, w)));
    this.cells(this.inMap, "in", h, w, inPx, present, (r, c) => values[r * w + c], bound || 1);
    this.inCells.forEach((cell, i) => {
      const r = Math.floor(i / w);
      const c = i % w;
      cell.classList.toggle("inside", r >= step.top && r < step.top + size && c >= step.left && c < step.left + size);
      cell.classList.toggle("winner", r === step.winner[0] && c === step.winner[1]);
    });
    this.frames(inPx, size, stride, oh, ow, step);
    this.inMap.setAttribute("aria-label", `${this.inTitle.textContent}. ${maxSentence(step)}`);

    this.outTitle.textContent = fill(words.fig_out, { h: oh, w: ow });
    const outPx = Math.min(present ? 60 : 46, Math.floor((present ? 300 : 230) / Math.max(oh, ow, 1)));
    this.cells(this.outMap, "out", oh, ow, outPx, present, (r, c) => out[r][c], outBound || 1);
    this.outCells.forEach((cell, i) => cell.classList.toggle("now", i + 1 === k));
    this.outMap.dataset.values = JSON.stringify(out);
    this.outMap.setAttribute("aria-label", this.outTitle.textContent);
    this.maxLine.textContent = maxSentence(step);
    this.sentence.textContent = stepSentence(words, step, k, size);
  }

  // a map's cells, found or made (a new shape: made anew), coloured blue–white–red around 0 as ui/charts.py
  cells(box, name, rows, cols, px, present, valueAt, bound) {
    const shape = `${rows}x${cols}x${px}`;
    const list = `${name}Cells`;
    if (box.dataset.shape !== shape) {
      box.replaceChildren();
      box.dataset.shape = shape;
      box.style.gridTemplateColumns = `repeat(${cols}, ${px}px)`;
      box.style.gridAutoRows = `${px}px`;
      box.style.fontSize = present ? "20px" : `${px < 36 ? 12 : 14}px`;
      this[list] = [];
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const cell = el("div", "cell", box);
          cell.dataset.k = String(r * cols + c + 1);
          cell.dataset.rc = `(${r + 1}, ${c + 1})`;
          this[list].push(cell);
        }
      }
      if (name === "in") this.frameLayer = el("div", "frames", box, { "aria-hidden": "true" });
    }
    this[list].forEach((cell, i) => {
      const v = valueAt(Math.floor(i / cols), i % cols);
      const colour = colourAt(this.scale.stops, (v + bound) / (2 * bound));
      cell.textContent = label(v);
      cell.style.background = rgb(colour);
      cell.style.color = dark(colour) ? "#fff" : "#111";
      cell.dataset.value = String(v);
      cell.setAttribute("title", `${cell.dataset.rc} = ${g(v)}`);
    });
  }

  // every window's dotted outline (when they do not overlap) and this window's box, drawn over the input's cells
  frames(px, size, stride, oh, ow, step) {
    const gap = 1;
    const at = (n) => n * (px + gap);
    const key = `${px}x${size}x${stride}x${oh}x${ow}`;
    const layer = this.frameLayer;
    if (layer.dataset.key !== key) {
      layer.replaceChildren();
      layer.dataset.key = key;
      if (stride >= size) {
        for (let r = 0; r < oh; r++) {
          for (let c = 0; c < ow; c++) {
            const f = el("div", "frame", layer);
            Object.assign(f.style, { left: `${at(c * stride)}px`, top: `${at(r * stride)}px`, width: `${at(size) - gap}px`,
              height: `${at(size) - gap}px` });
          }
        }
      }
      this.box = el("div", "box", layer, { "data-testid": "pool-box" });
    }
    Object.assign(this.box.style, { left: `${at(step.left) - 3}px`, top: `${at(step.top) - 3}px`,
      width: `${at(size) - gap + 6}px`, height: `${at(size) - gap + 6}px`, borderColor: HIGHLIGHT });
  }

  tip(cell) {
    if (!cell) {
      this.tipBox.hidden = true;
      return;
    }
    this.tipBox.hidden = false;
    this.tipBox.textContent = `${cell.dataset.rc} = ${g(Number(cell.dataset.value))}`;
    const box = cell.getBoundingClientRect();
    const frame = this.root.getBoundingClientRect();
    this.tipBox.style.left = `${box.left - frame.left + box.width / 2}px`;
    this.tipBox.style.top = `${box.top - frame.top - 4}px`;
  }

  // the pooled map as a picture (what Plotly's camera gave before): drawn here, offline, "pooled.png"
  savePng() {
    const { oh, ow, out } = this.pooled;
    const cell = 48;
    const titleH = 36;
    const scale = 2;
    const canvas = document.createElement("canvas");
    canvas.width = (Math.max(ow * cell, 200) + 16) * scale;
    canvas.height = (oh * cell + titleH + 8) * scale;
    const ctx = canvas.getContext("2d");
    ctx.scale(scale, scale);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = "#111";
    ctx.font = "16px sans-serif";
    ctx.textBaseline = "middle";
    ctx.fillText(this.outTitle.textContent, 8, titleH / 2);
    ctx.textAlign = "center";
    ctx.font = "15px sans-serif";
    let bound = 0;
    for (const row of out) for (const v of row) if (Number.isFinite(v)) bound = Math.max(bound, Math.abs(v));
    bound = bound || 1;
    for (let r = 0; r < oh; r++) {
      for (let c = 0; c < ow; c++) {
        const colour = colourAt(this.scale.stops, (out[r][c] + bound) / (2 * bound));
        ctx.fillStyle = rgb(colour);
        ctx.fillRect(8 + c * cell, titleH + r * cell, cell - 1, cell - 1);
        ctx.fillStyle = dark(colour) ? "#fff" : "#111";
        ctx.fillText(label(out[r][c]), 8 + c * cell + cell / 2, titleH + r * cell + cell / 2);
      }
    }
    const link = document.createElement("a");
    link.download = "pooled.png";
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
.pb { font-family: var(--st-font, sans-serif); color: var(--st-text-color, #31333f); font-size: 14px; line-height: 1.4;
  position: relative; display: flex; flex-direction: column; gap: 10px; }
.controls { display: flex; flex-wrap: wrap; gap: 8px 10px; align-items: center; }
.winbox { display: flex; align-items: center; gap: 8px; white-space: nowrap; }
.winbox input { width: 180px; accent-color: var(--st-primary-color, #2f6fdf); }
output { font-variant-numeric: tabular-nums; min-width: 1.5em; font-weight: 600; }
button { font: inherit; border: 1px solid var(--st-border-color, #d5d8de); background: #fff; color: inherit;
  border-radius: 8px; padding: 4px 12px; cursor: pointer; white-space: nowrap; }
button:hover { border-color: var(--st-primary-color, #2f6fdf); color: var(--st-primary-color, #2f6fdf); }
button:focus-visible, .grid:focus-visible, input:focus-visible {
  outline: 2px solid var(--st-primary-color, #2f6fdf); outline-offset: 2px; }
.maps { display: flex; flex-wrap: wrap; gap: 12px 32px; align-items: flex-start; }
.col { display: flex; flex-direction: column; gap: 6px; min-width: 0; }
.col-in { max-width: 320px; }
.col-out { flex: 1 1 240px; max-width: 420px; }
.present .col-in { max-width: 400px; }
.present .col-out { max-width: 560px; }
.title { font-weight: 600; }
.head { display: flex; align-items: baseline; justify-content: space-between; gap: 10px; flex-wrap: wrap; }
button.small { font-size: 12px; padding: 1px 8px; }
.grid { display: grid; gap: 1px; position: relative; width: max-content; outline: none; }
.cell { display: flex; align-items: center; justify-content: center; font-variant-numeric: tabular-nums;
  border-radius: 2px; box-sizing: border-box; white-space: nowrap; overflow: hidden; position: relative; }
.cell.winner::after, .cell.now::after { content: ""; position: absolute; inset: 3px; border: 3px solid ${HIGHLIGHT};
  border-radius: 50%; }
.cell.now::after { border-radius: 3px; inset: 1px; }
.frames { position: absolute; inset: 0; pointer-events: none; }
.frame { position: absolute; border: 1.5px dotted #555; box-sizing: border-box; }
.box { position: absolute; border: 3px solid; border-radius: 3px; box-sizing: border-box; }
code.max { font-family: var(--st-code-font, monospace); font-size: 20px; font-weight: 600; white-space: pre-wrap;
  word-break: break-word; background: var(--st-code-background-color, #f0f2f6); border-radius: 4px; padding: 2px 8px;
  width: fit-content; max-width: 100%; box-sizing: border-box; }
.sentence { margin: 0; }
.tip { position: absolute; transform: translate(-50%, -100%); background: #262730; color: #fff; padding: 2px 7px;
  border-radius: 4px; font-size: 13px; pointer-events: none; white-space: nowrap; z-index: 2; }
[hidden] { display: none !important; }
.present { font-size: 20px; }
.present .title, .present button, .present button.small, .present .winbox, .present .sentence, .present .tip { font-size: 20px; }
.present code.max { font-size: 24px; }
`;

export default function pooling(component) {
  const { data, parentElement, setStateValue } = component;
  let steps = BENCHES.get(parentElement);
  if (!steps) {
    steps = new Steps(parentElement);
    BENCHES.set(parentElement, steps);
  }
  steps.setStateValue = setStateValue;
  steps.render(data);
  return () => {
    steps.dispose();
    BENCHES.delete(parentElement);
  };
}
