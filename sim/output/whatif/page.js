/* The what-if page: inputs, results, scorecard, charts, the URL fragment and the saved file.
   The model is model.js (written before this file into the same script). Nothing here makes
   a request: the Content-Security-Policy forbids every one, and the saved file is a Blob. */
"use strict";

const DATA = JSON.parse(document.getElementById("whatif-data").textContent);
const APP = document.getElementById("app");
const SVG_NS = "http://www.w3.org/2000/svg";
const LEVEL_DIFF_SERIES = [
  "output.total",
  "growth.total",
  "income_per_capita",
  "budget_revenue",
  "land_use_revenue",
  "budget_revenue_total",
  "investment",
  "retail",
];

const state = {
  lang: DATA.lang === "en" ? "en" : "vi",
  index: 0, // the scenario shown
  values: {}, // path -> the page's value (an override absent: no override)
  loaded: null, // the model of the scenario as loaded
  cells: {}, // series -> [cell per year]
  fields: {}, // path -> input
  errors: {}, // path -> message of a value not applied
  frame: 0, // the animation frame of an update asked for while typing
};

// ---------------------------------------------------------------------------- words, numbers

function word(key) {
  const entry = DATA.words[key];
  return entry ? entry[state.lang] : key;
}

/* 1.234,5 (vi) or 1,234.5 (en); "–" for a missing number; −1,5 with a minus sign, none before
   a number rounded to zero; an exact tie rounded to the even digit: as
   sim.output.i18n.format_number (Python's format), for finite numbers. */
function fmt(value, decimals) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  const text = roundedText(Math.abs(value), decimals);
  const [whole, fraction] = text.split(".");
  const group = state.lang === "vi" ? "." : ",";
  const point = state.lang === "vi" ? "," : ".";
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  const shown = fraction === undefined ? grouped : grouped + point + fraction;
  return value < 0 && /[1-9]/.test(shown) ? "−" + shown : shown;
}

/* A non-negative number to `decimals` places: toFixed, which rounds the number's exact binary
   value, but takes an exact tie (2.5, 0.125) to the even digit, as Python does, not up. */
function roundedText(magnitude, decimals) {
  const exact = magnitude.toFixed(100);
  const cut = exact.indexOf(".") + 1 + decimals;
  if (/^50*$/.test(exact.slice(cut))) {
    const down = exact.slice(0, decimals ? cut : cut - 1);
    if ("02468".includes(down[down.length - 1])) return down;
  }
  return magnitude.toFixed(decimals);
}

function fmtSigned(value, decimals) {
  if (Number.isNaN(value)) return "–";
  return (value > 0 ? "+" : "−") + fmt(Math.abs(value), decimals);
}

function decimalsOf(name) {
  return /^(growth|cagr|share)\./.test(name) ? 2 : 1;
}

/* A number as an input shows it: in full, with the language's decimal sign. */
function inputText(value) {
  if (value === undefined) return "";
  const text = String(value);
  return state.lang === "vi" ? text.replace(".", ",") : text;
}

/* A typed number: 15,5 or 15.5; 1.641 in Vietnamese and 1,641 in English group thousands. */
function parseNumber(raw) {
  let text = raw.replace(/[\s\u00a0]/g, "").replace("−", "-");
  const group = state.lang === "vi" ? "." : ",";
  const grouped = new RegExp("^[-+]?[1-9]\\d{0,2}(\\" + group + "\\d{3})+([.,]\\d*)?$");
  if (grouped.test(text)) text = text.split(group).join("");
  text = text.replace(",", ".");
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return NaN;
  return Number(text);
}

// ---------------------------------------------------------------------------- DOM helpers

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined && value !== false) node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

// ---------------------------------------------------------------------------- the scenario

function scenario() {
  return DATA.scenarios[state.index];
}

function spec(values) {
  return Object.assign({}, scenario(), {
    params: values,
    targets: DATA.targets,
    tolerance: DATA.tolerance,
  });
}

function sectorLabel(name) {
  return word(name);
}

/* What a parameter path is called and measured in: [label, unit]. */
function paramLabel(path) {
  const parts = path.split(".");
  const s = scenario();
  if (parts[0] === "sectors") {
    const unit = parts[2] === "share_pct" ? "%" : DATA.words.percent_per_year[state.lang];
    return [sectorLabel(parts[1]) + ": " + word("param." + parts[2]), unit];
  }
  if (parts[0] === "structure") {
    return [word("param." + parts[1]), DATA.words.percent_per_year[state.lang]];
  }
  const ind = s.indicators.find((i) => i.name === parts[1]);
  const unit =
    parts[2] === "base"
      ? ind.unit[state.lang]
      : parts[2] === "elasticity"
        ? ""
        : DATA.words.percent_per_year[state.lang];
  return [ind.label[state.lang] + ": " + word("param." + parts[2]), unit];
}

function yearsOfScenario() {
  const s = scenario();
  const years = [];
  for (let y = s.base_year + 1; y <= s.end_year; y++) years.push(y);
  return years;
}

// ---------------------------------------------------------------------------- inputs

/* A value as a hint shows it: in full, as its input does, but with a minus sign (the input
   takes either). */
function hintText(value) {
  const text = inputText(value);
  return text.startsWith("-") ? "−" + text.slice(1) : text;
}

/* "15,5-16,5", or "−5 đến 5" with a negative end: ranges as sim.output.i18n.format_band writes
   them (the values in full, as the inputs show them). */
function rangeText(low, high) {
  const dash = Math.min(low, high) < 0 ? " " + word("range_to") + " " : "-";
  return hintText(low) + dash + hintText(high);
}

