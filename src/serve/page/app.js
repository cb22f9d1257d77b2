// The page of `cole serve` and of report.html. Plain DOM and uPlot, no framework. Every piece of text
// from the store goes in as a text node or attribute value, never as markup: an architecture string,
// a node id or an error message is shown as it is, whatever characters it holds.
;(() => {
  "use strict"

  const reportElement = document.getElementById("cole-report")
  /** Inlined data (report.html), or null when the page talks to `cole serve`. */
  const report = reportElement === null ? null : JSON.parse(reportElement.textContent)
  const root = document.getElementById("app")

  // ---------------------------------------------------------------------------------------------
  // DOM helpers

  /** An element with attributes (on* handlers as functions) and children (strings become text). */
  const h = (tag, attrs, ...children) => {
    const el = document.createElement(tag)
    for (const [k, v] of Object.entries(attrs ?? {})) {
      if (v === undefined || v === null || v === false) continue
      if (k.startsWith("on")) el.addEventListener(k.slice(2), v)
      else el.setAttribute(k, String(v))
    }
    for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c))
    return el
  }
  const SVG = "http://www.w3.org/2000/svg"
  const svg = (tag, attrs, ...children) => {
    const el = document.createElementNS(SVG, tag)
    for (const [k, v] of Object.entries(attrs ?? {})) el.setAttribute(k, String(v))
    for (const c of children) el.append(c instanceof Node ? c : String(c))
    return el
  }
  const table = (header, rows, attrs) =>
    h("table", attrs, h("thead", null, h("tr", null, header.map((x) => h("th", null, x)))), h("tbody", null, rows.map((r) => h("tr", null, r.map((c) => h("td", null, c))))))

  const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]
  const alpha = (hex, a) => `${hex}${Math.round(a * 255).toString(16).padStart(2, "0")}`
  const num = (v, digits = 3) => (v === null || v === undefined ? "–" : Number(v).toFixed(digits))
  const pValue = (p) => (p === null ? "–" : p < 1e-15 ? "< 1e-15" : p < 1e-4 ? p.toExponential(1) : p.toFixed(4))
  const bytes = (n) => {
    const units = ["B", "KB", "MB", "GB", "TB"]
    let i = 0
    while (n >= 1024 && i < units.length - 1) (n /= 1024), i++
    return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`
  }
  const duration = (ms) => (ms === null || ms === undefined ? "" : ms < 1000 ? `${Math.round(ms)} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`)
  const when = (iso) => (iso === null ? "" : iso.replace("T", " ").slice(0, 19))
  const badge = (state) => h("span", { class: `badge ${state.replace(/ /g, "-")}` }, state)
  const problem = (text) => h("p", { class: "problem" }, text)

  // ---------------------------------------------------------------------------------------------
  // data: the API, or the report's inlined views

  const apiError = (body, status) =>
    body && typeof body.problem === "string" ? body.problem : body && body._tag === "RunNotFound" ? `no run ${body.runId} in this store` : `the server answered ${status}`

  const get = async (path, query) => {
    const url = new URL(`api/${path}`, location.href)
    for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, String(v))
    const response = await fetch(url)
    const body = await response.json().catch(() => null)
    if (!response.ok) throw new Error(apiError(body, response.status))
    return body
  }

  const source = report === null
    ? {
      cvTest: (run, a, b) => get(`runs/${encodeURIComponent(run)}/cv/test`, { a, b }),
      trial: (run, arm, trial) => get(`runs/${encodeURIComponent(run)}/search/trial`, { arm, trial }),
      code: (space, arch) => get("code", { space, arch })
    }
    : {
      cvTest: async (_run, a, b) => report.cvTests[`${a}\u0000${b}`] ?? [],
      trial: async (_run, arm, trial) => report.evaluations?.[arm]?.[String(trial)] ?? [],
      code: async (space, arch) => ({ space, arch, code: null, shapes: null })
    }

  // ---------------------------------------------------------------------------------------------
  // plots (uPlot: canvas, so thousands of evaluations stay fast; bands, log axes and cursor hooks built in)

  const plotWidth = (el) => Math.max(420, Math.min(960, (el.clientWidth || 900) - 8))

  /** A legend of our own: uPlot's lists every helper series (band edges, evaluations). */
  const legend = (names) => h("div", { class: "legend" }, names.map((n, i) => h("span", null, h("i", { style: `background:${COLORS[i % COLORS.length]}` }), n)))

  /** τ per budget: mean with a ±std band per configuration, log budget axis. */
  const cvPlot = (el, view) => {
    const configurations = view.configurations.filter((c) => c.budgets.length > 0)
    if (configurations.length === 0) return
    const xs = [...new Set(configurations.flatMap((c) => c.budgets.map((b) => b.budget)))].sort((a, b) => a - b)
    const data = [xs], series = [{ label: "budget" }], bands = []
    configurations.forEach((c, i) => {
      const color = COLORS[i % COLORS.length]
      const at = (b, f) => {
        const row = c.budgets.find((r) => r.budget === b)
        return row === undefined || row.meanTau === null ? null : f(row)
      }
      data.push(xs.map((b) => at(b, (r) => r.meanTau)), xs.map((b) => at(b, (r) => r.meanTau + (r.stdTau ?? 0))), xs.map((b) => at(b, (r) => r.meanTau - (r.stdTau ?? 0))))
      series.push({ label: c.name, stroke: color, width: 2, points: { show: true, size: 6 } }, { label: `${c.name} +std`, stroke: alpha(color, 0.3), width: 1, points: { show: false } }, { label: `${c.name} −std`, stroke: alpha(color, 0.3), width: 1, points: { show: false } })
      bands.push({ series: [series.length - 2, series.length - 1], fill: alpha(color, 0.15) })
    })
    const box = h("div", { class: "plot", id: "cv-plot" })
    el.append(box, legend(configurations.map((c) => c.name)))
    const plot = new uPlot({
      width: plotWidth(el),
      height: 340,
      scales: { x: { time: false, distr: xs.length > 1 ? 3 : 1, log: 10 } },
      // Ticks at the budgets themselves: a log axis' own splits are powers of ten.
      axes: [{ label: "training budget (architectures, log scale)", splits: () => xs, filter: (_u, ticks) => ticks, values: (_u, ticks) => ticks.map((t) => (t === null ? "" : String(t))) }, { label: "Kendall τ-b (mean ± std)" }],
      series,
      bands,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } }
    }, data, box)
    box.coleplot = plot
  }

  /** Incumbent curves per arm with 95% bands, the 0.99 × optimum line, and one trial's evaluations to hover. */
  const searchPlot = (el, view, trials, onPick) => {
    const arms = view.arms.filter((a) => a.curve.length > 0)
    const xs = Array.from({ length: view.budget }, (_, i) => i + 1)
    const data = [xs], series = [{ label: "t" }], bands = [], evaluationSeries = []
    arms.forEach((arm, i) => {
      const color = COLORS[i % COLORS.length]
      const byT = new Map(arm.curve.map((p) => [p.t, p]))
      const mean = xs.map((t) => byT.get(t)?.mean ?? null)
      const band = (sign) => xs.map((t) => {
        const p = byT.get(t)
        return p === undefined || p.mean === null ? null : p.mean + sign * (p.ci95 ?? 0)
      })
      data.push(mean, band(1), band(-1))
      series.push({ label: arm.name, stroke: color, width: 2, points: { show: false } }, { label: `${arm.name} upper`, stroke: alpha(color, 0.25), width: 1, points: { show: false } }, { label: `${arm.name} lower`, stroke: alpha(color, 0.25), width: 1, points: { show: false } })
      bands.push({ series: [series.length - 2, series.length - 1], fill: alpha(color, 0.15) })
      const evaluations = trials[i] ?? []
      const byTime = new Map(evaluations.map((e) => [e.t, e]))
      data.push(xs.map((t) => byTime.get(t)?.value ?? null))
      series.push({ label: `${arm.name} evaluations`, stroke: color, fill: alpha(color, 0.6), paths: () => null, points: { show: true, size: 5, stroke: color, fill: alpha(color, 0.6) } })
      evaluationSeries.push({ index: series.length - 1, arm: arm.name, byTime })
    })
    if (view.threshold !== null) {
      data.push(xs.map(() => view.threshold))
      series.push({ label: "0.99 × optimum", stroke: "#555", width: 1, dash: [6, 4], points: { show: false } })
    }
    const box = h("div", { class: "plot", id: "search-plot" })
    const tooltip = h("div", { class: "tooltip", id: "tooltip", hidden: true })
    box.append(tooltip)
    el.append(box, legend(arms.map((a) => a.name)), h("p", { class: "hint" }, "Lines: mean incumbent over trials with its 95% band; dots: the chosen trial's evaluations; dashed: 0.99 × optimum."))
    let hovered = null
    const show = (u) => {
      const { idx, left, top } = u.cursor
      hovered = null
      if (idx !== null && idx !== undefined && left >= 0) {
        let best = 16
        for (const s of evaluationSeries) {
          const e = s.byTime.get(u.data[0][idx])
          if (e === undefined || e.value === null) continue
          const distance = Math.hypot(u.valToPos(e.t, "x") - left, u.valToPos(e.value, "y") - top)
          if (distance <= best) (best = distance), (hovered = { arm: s.arm, evaluation: e })
        }
      }
      if (hovered === null) {
        tooltip.hidden = true
        return
      }
      const e = hovered.evaluation
      const proposed = e.origin === "init"
        ? "the initial random design"
        : [e.origin, e.fit !== null ? `fit ${e.fit}` : null, e.rank !== null ? `rank ${e.rank}` : null, e.acquisition !== null ? `acquisition ${num(e.acquisition)}` : null, e.mu !== null ? `μ ${num(e.mu)} ± σ ${num(e.sigma)}` : null].filter(Boolean).join(", ")
      tooltip.replaceChildren(...[
        h("div", { class: "arch" }, e.arch),
        h("div", null, `value ${num(e.value, 4)} · t = ${e.t} · ${hovered.arm}`),
        h("div", null, `proposed by: ${proposed}`),
        e.status !== "ok" ? h("div", { class: "problem" }, `evaluation: ${e.status}`) : null,
        h("div", { class: "hint" }, report === null ? "click for its code" : "click for how to print its code")
      ].filter((x) => x !== null))
      tooltip.hidden = false
      const x = u.valToPos(e.t, "x") + u.over.offsetLeft, y = u.valToPos(e.value, "y") + u.over.offsetTop
      tooltip.style.left = `${Math.min(x + 12, box.clientWidth - 320)}px`
      tooltip.style.top = `${y + 12}px`
    }
    // The y range follows the curves and most of the dots: a few very poor evaluations (a network that
    // does not train) would otherwise flatten every curve against the top.
    const from = Math.min(10, view.budget)
    const edges = data.slice(1).filter((_, i) => !evaluationSeries.some((s) => s.index === i + 1)).flatMap((ys) => ys.slice(from - 1)).filter((v) => v !== null)
    const values = evaluationSeries.flatMap((s) => [...s.byTime.values()].map((e) => e.value)).filter((v) => v !== null).sort((a, b) => a - b)
    const low = Math.min(...edges, values.length > 0 ? values[Math.floor(values.length / 10)] : Infinity)
    const high = Math.max(...edges, ...values)
    const pad = (high - low) * 0.04 || 1
    const plot = new uPlot({
      width: plotWidth(el),
      height: 380,
      scales: { x: { time: false }, y: { range: () => [low - pad, high + pad] } },
      axes: [{ label: "evaluations" }, { label: "incumbent (mean, 95% CI) and values" }],
      series,
      bands,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      hooks: { setCursor: [show] }
    }, data, box)
    plot.over.addEventListener("click", () => hovered !== null && onPick(hovered.evaluation))
    box.coleplot = plot
  }

  // ---------------------------------------------------------------------------------------------
  // sections

  const cvSection = (run, view) => {
    const section = h("section", { id: "cv" }, h("h2", null, "Cross-validation: Kendall τ per training budget"))
    if (view.configurations.length === 0) return section.append(h("p", { class: "empty" }, "No configurations.")), section
    const budgets = [...new Set(view.configurations.flatMap((c) => c.budgets.map((b) => b.budget)))].sort((a, b) => a - b)
    section.append(table(["configuration", ...budgets.map(String)], view.configurations.map((c) => [
      c.name,
      ...(c.problem !== null ? [problem(c.problem)] : c.pending ? [h("span", { class: "empty" }, "not computed yet")] : budgets.map((b) => {
        const row = c.budgets.find((r) => r.budget === b)
        return row === undefined ? "" : `${num(row.meanTau)} ± ${num(row.stdTau)} (n ${row.n})`
      }))
    ]), { class: "numbers", id: "cv-table" }))
    cvPlot(section, view)
    const ready = view.configurations.filter((c) => c.budgets.length > 0)
    if (ready.length >= 2) {
      const pick = (id, selected) => h("select", { id }, ready.map((c, i) => h("option", { value: c.name, selected: i === selected }, c.name)))
      const a = pick("cv-a", 0), b = pick("cv-b", 1)
      const out = h("div", { id: "cv-test" })
      const update = async () => {
        out.replaceChildren(h("p", { class: "empty" }, "…"))
        try {
          const rows = await source.cvTest(run, a.value, b.value)
          out.replaceChildren(table(["budget", "pairs", "mean Δτ (B − A)", "t", "df", "p (one-tailed)"], rows.map((r) => [String(r.budget), String(r.n), num(r.meanDifference, 4), num(r.t), num(r.df, 0), pValue(r.p)]), { class: "numbers" }))
        } catch (e) {
          out.replaceChildren(problem(e.message))
        }
      }
      a.addEventListener("change", update)
      b.addEventListener("change", update)
      section.append(h("h3", null, "Corrected paired t-test (Nadeau–Bengio), B against A"), h("div", { class: "controls" }, h("label", null, "A ", a), h("label", null, "B ", b)), out)
      update()
    }
    return section
  }

  const searchSection = (run, view) => {
    const section = h("section", { id: "search" }, h("h2", null, `Search: incumbent per evaluation${view.budget > 0 ? ` (${view.space}, budget ${view.budget})` : ""}`))
    const arms = view.arms.filter((a) => a.curve.length > 0)
    section.append(table(["arm", "trials", "evaluations to 0.99 × optimum: mean curve", "median trial", "reached"], view.arms.map((a) =>
      a.problem !== null ? [a.name, problem(a.problem), "", "", ""] : a.pending ? [a.name, h("span", { class: "empty" }, "not computed yet"), "", "", ""] : [a.name, String(a.trials), a.hitting.meanCurve === null ? "not reached" : String(a.hitting.meanCurve), a.hitting.median === null ? "not reached" : String(a.hitting.median), `${Math.round(100 * a.hitting.reached)}%`]
    ), { class: "numbers", id: "search-table" }))
    if (view.optimum !== null) section.append(h("p", null, `optimum ${num(view.optimum, 4)}; threshold 0.99 × optimum = ${num(view.threshold, 4)}`))
    for (const t of view.tests) {
      section.append(h("p", { class: "test" }, `${t.b} vs ${t.a}, Welch's t-test (two-sided): `, t.rows.map((r) => `t = ${r.evaluations}: p ${pValue(r.p)}`).join("; ")))
    }
    if (arms.length === 0) return section
    const trialIds = arms[0].trialIds
    const select = h("select", { id: "trial" }, trialIds.map((t) => h("option", { value: t }, `trial ${t}`)))
    const plotBox = h("div")
    const code = h("div", { id: "code" })
    const draw = async () => {
      const trial = Number(select.value)
      try {
        const trials = await Promise.all(arms.map((a) => (a.trialIds.includes(trial) ? source.trial(run, a.name, trial) : [])))
        plotBox.replaceChildren()
        searchPlot(plotBox, { ...view, arms }, trials, (e) => showCode(code, view.space, e))
      } catch (e) {
        plotBox.replaceChildren(problem(e.message))
      }
    }
    select.addEventListener("change", draw)
    section.append(h("div", { class: "controls" }, h("label", null, "evaluations of ", select), h("span", { class: "hint" }, " — hover a dot for its architecture")), plotBox, code)
    draw()
    return section
  }

  const showCode = async (el, space, e) => {
    el.replaceChildren(h("h3", null, "Code text of ", h("code", null, e.arch)))
    try {
      const result = await source.code(space, e.arch)
      if (result.code === null) {
        el.append(h("p", { class: "hint" }, `This report holds no code text; print it with: cole transpile --space ${space} '${e.arch}'`))
        return
      }
      el.append(h("pre", { class: "code" }, result.code))
      if (result.shapes !== null) el.append(h("h3", null, "Shapes"), h("pre", { class: "code" }, result.shapes))
    } catch (error) {
      el.append(problem(error.message))
    }
  }

  /** The run's nodes as a graph: columns by depth (a node sits right of every node it reads). */
  const graphView = (nodes) => {
    const depth = new Map()
    const byId = new Map(nodes.map((n) => [n.id, n]))
    const depthOf = (id, seen = new Set()) => {
      if (depth.has(id)) return depth.get(id)
      if (seen.has(id)) return 0
      seen.add(id)
      const n = byId.get(id)
      const d = n === undefined ? 0 : Math.max(-1, ...n.inputs.filter((i) => byId.has(i)).map((i) => depthOf(i, seen))) + 1
      depth.set(id, d)
      return d
    }
    nodes.forEach((n) => depthOf(n.id))
    const columns = []
    for (const n of nodes) (columns[depth.get(n.id)] ??= []).push(n)
    const W = 230, H = 44, GX = 60, GY = 14
    const pos = new Map()
    columns.forEach((col, c) => col.forEach((n, r) => pos.set(n.id, { x: 10 + c * (W + GX), y: 10 + r * (H + GY) })))
    const width = 20 + columns.length * (W + GX) - GX, height = 20 + Math.max(...columns.map((c) => c.length)) * (H + GY) - GY
    const out = svg("svg", { width, height, class: "graph", role: "img" })
    for (const n of nodes) {
      for (const i of n.inputs) {
        const a = pos.get(i), b = pos.get(n.id)
        if (a === undefined) continue
        out.append(svg("path", { d: `M${a.x + W},${a.y + H / 2} C${a.x + W + GX / 2},${a.y + H / 2} ${b.x - GX / 2},${b.y + H / 2} ${b.x},${b.y + H / 2}`, class: "edge" }))
      }
    }
    for (const n of nodes) {
      const p = pos.get(n.id)
      const units = n.units.hit + n.units.computed + n.units.failed
      const label = n.id.length > 34 ? `${n.id.slice(0, 33)}…` : n.id
      const g = svg("g", { class: `node ${n.status.replace(/ /g, "-")}`, transform: `translate(${p.x},${p.y})` },
        svg("title", {}, `${n.id} (${n.step}): ${n.status}${n.error ? ` — ${n.error}` : ""}`),
        svg("rect", { width: W, height: H, rx: 6 }),
        svg("text", { x: 8, y: 17 }, label),
        svg("text", { x: 8, y: 34, class: "sub" }, `${n.status}${n.ms !== null ? ` · ${duration(n.ms)}` : ""}${units > 0 ? ` · ${units} units` : ""}`))
      out.append(g)
    }
    return h("div", { class: "graph-box" }, out)
  }

  const progressView = (progress) =>
    h("div", { id: "progress" }, progress.map((p) =>
      h("div", { class: "progress" },
        h("div", { class: "label" }, p.label),
        h("progress", { max: Math.max(p.total, 1), value: p.done }),
        h("span", null, ` ${p.done} / ${p.total}`, p.perSecond !== null ? ` · ${num(p.perSecond, 2)}/s` : "", p.etaSeconds !== null && p.done < p.total ? ` · ETA ${duration(p.etaSeconds * 1000)}` : ""))))

  // ---------------------------------------------------------------------------------------------
  // pages

  let timer = null
  const poll = (f, ms) => {
    clearTimeout(timer)
    timer = setTimeout(f, ms)
  }

  const header = (info) =>
    h("header", null,
      h("a", { href: "#", class: "brand" }, "cole"),
      h("nav", null, h("a", { href: "#" }, "Runs"), h("a", { href: "#view=cache" }, "Cache")),
      h("span", { class: "store" }, `store ${info.root}`))

  const runsPage = async (main) => {
    const runs = await get("runs")
    if (runs.length === 0) {
      main.replaceChildren(h("h1", null, "Runs"), h("p", { class: "empty", id: "no-runs" }, "No runs in this store yet. Start one, e.g. cole quickstart --store DIR, and it appears here while it runs."))
    } else {
      main.replaceChildren(h("h1", null, "Runs"), table(["started", "pipeline", "state", "nodes (computed / hit / failed)", "units", "run"], runs.map((r) => [
        when(r.started),
        h("a", { href: `#run=${encodeURIComponent(r.runId)}` }, r.pipeline),
        badge(r.state),
        `${r.nodes.computed} / ${r.nodes.hit} / ${r.nodes.failed}`,
        String(r.units.hit + r.units.computed + r.units.failed),
        h("span", null, r.runId, r.problems.length > 0 ? h("span", { class: "problem" }, ` ${r.problems.join("; ")}`) : null)
      ]), { id: "runs" }))
    }
    poll(() => render(), runs.some((r) => r.state === "running") ? 1000 : 3000)
  }

  let shown = { run: null, results: "" }
  const runPage = async (main, runId) => {
    const run = await get(`runs/${encodeURIComponent(runId)}`)
    const top = h("div", { id: "run-top" },
      h("p", null, h("a", { href: "#" }, "← all runs")),
      h("h1", null, `${run.pipeline} `, badge(run.state)),
      h("p", { class: "meta" }, `run ${run.runId} · started ${when(run.started)}${run.ended ? ` · ended ${when(run.ended)}` : ""}`),
      run.problems.map(problem),
      run.state === "running" && run.progress.some((p) => p.done < p.total) ? progressView(run.progress.filter((p) => p.done < p.total)) : null,
      h("h2", null, "Pipeline"),
      run.graph.length === 0 ? h("p", { class: "empty" }, "No nodes recorded.") : graphView(run.graph),
      h("details", null, h("summary", null, "nodes"), table(["node", "step", "status", "units (computed / hit / failed)", "time", "error"], run.graph.map((n) => [n.id, n.step, badge(n.status), `${n.units.computed} / ${n.units.hit} / ${n.units.failed}`, duration(n.ms), n.error ?? ""]), { id: "nodes" })))
    // Results are read again only when a result node changed, so a live run does not redraw its plots every second.
    const signature = JSON.stringify(run.graph.filter((n) => ["cross-validate", "search", "search-open"].includes(n.step)).map((n) => [n.id, n.status, n.key]))
    const results = shown.run === runId && shown.results === signature ? main.querySelector("#results") : null
    const fresh = results === null ? h("div", { id: "results" }) : results
    main.replaceChildren(top, fresh)
    if (results === null) {
      shown = { run: runId, results: signature }
      if (!run.results.cv && !run.results.search) fresh.append(h("p", { class: "empty" }, run.state === "running" ? "No results yet: this run's results appear here as its nodes finish." : "This run has no cross-validation or search results."))
      if (run.results.cv) fresh.append(cvSection(runId, await get(`runs/${encodeURIComponent(runId)}/cv`)))
      if (run.results.search) fresh.append(searchSection(runId, await get(`runs/${encodeURIComponent(runId)}/search`)))
    }
    if (run.state === "running") poll(() => render(), 1000)
  }

  const cachePage = async (main) => {
    const c = await get("cache")
    main.replaceChildren(
      h("h1", null, "Cache"),
      h("p", null, `${c.results} results, ${c.blobs} blobs, ${bytes(c.bytes)} in ${c.root}`),
      h("h2", null, "Size by step"),
      c.steps.length === 0 ? h("p", { class: "empty" }, "The store holds no results.") : table(["step", "results", "size"], c.steps.map((s) => [s.step, String(s.results), bytes(s.bytes)]), { class: "numbers", id: "steps" }),
      h("h2", null, "What cole cache gc would free now"),
      h("p", { id: "gc" }, c.gc.bytes === 0 ? "Nothing: every result is reachable from a recent or live run, a ref, or is younger than an hour." : `${bytes(c.gc.bytes)}: ${c.gc.results} results, ${c.gc.blobs} blobs, ${c.gc.runs} run journals`),
      h("h2", null, "Stale results"),
      c.stale.length === 0 ? h("p", { id: "stale" }, "Nothing: every stored result matches the current code.") : table(["step", "why", "results", "size"], c.stale.map((s) => [s.step, s.why, String(s.results), bytes(s.bytes)]), { id: "stale" }))
  }

  let info = null
  const render = async () => {
    clearTimeout(timer)
    const main = root.querySelector("main") ?? h("main")
    try {
      info ??= await get("info")
      if (root.querySelector("header") === null) root.replaceChildren(header(info), main)
      const params = new URLSearchParams(location.hash.slice(1))
      const run = params.get("run")
      if (run !== null) await runPage(main, run)
      else if (params.get("view") === "cache") await cachePage(main)
      else await runsPage(main)
    } catch (e) {
      if (root.querySelector("main") === null) root.replaceChildren(main)
      main.replaceChildren(problem(e.message))
      poll(() => render(), 3000)
    }
  }

  const renderReport = () => {
    const main = h("main")
    root.replaceChildren(h("header", null, h("span", { class: "brand" }, "cole"), h("span", { class: "store" }, "report (data inlined; opens without a server)")), main)
    main.append(h("h1", null, report.title))
    if (report.cv) main.append(cvSection(null, report.cv))
    if (report.search) main.append(searchSection(null, report.search))
  }

  if (report !== null) renderReport()
  else {
    window.addEventListener("hashchange", () => {
      shown = { run: null, results: "" }
      render()
    })
    render()
  }
})()
