// The regionanalyse editor in the browser (an anywidget ES module; Leaflet is prepended as `L`).
//
// The model holds three JSON traits the Python side writes: `mapdata` (kommune polygons, once),
// `state` (regions, the region of every kommune, undo/redo) and `panel` (figures as text). The
// page sends edits as messages ({op: "assign", codes, region}, …) and draws what comes back.
// Every text from the model (region and kommune names) reaches the DOM with textContent only.

let counter = 0;

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function option(value, text) {
  const o = el("option", { value: String(value) }, text);
  return o;
}

function render({ model, el: host }) {
  const byFylke = model.get("mapdata").painted === "fylke";  // a click paints a whole fylke
  const uid = "ra-ed-" + (++counter) + "-" + Math.random().toString(36).slice(2, 7);
  const id = (name) => uid + "-" + name;
  const root = el("div", { class: "ra-editor", lang: "nb" });
  host.appendChild(root);

  const head = el("div", { class: "ra-head" });
  head.appendChild(el("h2", { class: "ra-title" }, "Tegn et forslag"));
  const status = el("p", { class: "ra-status", role: "status", "aria-live": "polite", id: id("status") });
  head.appendChild(status);
  root.appendChild(head);

  const body = el("div", { class: "ra-body" });
  root.appendChild(body);
  const mapBox = el("div", { class: "ra-map", id: id("map"), role: "region",
    "aria-label": (byFylke ? "Kart over fylkene, farget etter region. Klikk et fylke for å legge det i den aktive regionen; med tastaturet: bruk skjemaet «Flytt et fylke»."
      : "Kart over kommunene, farget etter region. Klikk en kommune for å legge den i den aktive regionen; med tastaturet: bruk skjemaet «Flytt en kommune eller et fylke».") });
  body.appendChild(mapBox);
  const side = el("div", { class: "ra-side" });
  body.appendChild(side);

  // --- regions: the active region is the one clicks paint ---------------------------------
  const regionsBox = el("fieldset", { class: "ra-regions" });
  regionsBox.appendChild(el("legend", {}, "Aktiv region (klikk i kartet legger " + (byFylke ? "fylket" : "kommunen") + " her)"));
  const regionList = el("ul", { class: "ra-region-list" });
  regionsBox.appendChild(regionList);
  side.appendChild(regionsBox);

  // --- the keyboard path: a kommune, a region, a button ------------------------------------
  const moveForm = el("form", { class: "ra-form", "aria-labelledby": id("move-h") });
  moveForm.appendChild(el("h3", { id: id("move-h") }, byFylke ? "Flytt et fylke" : "Flytt en kommune eller et fylke"));
  const kommuneSel = el("select", { id: id("kommune") });
  const toSel = el("select", { id: id("to") });
  moveForm.appendChild(el("label", { for: id("kommune") }, byFylke ? "Fylke" : "Kommune eller fylke"));
  moveForm.appendChild(kommuneSel);
  moveForm.appendChild(el("label", { for: id("to") }, "Til region"));
  moveForm.appendChild(toSel);
  const moveBtn = el("button", { type: "submit" }, "Flytt");
  moveForm.appendChild(moveBtn);
  side.appendChild(moveForm);

  // --- region tools -----------------------------------------------------------------------
  const tools = el("form", { class: "ra-form", "aria-labelledby": id("tools-h") });
  tools.appendChild(el("h3", { id: id("tools-h") }, "Regioner"));
  tools.appendChild(el("label", { for: id("name") }, "Navn"));
  const nameInput = el("input", { id: id("name"), type: "text", maxlength: "120", autocomplete: "off" });
  tools.appendChild(nameInput);
  const addBtn = el("button", { type: "button" }, "Legg til region");
  const renameBtn = el("button", { type: "button" }, "Gi aktiv region dette navnet");
  tools.appendChild(addBtn);
  tools.appendChild(renameBtn);
  tools.appendChild(el("label", { for: id("rest") }, "Kommunene i aktiv region går til"));
  const restSel = el("select", { id: id("rest") });
  tools.appendChild(restSel);
  const removeBtn = el("button", { type: "button" }, "Fjern aktiv region");
  tools.appendChild(removeBtn);
  tools.appendChild(el("label", { for: id("seat") }, "Sete for aktiv region"));
  const seatSel = el("select", { id: id("seat") });
  tools.appendChild(seatSel);
  const seatBtn = el("button", { type: "button" }, "Sett sete");
  tools.appendChild(seatBtn);
  side.appendChild(tools);

  const undoBar = el("div", { class: "ra-undo" });
  const undoBtn = el("button", { type: "button" }, "Angre");
  const redoBtn = el("button", { type: "button" }, "Gjør om");
  const ensembleBtn = el("button", { type: "button" }, "Sammenlign med alternativer");
  undoBar.appendChild(undoBtn);
  undoBar.appendChild(redoBtn);
  undoBar.appendChild(ensembleBtn);
  side.appendChild(undoBar);

  // --- the panel ----------------------------------------------------------------------------
  const panelBox = el("div", { class: "ra-panel" });
  root.appendChild(panelBox);

  const mapdata = model.get("mapdata");
  const units = mapdata.units;                    // [[kode, navn], ...] in the order of labels
  const unitIndex = new Map(units.map((u, i) => [u[0], i]));
  const sortedUnits = units.map((u, i) => i).sort((a, b) => units[a][1].localeCompare(units[b][1], "nb"));
  const kommuneGroup = el("optgroup", { label: "Kommuner" });
  for (const i of sortedUnits) kommuneGroup.appendChild(option(units[i][0], units[i][1] + " (" + units[i][0] + ")"));
  const fylkeGroup = el("optgroup", { label: "Hele fylker" });
  for (const [code, name] of mapdata.fylker || []) fylkeGroup.appendChild(option(code, name + " (" + code + ")"));
  if (!byFylke) kommuneSel.appendChild(kommuneGroup);
  kommuneSel.appendChild(fylkeGroup);

  const send = (msg) => model.send(msg);
  const state = () => model.get("state");
  let active = state().active;  // set at once on a choice, so a click right after paints there
  const regionName = (i) => state().regions[i].name;

  // --- the map ------------------------------------------------------------------------------
  let map = null;
  let layers = [];
  if (typeof L !== "undefined") {
    // Shift+drag paints (so Leaflet's Shift+drag box zoom is off)
    map = L.map(mapBox, { keyboard: true, zoomSnap: 0.25, boxZoom: false, zoomControl: false });
    // Norwegian names for the zoom buttons (their accessible names), through Leaflet's public API
    L.control.zoom({ zoomInTitle: "Zoom inn", zoomOutTitle: "Zoom ut" }).addTo(map);
    L.control.scale({ imperial: false }).addTo(map);
    let painting = false;
    let stroke = [];
    const geo = L.geoJSON(mapdata, {
      style: () => ({ color: "#ffffff", weight: 0.6, fillOpacity: 0.8, fillColor: "#999999" }),
      onEachFeature: (feature, layer) => {
        layers.push(layer);
        layer.bindTooltip(() => tooltip(feature), { sticky: true });
        layer.on("click", () => {
          send({ op: "assign", codes: feature.properties.koder, region: state().regions[active].name });
        });
        layer.on("mousedown", (e) => {
          if (!e.originalEvent.shiftKey) return;
          painting = true; stroke = [];
          map.dragging.disable();
          paint(feature, layer);
        });
        layer.on("mouseover", () => { if (painting) paint(feature, layer); });
      },
    }).addTo(map);
    function paint(feature, layer) {
      stroke.push(...feature.properties.koder);
      layer.setStyle({ fillColor: state().regions[active].color });
    }
    map.on("mouseup", () => {
      if (!painting) return;
      painting = false;
      map.dragging.enable();
      if (stroke.length) send({ op: "assign", codes: [...new Set(stroke)], region: state().regions[active].name });
    });
    map.fitBounds(mapdata.bounds);
    // the widget may be laid out after it is rendered (JupyterLab): fit again once it has a size
    setTimeout(() => { map.invalidateSize(); map.fitBounds(mapdata.bounds); }, 200);
  }

  function tooltip(feature) {
    const box = document.createElement("div");
    const st = state();
    const codes = feature.properties.koder;
    box.appendChild(el("strong", {}, feature.properties.navn));
    const regions = [...new Set(codes.map((c) => st.labels[unitIndex.get(c)]))];
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(regions.map((r) => (r >= 0 ? st.regions[r].name : "ingen region")).join(" / ")));
    return box;
  }

  function drawMap() {
    const st = state();
    const t0 = performance.now();
    for (const layer of layers) {
      const codes = layer.feature.properties.koder;
      const path = layer.getElement && layer.getElement();
      if (path && !path.dataset.koder) path.dataset.koder = codes.join(" ");  // for tests and tools
      const r = st.labels[unitIndex.get(codes[0])];
      layer.setStyle({ fillColor: r >= 0 ? st.regions[r].color : "#ffffff" });
      // an open tooltip (the kommune just clicked) names its new region at once
      if (layer.isTooltipOpen()) layer.getTooltip().update();
    }
    root.dataset.repaintMs = String(Math.round(performance.now() - t0));
  }

  // --- state → controls ----------------------------------------------------------------------
  function fillSelect(sel, items, selected) {
    const keep = sel.value;
    sel.replaceChildren(...items.map(([v, t]) => option(v, t)));
    const want = selected !== undefined ? String(selected) : keep;
    if ([...sel.options].some((o) => o.value === want)) sel.value = want;
  }

  function drawState() {
    const st = state();
    active = st.active;
    regionList.replaceChildren();
    st.regions.forEach((region, i) => {
      const li = el("li", {});
      const input = el("input", { type: "radio", name: id("active"), id: id("r" + i), value: String(i) });
      input.checked = i === st.active;
      input.addEventListener("change", () => { active = i; send({ op: "activate", index: i }); });
      const label = el("label", { for: id("r" + i) });
      const swatch = el("span", { class: "ra-swatch", "aria-hidden": "true" });
      swatch.style.background = region.color;
      label.appendChild(swatch);
      label.appendChild(document.createTextNode(region.name));
      li.appendChild(input);
      li.appendChild(label);
      li.appendChild(el("span", { class: "ra-flag" }));
      regionList.appendChild(li);
    });
    flagRegions();
    const names = st.regions.map((r, i) => [i, r.name]);
    fillSelect(toSel, names, st.active);
    fillSelect(restSel, names.filter(([i]) => i !== st.active));
    const inRegion = sortedUnits.filter((u) => st.labels[u] === st.active);
    fillSelect(seatSel, [["", "ikke oppgitt (mest folkerike kommune brukes)"],
      ...inRegion.map((u) => [units[u][0], units[u][1]])]);
    undoBtn.disabled = !st.can_undo;
    redoBtn.disabled = !st.can_redo;
    removeBtn.disabled = st.regions.length < 2;
    ensembleBtn.disabled = Boolean(st.busy);
    status.textContent = st.message || "";
    status.classList.toggle("ra-error", Boolean(st.message && st.message.startsWith("Feil")));
    drawMap();
  }

  // warnings where they arise: a short text after the region's name («ikke sammenhengende», …)
  function flagRegions() {
    const flags = model.get("panel").flags || [];
    [...regionList.children].forEach((li, i) => {
      const span = li.querySelector(".ra-flag");
      const mine = flags.filter(([r]) => r === i).map(([, text]) => text);
      span.textContent = mine.length ? "– " + mine.join(", ") : "";
    });
  }

  // --- panel → DOM (text only) ---------------------------------------------------------------
  function table(caption, headers, rows, numericFrom) {
    const t = el("table", { class: "ra-table" });
    t.appendChild(el("caption", {}, caption));
    const thead = el("thead");
    const hr = el("tr");
    headers.forEach((h) => hr.appendChild(el("th", { scope: "col" }, h)));
    thead.appendChild(hr);
    t.appendChild(thead);
    const tbody = el("tbody");
    for (const row of rows) {
      const tr = el("tr");
      row.forEach((cell, j) => {
        const c = j === 0 ? el("th", { scope: "row" }, cell) : el("td", {}, cell);
        if (j >= numericFrom) c.classList.add("ra-num");
        tr.appendChild(c);
      });
      tbody.appendChild(tr);
    }
    t.appendChild(tbody);
    return t;
  }

  function drawPanel() {
    const p = model.get("panel");
    const parts = [table(p.caption, p.columns, p.rows, 1), el("p", { class: "ra-note" }, p.figures_note)];
    const headers = ["Mål for hele inndelingen", "Verdi"];
    if (p.has_percentiles) headers.push("Persentil blant alternativene", "Andel lavere / lik / høyere");
    parts.push(table("Mål for forslaget (som regionanalyse score)", headers, p.scores, 1));
    if (p.note) parts.push(el("p", { class: "ra-note" }, p.note));
    const warn = el("div", { class: "ra-warnings" });
    warn.appendChild(el("h3", {}, p.warnings.length ? "Advarsler" : "Ingen advarsler"));
    const ul = el("ul");
    for (const w of p.warnings) ul.appendChild(el("li", {}, w));
    warn.appendChild(ul);
    parts.push(warn);
    panelBox.replaceChildren(...parts);
    flagRegions();
  }

  // --- controls → messages ---------------------------------------------------------------------
  moveForm.addEventListener("submit", (e) => {
    e.preventDefault();
    send({ op: "assign", codes: [kommuneSel.value], region: regionName(Number(toSel.value)) });
  });
  addBtn.addEventListener("click", () => send({ op: "add", name: nameInput.value }));
  renameBtn.addEventListener("click", () => send({ op: "rename", old: regionName(active), name: nameInput.value }));
  removeBtn.addEventListener("click", () => send({ op: "remove", name: regionName(active),
    to: restSel.value === "" ? null : regionName(Number(restSel.value)) }));
  seatBtn.addEventListener("click", () => send({ op: "seat", region: regionName(active), seat: seatSel.value || null }));
  undoBtn.addEventListener("click", () => send({ op: "undo" }));
  redoBtn.addEventListener("click", () => send({ op: "redo" }));
  ensembleBtn.addEventListener("click", () => send({ op: "ensemble" }));

  model.on("change:state", drawState);
  model.on("change:panel", drawPanel);
  drawState();
  drawPanel();
  return () => { if (map) map.remove(); };
}

export default { render };