function field(path, label, unit) {
  const id = "p-" + path.replace(/\./g, "-");
  const loaded = scenario().params[path];
  const range = scenario().ranges[path];
  let hint = word("scenario_value") + ": " + hintText(loaded);
  if (range) hint += "; " + word("source_range") + ": " + rangeText(range[0], range[1]);
  const input = el("input", {
    id: id,
    type: "text",
    inputmode: "decimal",
    autocomplete: "off",
    spellcheck: "false",
    "data-param": path,
    "aria-describedby": id + "-hint " + id + "-error",
  });
  input.value = inputText(state.values[path]);
  state.fields[path] = input;
  return el(
    "div",
    { class: "field" },
    el("label", { for: id }, label, unit ? el("span", { class: "unit" }, " (" + unit + ")") : null),
    input,
    el("small", { id: id + "-hint", class: "hint" }, hint),
    el("span", { id: id + "-error", class: "error", role: "alert" })
  );
}

function overrideGrid(rows) {
  const years = yearsOfScenario();
  const head = el("tr", {}, el("th", { scope: "col" }, word("parameter")));
  for (const y of years) head.append(el("th", { scope: "col" }, String(y)));
  const table = el("table", { class: "grid" }, el("thead", {}, head));
  const body = el("tbody");
  for (const [prefix, label, defaultPath] of rows) {
    const row = el("tr", {}, el("th", { scope: "row" }, label));
    for (const y of years) {
      const path = prefix + ".growth_pct_by_year." + y;
      const input = el("input", {
        type: "text",
        inputmode: "decimal",
        autocomplete: "off",
        "data-param": path,
        "data-year": String(y),
        "aria-label": label + ", " + y,
        title: label + ", " + y,
      });
      input.value = inputText(state.values[path]);
      if (defaultPath) input.setAttribute("data-default", defaultPath);
      state.fields[path] = input;
      row.append(el("td", {}, input));
    }
    body.append(row);
  }
  table.append(body);
  const box = el("div", { class: "scroll" }, table);
  wideBoxes.observe(box);
  return box;
}

function inputsSection() {
  const s = scenario();
  const params = s.params;
  const sectors = el("fieldset", {}, el("legend", {}, word("sectors")));
  for (const name of s.sectors) {
    for (const key of ["share_pct", "growth_pct"]) {
      const path = "sectors." + name + "." + key;
      if (path in params) sectors.append(field(path, ...paramLabel(path)));
    }
  }
  if ("structure.residual_growth_pct" in params) {
    const path = "structure.residual_growth_pct";
    sectors.append(field(path, ...paramLabel(path)));
  }
  const indicators = el("fieldset", {}, el("legend", {}, word("indicators")));
  for (const ind of s.indicators) {
    for (const key of ["base", "elasticity", "growth_pct"]) {
      const path = "indicators." + ind.name + "." + key;
      if (path in params) indicators.append(field(path, ...paramLabel(path)));
    }
  }
  const rows = s.sectors.map((n) => ["sectors." + n, sectorLabel(n), "sectors." + n + ".growth_pct"]);
  for (const ind of s.indicators) {
    const own = ind.rule === "growth" ? "indicators." + ind.name + ".growth_pct" : null;
    rows.push(["indicators." + ind.name, ind.label[state.lang], own]);
  }
  const byYear = el(
    "fieldset",
    { class: "by-year" },
    el("legend", {}, word("by_year_title")),
    el("p", { class: "hint" }, word("by_year_note")),
    overrideGrid(rows)
  );
  return [el("section", { class: "inputs", "aria-labelledby": "h-inputs" },
    el("h2", { id: "h-inputs" }, word("inputs")), el("p", { class: "hint" }, word("keys_hint")), sectors, indicators), byYear];
}

/* A typed value: [value or undefined for "no override", error message or ""]. */
function readInput(path, raw) {
  const isOverride = path.indexOf("_by_year.") > 0;
  if (raw.trim() === "") {
    return isOverride ? [undefined, ""] : [NaN, word("invalid_number")];
  }
  const value = parseNumber(raw);
  if (!Number.isFinite(value)) return [NaN, word("invalid_number")];
  if (/growth_pct/.test(path) && value <= -100) return [NaN, word("rate_floor")];
  if (/share_pct$/.test(path) && value < 0) return [NaN, word("share_floor")];
  return [value, ""];
}

function onInput(event, showErrors) {
  const input = event.target;
  const path = input.getAttribute("data-param");
  if (!path) return;
  const [value, error] = readInput(path, input.value);
  const message = document.getElementById(input.id + "-error");
  if (error) {
    if (!showErrors) return;
    state.errors[path] = error;
    input.setAttribute("aria-invalid", "true");
    if (message) message.textContent = error + " (" + word("not_applied") + ")";
    return;
  }
  delete state.errors[path];
  input.removeAttribute("aria-invalid");
  if (message) message.textContent = "";
  if (value === undefined) delete state.values[path];
  else state.values[path] = value;
  if (showErrors) update();
  else laterUpdate();
}

/* ArrowUp / ArrowDown in an input step its number by 0.1 (with Shift by 1) and apply it; an
   empty single-year field starts from the rate the year then has (its placeholder). */
function stepByKey(event) {
  const input = event.target;
  if ((event.key !== "ArrowUp" && event.key !== "ArrowDown") || !input.matches("input[data-param]")) return;
  const path = input.getAttribute("data-param");
  const [now, error] = readInput(path, input.value.trim() === "" ? input.placeholder : input.value);
  if (error || now === undefined) return;
  event.preventDefault();
  const step = (event.shiftKey ? 1 : 0.1) * (event.key === "ArrowUp" ? 1 : -1);
  input.value = inputText(Math.round((now + step) * 1e9) / 1e9);
  onInput({ target: input }, true);
}

