// The editor in a real JupyterLab, in the system's headless Chromium, as an analyst meets it:
// open the notebook (utforsk), run its cells down to the one with `ra.editor(`, make Oslo the
// active region, click Bærum (0219) on the map, read the panel, type a hostile region name and
// add it, run axe-core on the widget (JupyterLab's own page is not ours to check), take a
// screenshot of the widget.
//
//   node tests/browser/editor_lab.mjs LAB_URL_OF_NOTEBOOK SHOT.png
//
// Prints JSON {before, afterClick, clickToPanelMs, regionLabels, payloadElements, dialogs,
// violations}; exits 2 on a harness error (then SHOT-feil.png is the whole page). Requests other
// than to the lab's own host are refused. Chromium: $CHROMIUM or /usr/bin/chromium; the hostile
// name: $HOSTILE_NAME.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const [url, shot] = process.argv.slice(2);
const HOSTILE = process.env.HOSTILE_NAME || "<img src=x onerror=alert(1)>";

const rows = () => Object.fromEntries([...document.querySelectorAll(".ra-panel table:first-of-type tbody tr")]
  .map((tr) => [tr.querySelector("th").textContent, [...tr.querySelectorAll("td")].map((td) => td.textContent)]));

// event-handler attributes or the payload's image anywhere in the widget
function findPayloads() {
  const found = [];
  for (const el of document.querySelectorAll(".ra-editor, .ra-editor *")) {
    for (const attr of el.getAttributeNames()) if (attr.startsWith("on")) found.push(`${el.tagName}[${attr}]`);
    if (el.tagName === "IMG" && el.getAttribute("src") === "x") found.push("img[src=x]");
  }
  return found;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
});
const out = { dialogs: [] };
let page = null;
try {
  page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 1500 });
  page.on("dialog", async (d) => { out.dialogs.push(d.message()); await d.dismiss().catch(() => {}); });
  const origin = new URL(url).origin;
  const wsOrigin = origin.replace(/^http/, "ws");
  await page.setRequestInterception(true);
  page.on("request", (req) => (req.url().startsWith(origin) || req.url().startsWith(wsOrigin) || req.url().startsWith("blob:")
    || req.url().startsWith("data:") ? req.continue() : req.abort()));
  await page.goto(url, { waitUntil: "load", timeout: 180000 });
  await page.waitForSelector(".jp-Notebook .jp-Cell", { timeout: 180000 });
  // the cells down to the editor's (the first code cell calling ra.editor)
  const editorCell = await page.waitForFunction(() => {
    const cells = [...document.querySelectorAll(".jp-Notebook .jp-Cell")];
    const i = cells.findIndex((c) => c.classList.contains("jp-CodeCell") && c.textContent.includes("ra.editor("));
    return i >= 0 ? i : false;
  }, { timeout: 60000, polling: 250 }).then((h) => h.jsonValue());
  await page.waitForFunction(() => document.querySelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]')
    || /\|\s*Idle\b/.test(document.body.innerText), { timeout: 180000, polling: 500 });
  // a kernel just started may show «Idle» before it takes requests, and may drop the first
  // cells (then the editor's cell fails, e.g. NameError for `year`): run again until the
  // editor's cell has run to the end without an error
  const cellSel = (i) => `.jp-Notebook .jp-Cell:nth-child(${i + 1})`;
  const prompt = (i) => `${cellSel(i)} .jp-InputPrompt`;
  let started = false;
  for (let attempt = 0; attempt < 8 && !started; attempt++) {
    const before = await page.$eval(prompt(editorCell), (e) => e.textContent).catch(() => "[ ]:");
    await page.click(".jp-Notebook .jp-Cell:first-child");
    await page.keyboard.press("Escape");  // command mode: the run button acts on the selection
    for (let i = 0; i <= editorCell; i++) {
      await page.click('.jp-NotebookPanel-toolbar [data-command="notebook:run-cell-and-select-next"]');
      await sleep(150);
    }
    started = await page.waitForFunction(
      (sel, prev) => { const t = document.querySelector(sel)?.textContent || "[ ]:"; return !/\[\s\]/.test(t) && t !== prev; },
      { timeout: 20000 }, prompt(editorCell), before).then(() => true, () => false);
    if (!started) continue;
    await page.waitForFunction((sel) => !/\[\*\]/.test(document.querySelector(sel)?.textContent || ""),
      { timeout: 240000, polling: 500 }, prompt(editorCell));
    const failed = await page.$eval(cellSel(editorCell),
      (c) => /Traceback \(most recent call last\)/.test(c.querySelector(".jp-OutputArea")?.textContent || ""));
    if (failed) started = false;
  }
  if (!started) throw new Error("the editor's cell never ran without an error");
  await page.waitForSelector(".ra-editor path[data-koder]", { timeout: 240000 });
  await page.waitForSelector(".ra-panel table tbody tr", { timeout: 60000 });
  await page.waitForFunction(() => document.querySelector(".ra-editor path[data-koder~='0219']"), { timeout: 60000 });
  out.before = await page.evaluate(rows);

  // the mouse: Oslo active, Bærum clicked
  const oslo = await page.$$eval(".ra-region-list label", (ls) => ls.findIndex((l) => l.textContent === "Oslo"));
  await page.click(`.ra-region-list li:nth-child(${oslo + 1}) input`);
  await page.waitForFunction((i) => document.querySelector(`.ra-region-list li:nth-child(${i + 1}) input`).checked, {}, oslo);
  const t0 = Date.now();
  await page.$eval('.ra-editor path[data-koder~="0219"]', (el) => el.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true, view: window })));
  await page.waitForFunction((prev) => JSON.stringify(Object.fromEntries([...document.querySelectorAll(".ra-panel table:first-of-type tbody tr")]
    .map((tr) => [tr.querySelector("th").textContent, [...tr.querySelectorAll("td")].map((td) => td.textContent)]))) !== prev,
  { timeout: 60000 }, JSON.stringify(out.before));
  out.clickToPanelMs = Date.now() - t0;
  out.afterClick = await page.evaluate(rows);

  // a hostile region name, typed into the widget and added
  const count = await page.$$eval(".ra-region-list li", (l) => l.length);
  await page.type(".ra-editor input[id$='-name']", HOSTILE);
  await page.click("xpath/.//button[normalize-space()='Legg til region']");
  await page.waitForFunction((n) => document.querySelectorAll(".ra-region-list li").length > n, { timeout: 60000 }, count);
  await sleep(300);
  out.regionLabels = await page.$$eval(".ra-region-list label", (ls) => ls.map((l) => l.textContent));
  out.payloadElements = await page.evaluate(findPayloads);

  await page.evaluate(AXE_SOURCE);
  out.violations = await page.evaluate(async (tags) => {
    const r = await window.axe.run(document.querySelector(".ra-editor"), { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target) }));
  }, TAGS);
  if (shot) {
    const widget = await page.$(".ra-editor");
    await widget.screenshot({ path: shot });
  }
} catch (err) {
  console.error(err.stack || String(err));
  if (page && shot) {
    await page.screenshot({ path: shot.replace(/\.png$/, "-feil.png") }).catch(() => {});
    const text = await page.$$eval(".jp-OutputArea-output", (os) => os.map((o) => o.textContent.slice(0, 2000))).catch(() => []);
    console.error("outputs:", JSON.stringify(text));
  }
  await browser.close();
  process.exit(2);
}
await browser.close();
console.log(JSON.stringify(out, null, 1));
