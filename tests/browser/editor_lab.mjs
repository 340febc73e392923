// The editor in a real JupyterLab, in the system's headless Chromium: open the notebook, run
// it, make Oslo the active region, click Bærum (0219) on the map, read the panel, run axe-core
// on the widget (JupyterLab's own page is not ours to check), take a screenshot.
//
//   node tests/browser/editor_lab.mjs LAB_URL_OF_NOTEBOOK SHOT.png
//
// Prints JSON {before, afterClick, violations, regionLabels}; exits 2 on a harness error.
// Requests other than to the lab's own host are refused. Chromium: $CHROMIUM or /usr/bin/chromium.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const [url, shot] = process.argv.slice(2);

const rows = () => Object.fromEntries([...document.querySelectorAll(".ra-panel table:first-of-type tbody tr")]
  .map((tr) => [tr.querySelector("th").textContent, [...tr.querySelectorAll("td")].map((td) => td.textContent)]));

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
});
const out = {};
let page = null;
try {
  page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 1500 });
  const origin = new URL(url).origin;
  await page.setRequestInterception(true);
  page.on("request", (req) => (req.url().startsWith(origin) || req.url().startsWith("ws:") || req.url().startsWith("blob:")
    || req.url().startsWith("data:") ? req.continue() : req.abort()));
  await page.goto(url, { waitUntil: "load", timeout: 180000 });
  await page.waitForSelector(".jp-Notebook", { timeout: 180000 });
  await page.waitForFunction(() => document.querySelector(".jp-Notebook .jp-Cell"), { timeout: 60000 });
  // run the cell once the kernel is idle: the toolbar's run button
  await page.waitForFunction(() => document.querySelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]')
    || /\|\s*Idle\b/.test(document.body.innerText), { timeout: 180000, polling: 500 });
  // a kernel just started may show «Idle» before it takes requests: run again until the cell starts
  for (let attempt = 0; attempt < 6; attempt++) {
    await page.click(".jp-Notebook .jp-Cell:first-child .jp-InputPrompt");
    await page.click('.jp-NotebookPanel-toolbar [data-command="notebook:run-cell-and-select-next"]');
    const started = await page.waitForFunction(
      () => !/\[\s\]/.test(document.querySelector(".jp-Notebook .jp-Cell:first-child .jp-InputPrompt")?.textContent || "[ ]"),
      { timeout: 15000 }).then(() => true, () => false);
    if (started) break;
  }
  await page.waitForSelector(".ra-editor path[data-koder]", { timeout: 180000 });
  await page.waitForSelector(".ra-panel table tbody tr", { timeout: 60000 });
  out.before = await page.evaluate(rows);
  const oslo = await page.$$eval(".ra-region-list label", (ls) => ls.findIndex((l) => l.textContent === "Oslo"));
  await page.click(`.ra-region-list li:nth-child(${oslo + 1}) input`);
  const t0 = Date.now();
  await page.$eval('path[data-koder~="0219"]', (el) => el.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true, view: window })));
  await page.waitForFunction((prev) => JSON.stringify(Object.fromEntries([...document.querySelectorAll(".ra-panel table:first-of-type tbody tr")]
    .map((tr) => [tr.querySelector("th").textContent, [...tr.querySelectorAll("td")].map((td) => td.textContent)]))) !== prev,
  { timeout: 60000 }, JSON.stringify(out.before));
  out.clickToPanelMs = Date.now() - t0;
  out.afterClick = await page.evaluate(rows);
  out.regionLabels = await page.$$eval(".ra-region-list label", (ls) => ls.map((l) => l.textContent));
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