/* Typing redraws once a frame, however many keys arrive in it; a change (leaving the field,
   Enter) redraws at once. */
function laterUpdate() {
  if (!state.frame) state.frame = requestAnimationFrame(update);
}

// ---------------------------------------------------------------------------- results

/* A fixed table layout needs a width: the label and unit columns and one per year (em). (Set
   through the CSSOM, which the policy allows; a style attribute in markup it would not.) */
function fixedTable(table, columns) {
  table.style.width = 26 + 5.6 * columns + "em"; // page.css: 17em + 9em + 5.6em a year (padding in)
  return table;
}

/* A box wider than the screen's room scrolls visibly: marked "wide", it is at most a screen
   high (its scroll bar in view, not below fifty rows) and keeps its header row and label
   column in place while it scrolls (page.css). Checked whenever the box changes size. */
const wideBoxes = new ResizeObserver((entries) => {
  for (const entry of entries) {
    const box = entry.target;
    const wide = box.scrollWidth > box.clientWidth + 1;
    if (box.classList.contains("wide") !== wide) box.classList.toggle("wide", wide);
  }
});

/* A wide table's scroll box: the keyboard reaches it (Tab, then the arrow keys scroll it) and
   a screen reader names it by its section's heading. */
function scrollBox(headingId, table) {
  const box = el("div", { class: "scroll", tabindex: "0", role: "region", "aria-labelledby": headingId }, table);
  wideBoxes.observe(box);
  return box;
}

function resultsTable() {
  const s = scenario();
  const years = [];
  for (let y = s.base_year; y <= s.end_year; y++) years.push(y);
  const head = el("tr", {}, el("th", { scope: "col" }, word("indicator")), el("th", { scope: "col" }, word("unit")));
  for (const y of years) head.append(el("th", { scope: "col", class: "num" }, String(y)));
  const body = el("tbody");
  state.cells = {};
  for (const [name, info] of Object.entries(s.series)) {
    const row = el("tr", {}, el("th", { scope: "row" }, info.label[state.lang]), el("td", {}, info.unit[state.lang]));
    state.cells[name] = years.map((y) => {
      const cell = numberCell({ "data-indicator": name, "data-year": String(y) });
      row.append(cell);
      return cell;
    });
    body.append(row);
  }
  return scrollBox("h-results", fixedTable(el("table", { class: "results" }, el("thead", {}, head), body), years.length));
}

function diffTable() {
  const s = scenario();
  const years = [];
  for (let y = s.base_year + 1; y <= s.end_year; y++) years.push(y);
  const head = el("tr", {}, el("th", { scope: "col" }, word("indicator")), el("th", { scope: "col" }, word("unit")));
  for (const y of years) head.append(el("th", { scope: "col", class: "num" }, String(y)));
  const body = el("tbody");
  state.diffCells = {};
  for (const name of LEVEL_DIFF_SERIES) {
    if (!(name in s.series)) continue;
    const info = s.series[name];
    const row = el("tr", {}, el("th", { scope: "row" }, info.label[state.lang]), el("td", {}, info.unit[state.lang]));
    state.diffCells[name] = years.map((y) => {
      const cell = numberCell({ "data-difference": name, "data-year": String(y) });
      row.append(cell);
      return cell;
    });
    body.append(row);
  }
  return scrollBox("h-diff", fixedTable(el("table", { class: "results" }, el("thead", {}, head), body), years.length));
}

function scorecardTable() {
  const head = el("tr", {});
  for (const key of ["target", "band", "value", "status", "gap", "as_loaded"]) {
    head.append(el("th", { scope: "col" }, word(key)));
  }
  const body = el("tbody");
  state.scoreRows = DATA.targets.map((target) => {
    const cells = [0, 1, 2, 3].map(() => numberCell({}));
    const row = el(
      "tr",
      { "data-target": target.key },
      el("th", { scope: "row" }, target.label[state.lang]),
      el("td", {}, target.band[state.lang]),
      ...cells
    );
    body.append(row);
    return { row: row, cells: cells };
  });
  return el("table", { class: "scorecard" }, el("thead", {}, head), body);
}

