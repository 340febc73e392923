// The editor painting whole fylker (units="fylke") in the system's headless Chromium: make Oslo
// the active region, click the shape holding Bærum (0219), read the panel and the keyboard
// form's choices, run axe-core (WCAG 2.1 A/AA).
//
//   node tests/browser/editor_fylke.mjs URL
//
// URL serves the widget's page as in tests/test_editor_browser.py. Prints JSON {before,
// afterClick, status, moveLabel, choices, shapes, violations}; exits 2 on a harness error.
// Requests other than to URL's host are refused. Chromium: $CHROMIUM or /usr/bin/chromium.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const [url] = process.argv.slice(2);
const rows = () => Object.fromEntries([...document.querySelectorAll(".ra-panel table:first-of-type tbody tr")]
  .map((tr) => [tr.querySelector("th").textContent, [...tr.querySelectorAll("td")].map((td) => td.textContent)]));

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
});
const out = {};
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 1400 });
  const origin = new URL(url).origin;
  await page.setRequestInterception(true);
  page.on("request", (req) => (req.url().startsWith(origin) || req.url().startsWith("blob:") || req.url().startsWith("data:")
    ? req.continue() : req.abort()));
  await page.goto(url, { waitUntil: "load", timeout: 120000 });
  await page.waitForSelector(".ra-panel table tbody tr", { timeout: 60000 });
  await page.waitForSelector("path[data-koder~='0219']", { timeout: 60000 });
  out.before = await page.evaluate(rows);
  out.shapes = await page.$$eval("path[data-koder]", (ps) => ps.length);
  const oslo = await page.$$eval(".ra-region-list label", (ls) => ls.findIndex((l) => l.textContent === "Oslo"));
  await page.click(`.ra-region-list li:nth-child(${oslo + 1}) input`);
  await page.waitForFunction((i) => document.querySelector(`.ra-region-list li:nth-child(${i + 1}) input`).checked, {}, oslo);
  await page.$eval("path[data-koder~='0219']", (el) => el.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true, view: window })));
  await page.waitForFunction((prev) => JSON.stringify(Object.fromEntries([...document.querySelectorAll(".ra-panel table:first-of-type tbody tr")]
    .map((tr) => [tr.querySelector("th").textContent, [...tr.querySelectorAll("td")].map((td) => td.textContent)]))) !== prev,
  { timeout: 30000 }, JSON.stringify(out.before));
  out.afterClick = await page.evaluate(rows);
  out.status = await page.$eval(".ra-status", (e) => e.textContent);
  out.moveLabel = await page.$eval("label[for$='-kommune']", (l) => l.textContent);
  out.choices = await page.$$eval("select[id$='-kommune'] option", (os) => os.map((o) => o.value));
  await page.evaluate(AXE_SOURCE);
  out.violations = await page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target) }));
  }, TAGS);
} catch (err) {
  console.error(err.stack || String(err));
  await browser.close();
  process.exit(2);
}
await browser.close();
console.log(JSON.stringify(out, null, 1));
