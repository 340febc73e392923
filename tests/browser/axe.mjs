// Run axe-core (WCAG 2.1 A and AA rules) on HTML files in the system's headless Chromium.
//
//   node tests/browser/axe.mjs FILE.html [...] [--shots DIR] [--incomplete]
//
// Prints JSON: [{file, violations: [{id, impact, help, helpUrl, nodes: [{target, html, summary}]}],
// passes, incomplete}] and exits 1 when any file has a violation (2 on a harness error).
// Every frame (the interactive map is an iframe with srcdoc) is audited. Network requests other
// than file: and data: are refused, so the audit sees what an offline reader sees.
// --shots DIR also saves a full-page screenshot of each file at 200 % zoom (a 640 px wide CSS
// viewport at device scale 2, i.e. a 1280 px window zoomed to 200 %).
// Chromium: $CHROMIUM, else /usr/bin/chromium.
import { readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

const args = process.argv.slice(2);
let shots = null;
let details = false; // --incomplete: also the nodes axe could not decide (to review by hand)
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--shots") shots = args[++i];
  else if (args[i] === "--incomplete") details = true;
  else files.push(args[i]);
}
if (!files.length) {
  console.error("usage: node axe.mjs FILE.html [...] [--shots DIR]");
  process.exit(2);
}
if (shots) mkdirSync(shots, { recursive: true });

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
});
const results = [];
try {
  for (const file of files) {
    const page = await browser.newPage();
    await page.setRequestInterception(true);
    page.on("request", (req) => {
      const url = req.url();
      if (url.startsWith("file:") || url.startsWith("data:") || url.startsWith("about:")) req.continue();
      else req.abort();
    });
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(pathToFileURL(path.resolve(file)).href, { waitUntil: "load", timeout: 120000 });
    for (const frame of page.frames()) {
      try {
        await frame.evaluate(AXE_SOURCE);
        // file: pages and their srcdoc frames have the opaque origin "null": let axe talk to them.
        await frame.evaluate(() => window.axe.configure({ allowedOrigins: ["<unsafe_all_origins>"] }));
      } catch (err) {
        console.error(`${file}: could not load axe into frame ${frame.url()}: ${err.message}`);
      }
    }
    const out = await page.evaluate(async (tags, details) => {
      const r = await window.axe.run(document, {
        runOnly: { type: "tag", values: tags },
        iframes: true,
        resultTypes: ["violations"],
      });
      return {
        violations: r.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          helpUrl: v.helpUrl,
          nodes: v.nodes.map((n) => ({ target: n.target, html: n.html.slice(0, 300), summary: n.failureSummary })),
        })),
        passes: r.passes.length,
        incomplete: details
          ? r.incomplete.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => ({ target: n.target, html: n.html.slice(0, 200) })) }))
          : r.incomplete.map((v) => v.id),
      };
    }, TAGS, details);
    results.push({ file, ...out });
    if (shots) {
      await page.setViewport({ width: 640, height: 900, deviceScaleFactor: 2 });
      const name = path.basename(file).replace(/\.html?$/, "") + "-200.png";
      await page.screenshot({ path: path.join(shots, name), fullPage: true });
    }
    await page.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(results, null, 1));
process.exit(results.some((r) => r.violations.length) ? 1 : 0);