function render() {
  const s = scenario();
  document.documentElement.lang = state.lang;
  document.title = pageTitle(s);
  state.fields = {};
  state.loaded = whatifModel(spec(s.params));
  const picker = el("select", { id: "scenario", "data-role": "scenario" });
  DATA.scenarios.forEach((item, i) => {
    const option = el("option", { value: item.name }, item.title[state.lang]);
    option.selected = i === state.index;
    picker.append(option);
  });
  const skipped = DATA.skipped.length
    ? el("p", { class: "note" }, word("skipped").replace("{names}", DATA.skipped_titles.map((t) => t[state.lang]).join(", ")).replace("{reason}", word("skipped_reason")))
    : null;
  const controls = el(
    "div",
    { class: "controls" },
    el("label", { for: "scenario" }, word("pick") + " "),
    picker,
    el("button", { type: "button", "data-action": "reset" }, word("reset")),
    el("button", { type: "button", "data-action": "save-scenario" }, word("save")),
    el("button", { type: "button", "data-action": "lang", lang: state.lang === "vi" ? "en" : "vi" }, word("switch_lang"))
  );
  const [inputs, byYear] = inputsSection();
  const main = el(
    "div",
    { class: "main" },
    byYear,
    el("section", { "aria-labelledby": "h-score" }, el("h2", { id: "h-score" }, word("scorecard")), scorecardTable()),
    el("section", { "aria-labelledby": "h-changes" }, el("h2", { id: "h-changes" }, word("changes")), el("ul", { id: "changes" })),
    el("section", { class: "charts", "aria-labelledby": "h-charts" }, el("h2", { id: "h-charts" }, word("chart_output") + " · " + word("chart_growth") + " · " + word("chart_budget")),
      el("div", { id: "chart-output", class: "chart" }), el("div", { id: "chart-growth", class: "chart" }), el("div", { id: "chart-budget", class: "chart" }),
      el("p", { class: "note" }, word("chart_loaded"))),
    el("section", { "aria-labelledby": "h-results" }, el("h2", { id: "h-results" }, word("results")), resultsTable()),
    el("section", { "aria-labelledby": "h-diff" }, el("h2", { id: "h-diff" }, word("difference")), diffTable())
  );
  const header = el(
    "header",
    {},
    el("h1", {}, document.title),
    el("p", { class: "meta" }, s.title[state.lang] + (s.description[state.lang] ? ": " + s.description[state.lang] : "")),
    s.what_if[state.lang] ? el("p", { class: "what-if", "data-role": "what-if" }, s.what_if[state.lang]) : null,
    el("p", { class: "meta" }, word("intro")),
    controls,
    skipped
  );
  APP.replaceChildren(header, el("div", { class: "layout" }, inputs, main),
    el("footer", { class: "meta" }, word("generated") + ": " + DATA.generated_shown[state.lang] + ". " + word("footer_short")));
  update();
}

/* "What-if: projections for <the plan's locality>, 2020-2025": the title as data.py words it
   (plan_text.whatif_title), its years those of the scenario shown. */
function pageTitle(s) {
  return word("page_title").replace("{base}", s.base_year).replace("{end}", s.end_year);
}

/* A cell of a number: its text node is kept, and rewritten in place (no node replaced). */
function numberCell(attrs) {
  const text = document.createTextNode("");
  const cell = el("td", Object.assign({ class: "num" }, attrs), text);
  cell.text = text;
  return cell;
}

/* A cell's number and text, written only when they change: most cells keep theirs when one
   input moves, and an untouched cell costs the browser no layout. */
function show(cell, value, digits, signed) {
  if (Object.is(cell.shown, value)) return;
  cell.shown = value;
  cell.setAttribute("data-value", String(value));
  const text = signed ? (value === 0 ? "0" : fmtSigned(value, digits)) : fmt(value, digits);
  if (cell.text.data !== text) cell.text.data = text;
}

/* Model and redraw: every number, the scorecard, the charts and the list of changes. */
function update() {
  cancelAnimationFrame(state.frame);
  state.frame = 0;
  const now = whatifModel(spec(state.values));
  showResults(now);
  showScores(now);
  markFields();
  drawCharts(now);
  listChanges();
  laterWriteFragment();
  return now;
}

function showResults(now) {
  for (const name in state.cells) {
    const values = now.series[name];
    const cells = state.cells[name];
    const digits = decimalsOf(name);
    for (let t = 0; t < cells.length; t++) show(cells[t], values[t], digits, false);
  }
  for (const name in state.diffCells) {
    const values = now.series[name];
    const loaded = state.loaded.series[name];
    const cells = state.diffCells[name];
    const digits = decimalsOf(name);
    for (let t = 0; t < cells.length; t++) show(cells[t], values[t + 1] - loaded[t + 1], digits, true);
  }
}

function showScores(now) {
  now.scores.forEach((score, i) => {
    const { row, cells } = state.scoreRows[i];
    const before = state.loaded.scores[i];
    if (row.getAttribute("data-status") !== score.status) {
      row.setAttribute("data-status", score.status);
      row.className = "status-" + score.status.replace(" ", "-");
      cells[1].text.data = word(score.status);
      cells[3].text.data = fmt(before.value, 2) + " " + word(before.status);
    }
    show(cells[0], score.value, 2, false);
    const gap = score.gap === 0 ? "" : fmtSigned(score.gap, 2);
    if (cells[2].text.data !== gap) cells[2].text.data = gap;
  });
}

/* The inputs that differ from the scenario are marked; a year without its own rate shows the
   general rate it then has. */
function markFields() {
  const params = scenario().params;
  for (const path in state.fields) {
    const input = state.fields[path];
    const changed = state.values[path] !== params[path];
    if (input.classList.contains("changed") !== changed) input.classList.toggle("changed", changed);
    const general = input.getAttribute("data-default");
    if (!general) continue;
    const placeholder = inputText(state.values[general]);
    if (input.placeholder !== placeholder) input.placeholder = placeholder;
  }
}

function changedPaths() {
  const s = scenario();
  const paths = new Set(Object.keys(s.params).concat(Object.keys(state.values)));
  return Array.from(paths).filter((p) => state.values[p] !== s.params[p]);
}

/* The list of changed assumptions: its lines rewritten in place while the same ones change. */
function listChanges() {
  const list = document.getElementById("changes");
  const s = scenario();
  const paths = changedPaths();
  const lines = paths.map((path) => {
    const year = path.match(/_by_year\.(\d+)$/);
    const [label, unit] = year
      ? [paramLabel(path.replace(/_by_year\.\d+$/, ""))[0] + " " + year[1], DATA.words.percent_per_year[state.lang]]
      : paramLabel(path);
    const show = (v) => (v === undefined ? "–" : fmt(v, 2));
    return label + ": " + show(s.params[path]) + " → " + show(state.values[path]) + (unit ? " " + unit : "");
  });
  if (!lines.length) lines.push(word("no_changes"));
  const items = list.children;
  if (items.length !== lines.length) {
    list.replaceChildren(...lines.map((line) => el("li", {}, line)));
    return;
  }
  lines.forEach((line, k) => {
    if (items[k].textContent !== line) items[k].firstChild.data = line;
  });
}

