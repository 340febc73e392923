// Drive the editor widget (regionanalyse/present/editor/editor.js) in the system's headless
// Chromium, as an analyst would: click a kommune into the active region, move one with the
// keyboard only, add a region with a hostile name; then run axe-core (WCAG 2.1 A/AA).
//
//   node tests/browser/editor.mjs URL SHOT.png
//
// URL serves a page with the widget on a stand-in for the notebook's model (tests/test_editor_browser.py:
// the edits go to the editor's Python session over HTTP). Prints JSON {before, afterClick,
// afterKeyboard, tooltipBefore, tooltipAfter, zoomButtons, regionLabels, payloadElements, dialogs, violations, repaintMs}; exits 2 on a
// harness error. Requests other than to URL's host are refused. Chromium: $CHROMIUM or /usr/bin/chromium.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const [url, shot] = process.argv.slice(2);
const HOSTILE = process.env.HOSTILE_NAME || "<img src=x onerror=alert(1)>";

function findPayloads() {
  const found = [];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.getAttributeNames()) {
      if (attr.startsWith("on")) found.push(`${el.tagName}[${attr}]`);
    }
    if (el.tagName === "IMG" && el.getAttribute("src") === "x") found.push("img[src=x]");
  }
  return found;
}

const rows = () => Object.fromEntries([...document.querySelectorAll(".ra-panel table:first-of-type tbody tr")]
  .map((tr) => [tr.querySelector("th").textContent, [...tr.querySelectorAll("td")].map((td) => td.textContent)]));

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
});
const out = { dialogs: [] };
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 1400 });
  page.on("dialog", async (d) => { out.dialogs.push(d.message()); await d.dismiss().catch(() => {}); });
  const origin = new URL(url).origin;
  await page.setRequestInterception(true);
  page.on("request", (req) => (req.url().startsWith(origin) || req.url().startsWith("blob:") || req.url().startsWith("data:")
    ? req.continue() : req.abort()));
  await page.goto(url, { waitUntil: "load", timeout: 120000 });
  await page.waitForSelector(".ra-panel table tbody tr", { timeout: 60000 });
  await page.waitForSelector("path[data-koder]", { timeout: 60000 });
  out.before = await page.evaluate(rows);
  const waitForPanel = async (previous) => page.waitForFunction(
    (prev) => JSON.stringify(Object.fromEntries([...document.querySelectorAll(".ra-panel table:first-of-type tbody tr")]
      .map((tr) => [tr.querySelector("th").textContent, [...tr.querySelectorAll("td")].map((td) => td.textContent)]))) !== prev,
    { timeout: 30000 }, JSON.stringify(previous));

  // 1. the mouse: make Oslo the active region, click Bærum (0219) on the map
  const oslo = await page.$$eval(".ra-region-list label", (ls) => ls.findIndex((l) => l.textContent === "Oslo"));
  await page.click(`.ra-region-list li:nth-child(${oslo + 1}) input`);
  await page.waitForFunction((i) => document.querySelector(`.ra-region-list li:nth-child(${i + 1}) input`).checked, {}, oslo);
  const baerum = await page.$('path[data-koder~="0219"]');
  // the pointer rests on Bærum (its tooltip open), then clicks
  await baerum.evaluate((el) => el.dispatchEvent(new MouseEvent("mouseover", { bubbles: true, cancelable: true, view: window })));
  out.tooltipBefore = await page.$eval(".leaflet-tooltip", (t) => t.textContent);
  const t0 = Date.now();
  await baerum.evaluate((el) => el.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true, view: window })));
  await waitForPanel(out.before);
  out.tooltipAfter = await page.$eval(".leaflet-tooltip", (t) => t.textContent);
  await baerum.evaluate((el) => el.dispatchEvent(new MouseEvent("mouseout", { bubbles: true, cancelable: true, view: window })));
  out.clickToPanelMs = Date.now() - t0;
  out.afterClick = await page.evaluate(rows);
  out.repaintMs = await page.$eval(".ra-editor", (e) => Number(e.dataset.repaintMs));

  // 1b. Shift+drag paints: Tromsø (1902) and Lenvik (1931) into Nordland as one edit
  const nordland = await page.$$eval(".ra-region-list label", (ls) => ls.findIndex((l) => l.textContent === "Nordland"));
  await page.click(`.ra-region-list li:nth-child(${nordland + 1}) input`);
  await page.waitForFunction((i) => document.querySelector(`.ra-region-list li:nth-child(${i + 1}) input`).checked, {}, nordland);
  await page.evaluate(() => {
    const a = document.querySelector('path[data-koder~="1902"]');
    const b = document.querySelector('path[data-koder~="1931"]');
    const opts = { bubbles: true, cancelable: true, view: window, shiftKey: true, button: 0 };
    a.dispatchEvent(new MouseEvent("mousedown", opts));
    b.dispatchEvent(new MouseEvent("mouseover", opts));
    b.dispatchEvent(new MouseEvent("mousemove", opts));
    b.dispatchEvent(new MouseEvent("mouseup", opts));
  });
  await waitForPanel(out.afterClick);
  out.afterClick = await page.evaluate(rows);
  const oslo2 = await page.$$eval(".ra-region-list label", (ls) => ls.findIndex((l) => l.textContent === "Oslo"));
  await page.click(`.ra-region-list li:nth-child(${oslo2 + 1}) input`);

  // 2. the keyboard only: Asker (0220) to Oslo through the form
  await page.focus("select[id$='-kommune']");
  await page.select("select[id$='-kommune']", "0220");
  await page.keyboard.press("Tab");  // to «Til region»
  const toValue = await page.$eval("select[id$='-to']", (s, name) => [...s.options].find((o) => o.textContent === name).value, "Oslo");
  await page.select("select[id$='-to']", toValue);
  await page.keyboard.press("Tab");  // to «Flytt»
  const focused = await page.evaluate(() => document.activeElement.textContent);
  await page.keyboard.press("Enter");
  await waitForPanel(out.afterClick);
  out.keyboardButton = focused;
  out.afterKeyboard = await page.evaluate(rows);

  // 3. a hostile region name, typed
  const count = await page.$$eval(".ra-region-list li", (l) => l.length);
  await page.type("input[id$='-name']", HOSTILE);
  await page.click("xpath/.//button[normalize-space()='Legg til region']");
  await page.waitForFunction((n) => document.querySelectorAll(".ra-region-list li").length > n, { timeout: 30000 }, count);
  await new Promise((r) => setTimeout(r, 300));
  // the zoom buttons' accessible names (title and aria-label), in Norwegian
  out.zoomButtons = await page.$$eval(".leaflet-control-zoom a", (as) => as.map(
    (a) => [a.getAttribute("title"), a.getAttribute("aria-label"), a.textContent]));
  out.regionLabels = await page.$$eval(".ra-region-list label", (ls) => ls.map((l) => l.textContent));
  out.warnings = await page.$$eval(".ra-warnings li", (ls) => ls.map((l) => l.textContent));
  out.flags = await page.$$eval(".ra-region-list li", (ls) => ls.map((l) => l.querySelector(".ra-flag").textContent));
  out.payloadElements = await page.evaluate(findPayloads);

  // 4. axe-core on the whole widget
  await page.evaluate(AXE_SOURCE);
  out.violations = await page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target) }));
  }, TAGS);
  if (shot) await page.screenshot({ path: shot, fullPage: true });
} catch (err) {
  console.error(err.stack || String(err));
  await browser.close();
  process.exit(2);
}
await browser.close();
console.log(JSON.stringify(out, null, 1));
