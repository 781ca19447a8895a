/* The projection model of sim/core/model.py, in JavaScript, and the scorecard of
   sim/core/targets.py. A second copy of the model: tests/e2e/test_whatif.py holds it to
   sim's numbers (1e-12 relative) on every bundled scenario and on random parameter sets, so
   change both together. Every formula keeps the Python operation order (rates / 100 + 1,
   then a product, year by year; sums in block order), so that the levels agree to the last
   bit and the rates derived from them agree too.

   spec: a scenario of the page's data (sim/output/whatif/data.py): base_year, end_year,
         residual ("normalise" | "other"), base_total, sectors, indicators [{name, rule}],
         derived {name: [parts]}, budget_concept, and params {"--set path": value}.
   Rates are % per year, as in the scenario files. */
"use strict";

function whatifYears(spec) {
  const years = [];
  for (let y = spec.base_year; y <= spec.end_year; y++) years.push(y);
  return years;
}

/* The rate of every growth year: the single-year override where there is one, else `def`. */
function whatifRates(params, byYear, years, def) {
  const rates = new Array(years.length - 1);
  for (let t = 1; t < years.length; t++) {
    const fixed = params[byYear + "." + years[t]];
    rates[t - 1] = fixed === undefined ? def(t) : fixed;
  }
  return rates;
}

/* base, base (1 + g1 / 100), ... (compound_into). */
function whatifCompound(base, rates) {
  const out = new Array(rates.length + 1);
  out[0] = base;
  for (let t = 0; t < rates.length; t++) out[t + 1] = out[t] * (rates[t] / 100 + 1);
  return out;
}

/* (ratio ** (1 / years) - 1) * 100 with the roots of _ratio_to_cagr_into. */
function whatifCagrFromRatio(ratio, years) {
  let r = ratio;
  if (years === 2) r = Math.sqrt(r);
  else if (years === 3) r = Math.cbrt(r);
  else if (years === 4) r = Math.sqrt(Math.sqrt(r));
  else if (years !== 1) r = Math.pow(r, 1 / years);
  return (r - 1) * 100;
}

/* growth.<x> and cagr.<x>: NaN in the base year. */
function whatifRateSeries(kind, levels) {
  const out = [NaN];
  for (let t = 1; t < levels.length; t++) {
    out.push(
      kind === "growth"
        ? (levels[t] / levels[t - 1] - 1) * 100
        : whatifCagrFromRatio(levels[t] / levels[0], t)
    );
  }
  return out;
}

/* Levels of each block: the three sectors, then "other" when the residual is kept. */
function whatifBlockLevels(spec, years) {
  const p = spec.params;
  const shares = spec.sectors.map((s) => p["sectors." + s + ".share_pct"]);
  const shareSum = shares[0] + shares[1] + shares[2];
  const total = spec.base_total;
  const levels = spec.sectors.map((s, i) => {
    const base =
      spec.residual === "normalise" ? (shares[i] / shareSum) * total : (shares[i] / 100) * total;
    const def = p["sectors." + s + ".growth_pct"];
    return whatifCompound(
      base,
      whatifRates(p, "sectors." + s + ".growth_pct_by_year", years, () => def)
    );
  });
  if (spec.residual === "other") {
    const otherBase = ((100 - shareSum) / 100) * total;
    const own = p["structure.residual_growth_pct"];
    if (own === undefined) {
      // grows with the three-sector aggregate: its share stays constant
      const three = levels[0].map((v, t) => v + levels[1][t] + levels[2][t]);
      levels.push(three.map((v) => (otherBase * v) / three[0]));
    } else {
      levels.push(whatifCompound(otherBase, years.slice(1).map(() => own)));
    }
  }
  return levels;
}

/* Every series of sim.core.model.projection_series, in its order: name -> array (T + 1). */
function whatifModel(spec) {
  const years = whatifYears(spec);
  const p = spec.params;
  const blocks = spec.sectors.concat(spec.residual === "other" ? ["other"] : []);
  const blockLevels = whatifBlockLevels(spec, years);
  const total = blockLevels[0].map((v, t) => {
    let sum = v;
    for (let b = 1; b < blockLevels.length; b++) sum += blockLevels[b][t];
    return sum;
  });
  const totalGrowth = whatifRateSeries("growth", total);
  const linked = {};
  for (const ind of spec.indicators) {
    const pre = "indicators." + ind.name;
    const def =
      ind.rule === "elasticity"
        ? (t) => p[pre + ".elasticity"] * totalGrowth[t]
        : () => p[pre + ".growth_pct"];
    linked[ind.name] = whatifCompound(
      p[pre + ".base"],
      whatifRates(p, pre + ".growth_pct_by_year", years, def)
    );
  }
  for (const [name, parts] of Object.entries(spec.derived)) {
    const present = parts.filter((part) => part in linked);
    linked[name] = linked[present[0]].map((v, t) => {
      let sum = v;
      for (const part of present.slice(1)) sum += linked[part][t];
      return sum;
    });
  }
  const series = {};
  const growing = [];
  blocks.forEach((b, i) => {
    series["output." + b] = blockLevels[i];
    growing.push([b, blockLevels[i]]);
  });
  series["output.total"] = total;
  growing.push(["total", total]);
  blocks.forEach((b, i) => {
    series["share." + b] = blockLevels[i].map((v, t) => (v / total[t]) * 100);
  });
  for (const [name, values] of Object.entries(linked)) {
    series[name] = values;
    growing.push([name, values]);
  }
  for (const kind of ["growth", "cagr"]) {
    for (const [name, values] of growing) series[kind + "." + name] = whatifRateSeries(kind, values);
  }
  return { years: years, series: series, scores: whatifScores(spec, years, series) };
}

/* The projected value a target is checked against (targets.evaluate), or null outside. */
function whatifEvaluate(target, years, levels) {
  const start = years.indexOf(target.start_year);
  const end = years.indexOf(target.end_year);
  if (start < 0 || end < 0) return null;
  if (target.measure === "cagr") {
    return whatifCagrFromRatio(levels[end] / levels[start], target.end_year - target.start_year);
  }
  if (target.measure === "level") return levels[end];
  return Math.min.apply(null, levels.slice(start + 1, end + 1)); // min_each_year
}

/* [{key, indicator, value, status, gap}] as targets.scorecard. */
function whatifScores(spec, years, series) {
  const tolerance = spec.tolerance === undefined ? 1e-9 : spec.tolerance;
  return (spec.targets || []).map((target) => {
    const indicator =
      target.indicator === "budget_concept" ? spec.budget_concept : target.indicator;
    const row = { key: target.key, indicator: indicator, value: NaN, gap: NaN };
    if (!(indicator in series)) return Object.assign(row, { status: "not projected" });
    const value = whatifEvaluate(target, years, series[indicator]);
    if (value === null) return Object.assign(row, { status: "outside horizon" });
    row.value = value;
    if (Number.isNaN(value)) return Object.assign(row, { status: "no value" }); // 0/0: no share
    if (target.low !== null && value < target.low - tolerance) {
      return Object.assign(row, { status: "missed", gap: value - target.low });
    }
    if (target.high !== null && value > target.high + tolerance) {
      // above a band is met ("đạt và vượt"); above a ceiling alone ("at most") is missed
      return Object.assign(row, { status: target.low !== null ? "exceeded" : "missed", gap: value - target.high });
    }
    return Object.assign(row, { status: "met", gap: 0 });
  });
}