// ---------------------------------------------------------------------------- charts

const CHART = { width: 560, height: 250, left: 58, right: 14, top: 18, bottom: 24 };

/* Gridline values between low and high (a step of 1, 2, 2.5 or 5 times a power of ten), and
   the decimals their labels need to tell them apart (a step of 0.25: 14,25 / 14,50). */
function niceTicks(low, high) {
  const span = high - low || Math.abs(high) || 1;
  const raw = span / 5;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => span / s <= 6);
  const ticks = [];
  const first = Math.ceil(low / step - 1e-9);
  for (let k = first; k * step <= high + step * 1e-9; k++) ticks.push(k * step);
  let decimals = 0;
  while (decimals < 6 && Math.abs(step * 10 ** decimals - Math.round(step * 10 ** decimals)) > 1e-6) decimals++;
  return { ticks: ticks, decimals: decimals };
}

function svgEl(tag, attrs, label) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (label !== undefined) node.append(tag === "text" || tag === "title" ? label : svgEl("title", {}, label));
  return node;
}

/* An attribute written only when its text changes (an unchanged chart costs no layout). */
function setAttr(node, name, value) {
  const text = String(value);
  if (node.getAttribute(name) !== text) node.setAttribute(name, text);
}

const px = (v) => Math.round(v * 10) / 10; // a tenth of a pixel: no rewrite for less

/* A five-pointed star around (0, 0), as the PDF charts draw a point target. */
function starPoints(outer, inner) {
  const points = [];
  for (let k = 0; k < 10; k++) {
    const r = k % 2 ? inner : outer;
    const a = (Math.PI * k) / 5 - Math.PI / 2;
    points.push(px(r * Math.cos(a)) + "," + px(r * Math.sin(a)));
  }
  return points.join(" ");
}

/* A point target: a star at its figure in its year, and the range that counts as reaching it
   (an "about" figure's tolerance) as a bar through it. */
function markNode(mark) {
  const node = svgEl("g", { class: "mark" }, mark.label);
  const bar = svgEl("line", { class: "mark-range", x1: 0, x2: 0 });
  const [low, high] = [svgEl("line", { class: "mark-range", x1: -4, x2: 4 }), svgEl("line", { class: "mark-range", x1: -4, x2: 4 })];
  node.append(bar, low, high, svgEl("polygon", { class: "mark-star", points: starPoints(8, 3.4) }));
  return { node: node, bar: bar, low: low, high: high };
}

/* The legend: a line's colour, a band's shade, a point target's star. */
function legendKey(item) {
  if (item.star) return el("li", {}, el("span", { class: "key star", "aria-hidden": "true" }, "★"), item.label);
  return el("li", {}, el("span", { class: "key " + item.cls + (item.values ? "" : " band") }), item.label);
}

/* The nodes of a line chart, built once per render: lines [{cls, label, dashed}], bands [{cls,
   label}] (a one-sided band also gets its edge line), marks [{label}]; placeChart moves them. */
function buildChart(box, title, unit, years, lines, bands, marks) {
  const c = CHART;
  const label = `${title} (${unit})`;
  const svg = svgEl("svg", { viewBox: `0 0 ${c.width} ${c.height}`, role: "img", "aria-label": label });
  svg.append(svgEl("title", {}, label), svgEl("text", { class: "chart-title", x: c.left, y: 11 }, label));
  const grid = svgEl("g", {});
  svg.append(grid);
  years.forEach((year, i) =>
    svg.append(svgEl("text", { class: "tick", x: px(xOf(i, years.length)), y: c.height - c.bottom + 15, "text-anchor": "middle" }, String(year))));
  const chart = {
    grid: grid,
    ticks: [],
    bands: bands.map((b) => svgEl("polygon", { class: "band " + b.cls }, b.label)),
    edges: bands.map((b) => svgEl("polyline", { class: "band-edge " + b.cls, display: "none" }, b.label)),
    lines: lines.map((l) => svgEl("polyline", { class: "line " + l.cls + (l.dashed ? " dashed" : "") }, l.label)),
    marks: marks.map(markNode),
  };
  svg.append(...chart.bands, ...chart.edges, ...chart.lines, ...chart.marks.map((m) => m.node));
  const keys = lines.filter((l) => !l.dashed).concat(bands, marks.map((m) => ({ star: true, label: m.key })));
  box.replaceChildren(svg, el("ul", { class: "keys" }, ...keys.map(legendKey)));
  return chart;
}

function xOf(i, count) {
  return CHART.left + (i * (CHART.width - CHART.left - CHART.right)) / Math.max(count - 1, 1);
}

/* The value range a chart shows: every finite value, zero when the values are near it, 6 % air. */
function chartRange(lines, bands, marks) {
  let low = Infinity;
  let high = -Infinity;
  const see = (v) => {
    if (v !== null && v !== undefined && Number.isFinite(v)) { low = Math.min(low, v); high = Math.max(high, v); }
  };
  for (const line of lines) line.values.forEach(see);
  for (const band of bands) { band.low.forEach(see); band.high.forEach(see); }
  for (const mark of marks) { see(mark.value); see(mark.low); see(mark.high); }
  if (0 < low && low < 0.3 * high) low = 0;
  if (low === high) { low -= 1; high += 1; }
  const pad = (high - low) * 0.06;
  return [low - pad, high + pad];
}

/* The gridlines and their labels, as many as the range needs (nodes kept and reused). */
function placeGrid(chart, low, high, y) {
  const c = CHART;
  const { ticks, decimals } = niceTicks(low, high);
  while (chart.ticks.length < ticks.length) {
    const tick = { line: svgEl("line", { class: "gridline", x1: c.left, x2: c.width - c.right }), text: svgEl("text", { class: "tick", x: c.left - 6, "text-anchor": "end" }, "") };
    chart.grid.append(tick.line, tick.text);
    chart.ticks.push(tick);
  }
  chart.ticks.forEach((tick, k) => {
    const shown = k < ticks.length;
    setAttr(tick.line, "display", shown ? "inline" : "none");
    setAttr(tick.text, "display", shown ? "inline" : "none");
    if (!shown) return;
    const at = y(ticks[k]);
    setAttr(tick.line, "y1", at);
    setAttr(tick.line, "y2", at);
    setAttr(tick.text, "y", px(at + 4));
    const label = fmt(ticks[k], decimals);
    if (tick.text.firstChild.data !== label) tick.text.firstChild.data = label;
  });
}

/* A band between its low and high paths; a one-sided band (a floor: low only; a ceiling: high
   only) is shaded from its path to the chart's edge on the side that meets it, and its path
   drawn as a line. */
function placeBand(polygon, edge, band, x, y, bounds) {
  const idx = band.low.map((_, i) => i).filter((i) => band.low[i] !== null || band.high[i] !== null);
  const upper = idx.map((i) => x(i) + "," + y(band.high[i] === null ? bounds[1] : band.high[i]));
  const lower = idx.slice().reverse().map((i) => x(i) + "," + y(band.low[i] === null ? bounds[0] : band.low[i]));
  setAttr(polygon, "points", upper.concat(lower).join(" "));
  const side = idx.every((i) => band.high[i] === null) ? band.low : idx.every((i) => band.low[i] === null) ? band.high : null;
  setAttr(edge, "display", side ? "inline" : "none");
  if (side) setAttr(edge, "points", idx.map((i) => x(i) + "," + y(side[i])).join(" "));
}

function placeMark(mark, node, i, x, y) {
  setAttr(node.node, "display", i < 0 ? "none" : "inline");
  if (i < 0) return;
  const at = y(mark.value);
  setAttr(node.node, "transform", "translate(" + x(i) + "," + at + ")");
  const ranged = mark.low !== null && mark.high !== null && mark.low !== mark.high;
  for (const part of [node.bar, node.low, node.high]) setAttr(part, "display", ranged ? "inline" : "none");
  if (!ranged) return;
  const [top, bottom] = [px(y(mark.high) - at), px(y(mark.low) - at)];
  setAttr(node.bar, "y1", top);
  setAttr(node.bar, "y2", bottom);
  for (const [cap, v] of [[node.high, top], [node.low, bottom]]) { setAttr(cap, "y1", v); setAttr(cap, "y2", v); }
}

/* Move a chart's nodes to the values: the grid and its labels, bands, lines and marks. */
function placeChart(chart, years, lines, bands, marks) {
  const c = CHART;
  const [low, high] = chartRange(lines, bands, marks);
  const y = (v) => px(c.top + ((high - v) * (c.height - c.top - c.bottom)) / (high - low));
  const x = (i) => px(xOf(i, years.length));
  placeGrid(chart, low, high, y);
  bands.forEach((band, k) => placeBand(chart.bands[k], chart.edges[k], band, x, y, [low, high]));
  lines.forEach((line, k) => {
    const points = [];
    line.values.forEach((v, i) => { if (Number.isFinite(v)) points.push(x(i) + "," + y(v)); });
    setAttr(chart.lines[k], "points", points.join(" "));
  });
  marks.forEach((mark, k) => placeMark(mark, chart.marks[k], years.indexOf(mark.year), x, y));
}

/* The band of a growth target applied to a series' start value: [low, high] by year; a side
   the target leaves open (a floor, "≥ 9 %/yr": no high) is null throughout. */
function growthBand(target, years, levels) {
  const start = years.indexOf(target.start_year);
  const end = years.indexOf(target.end_year);
  const none = years.map(() => null);
  if (start < 0 || end < 0) return { low: none, high: none };
  const path = (rate) => (rate === null ? none : years.map((y, i) => (i < start || i > end ? null : levels[start] * Math.pow(1 + rate / 100, i - start))));
  return { low: path(target.low), high: path(target.high) };
}

/* A target's band in the legend: "Target 14-15 %/yr", "Target ≥ 9 %/yr", "Target ≈ 600 ...". */
function targetWords(target) {
  return word("target_band").replace("{band}", target.band[state.lang]);
}

/* A level target as a point: the "about" figure (its tolerance the range), a band's middle
   (the band the range), or the one figure a one-sided target gives. */
function levelMark(target) {
  const both = target.low !== null && target.high !== null;
  const value = target.approximate && target.figure !== null ? target.figure : both ? (target.low + target.high) / 2 : target.low !== null ? target.low : target.high;
  return {
    year: target.end_year,
    value: value,
    low: both ? target.low : null,
    high: both ? target.high : null,
    label: target.label[state.lang] + ": " + target.band[state.lang],
    key: targetWords(target),
  };
}

/* The plan's first target on `indicator` measured by `measure`, or undefined: the plan names
   its targets as it likes ("budget_concept" stands for the budget line each scenario names). */
function targetOn(indicator, measure) {
  const budget = scenario().budget_concept;
  return DATA.targets.find((t) => t.measure === measure && (t.indicator === indicator || (t.indicator === "budget_concept" && indicator === budget)));
}

/* A chart drawn into its box: built on the first update after a render, then moved in place. */
function draw(id, title, unit, years, lines, bands, marks) {
  const box = document.getElementById(id);
  if (!box.chart) box.chart = buildChart(box, title, unit, years, lines, bands, marks);
  placeChart(box.chart, years, lines, bands, marks);
}

function drawCharts(now) {
  const s = scenario();
  const years = now.years;
  const series = now.series;
  const loaded = state.loaded.series;
  const label = (name) => s.series[name].label[state.lang];
  const output = s.sectors.concat(s.residual === "other" ? ["other"] : []).map((b, k) => ({ values: series["output." + b], cls: "c" + k, label: sectorLabel(b) }));
  output.push({ values: series["output.total"], cls: "total", label: word("total") });
  output.push({ values: loaded["output.total"], cls: "total", label: word("as_loaded"), dashed: true });
  const outputTarget = targetOn("output.total", "cagr");
  const outputBands = outputTarget ? [Object.assign(growthBand(outputTarget, years, series["output.total"]), { cls: "band-total", label: targetWords(outputTarget) })] : [];
  draw("chart-output", word("chart_output"), s.series["output.total"].unit[state.lang], years, output, outputBands, []);

  const bandYears = (t, v) => years.map((y) => (v !== null && y > t.start_year && y <= t.end_year ? v : null));
  const growth = [
    { values: series["growth.total"], cls: "total", label: word("total") + " (" + word("yoy") + ")" },
    { values: series["cagr.total"], cls: "c1", label: label("cagr.total") },
    { values: loaded["growth.total"], cls: "total", label: word("as_loaded"), dashed: true },
  ];
  const growthBands = outputTarget ? [{ low: bandYears(outputTarget, outputTarget.low), high: bandYears(outputTarget, outputTarget.high), cls: "band-total", label: targetWords(outputTarget) }] : [];
  draw("chart-growth", word("chart_growth"), DATA.words.percent_per_year[state.lang], years, growth, growthBands, []);
  drawBudget(now);
}

function drawBudget(now) {
  const s = scenario();
  const series = now.series;
  const budgetLines = [];
  ["budget_revenue", "budget_revenue_total", "land_use_revenue"].forEach((name, k) => {
    if (name in series) budgetLines.push({ values: series[name], cls: "c" + k, label: s.series[name].label[state.lang] });
  });
  const concept = s.budget_concept;
  const bands = [];
  const marks = [];
  if (concept in series) {
    budgetLines.push({ values: state.loaded.series[concept], cls: "c0", label: word("as_loaded"), dashed: true });
    const budgetTarget = targetOn(concept, "cagr");
    if (budgetTarget) bands.push(Object.assign(growthBand(budgetTarget, now.years, series[concept]), { cls: "band-budget", label: targetWords(budgetTarget) }));
    const level = targetOn(concept, "level");
    if (level) marks.push(levelMark(level));
  }
  const unit = concept in s.series ? s.series[concept].unit[state.lang] : "";
  if (budgetLines.length) draw("chart-budget", word("chart_budget"), unit, now.years, budgetLines, bands, marks);
}

// ---------------------------------------------------------------------------- the fragment

/* The fragment follows the state a moment after the last change: browsers limit how often a
   page may rewrite its address (Chromium: 100 times in 10 s), and typing is many changes. */
function laterWriteFragment() {
  clearTimeout(state.fragmentTimer);
  state.fragmentTimer = setTimeout(writeFragment, 150);
}

function writeFragment() {
  const parts = ["s=" + encodeURIComponent(scenario().name), "lang=" + state.lang];
  for (const path of changedPaths()) {
    const value = state.values[path];
    parts.push(encodeURIComponent(path) + "=" + (value === undefined ? "" : encodeURIComponent(String(value))));
  }
  const fragment = "#" + parts.join("&");
  if (location.hash === fragment) return;
  try {
    history.replaceState(null, "", fragment);
  } catch (error) {
    location.replace(fragment);
  }
}

/* The state a fragment names (the page's own, or a copied link); unknown keys are ignored. */
function readFragment() {
  const pairs = location.hash.replace(/^#/, "").split("&").filter(Boolean).map((pair) => {
    const at = pair.indexOf("=");
    return at < 0 ? [decodeURIComponent(pair), ""] : [decodeURIComponent(pair.slice(0, at)), decodeURIComponent(pair.slice(at + 1))];
  });
  const found = Object.fromEntries(pairs);
  const index = DATA.scenarios.findIndex((s) => s.name === found.s);
  state.index = index < 0 ? 0 : index;
  if (found.lang === "vi" || found.lang === "en") state.lang = found.lang;
  const s = scenario();
  state.values = Object.assign({}, s.params);
  const overridable = new Set(s.sectors.map((n) => "sectors." + n).concat(s.indicators.map((i) => "indicators." + i.name)));
  for (const [path, raw] of pairs) {
    const override = path.match(/^(.*)\.growth_pct_by_year\.(\d+)$/);
    const known = path in s.params || (override && overridable.has(override[1]) && +override[2] > s.base_year && +override[2] <= s.end_year);
    if (!known) continue;
    if (raw === "" && override) delete state.values[path];
    else if (raw !== "" && Number.isFinite(Number(raw))) state.values[path] = Number(raw);
  }
}

// ---------------------------------------------------------------------------- the saved file

function tomlString(text) {
  return '"' + text.replace(/["\\\u0000-\u001f\u007f-\u009f]/g, (c) =>
    c === '"' || c === "\\" ? "\\" + c : "\\u" + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")) + '"';
}

function tomlNumber(value) {
  const text = String(value);
  return /^-?\d+$/.test(text) ? text + ".0" : text;
}

function commentText(text) {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, " ");
}

/* The rate a year without an override has: the general rate, or elasticity x output growth. */
function defaultRate(path, now) {
  const [, prefix, year] = path.match(/^(.*)\.growth_pct_by_year\.(\d+)$/);
  if (prefix + ".growth_pct" in state.values) return state.values[prefix + ".growth_pct"];
  return state.values[prefix + ".elasticity"] * now.series["growth.total"][+year - scenario().base_year];
}

/* The scenario file of the what-if: extends the scenario, lists only what changed. */
function scenarioToml(now, day) {
  const s = scenario();
  const top = new Map();
  const tables = new Map();
  const put = (path, text) => {
    const parts = path.split(".");
    if (parts.length === 1) { top.set(parts[0], text); return; }
    const byYear = parts.length > 2 && /_by_year$/.test(parts[parts.length - 2]);
    const table = parts.slice(0, byYear ? -2 : -1).join(".");
    if (!tables.has(table)) tables.set(table, new Map());
    const keys = tables.get(table);
    if (byYear) {
      const key = parts[parts.length - 2];
      if (!(keys.get(key) instanceof Map)) keys.set(key, new Map());
      keys.get(key).set(parts[parts.length - 1], text);
    } else keys.set(parts[parts.length - 1], text);
  };
  const notes = [];
  for (const [key, text] of s.carried) put(key, text);
  for (const path of changedPaths()) {
    let value = state.values[path];
    if (value === undefined) {
      // A parent's single-year rate removed: a child cannot delete it, so it is written as
      // the rate that year then has (exactly: the same number the model then uses).
      value = defaultRate(path, now);
      notes.push(path + ": the parent's single-year rate removed; written as the rate the year then has");
    }
    if (/share_pct$/.test(path)) top.set("base_year", String(s.base_year)); // a child sets shares only with its base year
    put(path, tomlNumber(value));
  }
  const lines = [
    "# What-if of scenario \"" + commentText(s.name) + "\" (file " + commentText(s.file) + "), saved from whatif.html on " + day + ";",
    "# the page was written by the run of " + DATA.generated + ". It lists only what differs from the scenario;",
    "# keep it in the folder of " + commentText(s.file) + " and run: python run_scenarios.py <this file>",
  ].concat(notes.map((n) => "# " + commentText(n)));
  const head = ["extends = " + tomlString(s.extends),
    "title = { vi = " + tomlString(DATA.words.saved_title.vi.replace("{title}", s.filed_title.vi)) + ", en = " + tomlString(DATA.words.saved_title.en.replace("{title}", s.filed_title.en)) + " }"];
  for (const [key, text] of top) head.push(key + " = " + text);
  const blocks = [lines.join("\n"), head.join("\n")];
  for (const [table, keys] of tables) {
    const body = ["[" + table + "]"];
    for (const [key, value] of keys) {
      if (value instanceof Map) {
        const items = Array.from(value).sort((a, b) => +a[0] - +b[0]).map(([y, v]) => y + " = " + v);
        body.push(key + " = { " + items.join(", ") + " }");
      } else body.push(key + " = " + value);
    }
    blocks.push(body.join("\n"));
  }
  return blocks.join("\n\n") + "\n";
}

function saveScenario() {
  const day = new Date();
  const iso = day.getFullYear() + "-" + String(day.getMonth() + 1).padStart(2, "0") + "-" + String(day.getDate()).padStart(2, "0");
  const text = scenarioToml(whatifModel(spec(state.values)), iso);
  const url = URL.createObjectURL(new Blob([text], { type: "application/toml" }));
  const link = el("a", { href: url, download: scenario().extends + "_whatif.toml" });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  return text;
}

// ---------------------------------------------------------------------------- events

APP.addEventListener("input", (event) => onInput(event, false));
APP.addEventListener("keydown", stepByKey);
APP.addEventListener("change", (event) => {
  if (event.target.getAttribute("data-role") === "scenario") {
    state.index = event.target.selectedIndex;
    state.values = Object.assign({}, scenario().params);
    state.errors = {};
    render();
    document.getElementById("scenario").focus();
    return;
  }
  onInput(event, true);
});
APP.addEventListener("click", (event) => {
  const action = event.target.closest("[data-action]");
  if (!action) return;
  const what = action.getAttribute("data-action");
  if (what === "save-scenario") saveScenario();
  if (what === "reset") {
    state.values = Object.assign({}, scenario().params);
    state.errors = {};
    render();
  }
  if (what === "lang") {
    state.lang = state.lang === "vi" ? "en" : "vi";
    render();
  }
  const again = APP.querySelector('[data-action="' + what + '"]');
  if (again && again !== action) again.focus();
});
window.addEventListener("hashchange", () => {
  const before = location.hash;
  readFragment();
  render();
  if (location.hash !== before) writeFragment();
});

window.whatifModel = (scenarioSpec) => whatifModel(Object.assign({ targets: DATA.targets, tolerance: DATA.tolerance }, scenarioSpec));
window.whatif = { update: update, render: render, state: state, data: DATA, fmt: fmt, scenarioToml: () => scenarioToml(whatifModel(spec(state.values)), "today") };

if (DATA.scenarios.length) {
  readFragment();
  render();
}
