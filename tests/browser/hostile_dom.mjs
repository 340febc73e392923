// Load HTML appendices in the system's headless Chromium, hover every map feature in every frame,
// and report what a hostile proposal could have made happen.
//
//   node tests/browser/hostile_dom.mjs FILE.html [...]
//
// Prints JSON {file: {dialogs, features, hovered, tooltips, payloadElements}}; exits 2 on a
// harness error. `dialogs`: alert/confirm/prompt opened (by any frame); `payloadElements`: elements
// a payload would have created (executable script text calling alert, on* handler attributes,
// javascript: URLs, <img src=x>, <svg onload>, <b onmouseover>); `tooltips`: text of every tooltip
// shown. Features off screen get the mouse events dispatched on them instead of a real hover.
// Network requests other than file: and data: are refused. Chromium: $CHROMIUM or /usr/bin/chromium.
import path from "node:path";
import { pathToFileURL } from "node:url";
import puppeteer from "puppeteer-core";

const files = process.argv.slice(2);
if (!files.length) {
  console.error("usage: node hostile_dom.mjs FILE.html [...]");
  process.exit(2);
}

// Runs inside each frame: every element that looks like it came from a payload.
function findPayloads() {
  const found = [];
  for (const el of document.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    for (const attr of el.getAttributeNames()) {
      const value = el.getAttribute(attr) || "";
      if (attr.startsWith("on")) found.push(`${tag}[${attr}=${value.slice(0, 60)}]`);
      if (["href", "src", "action", "formaction", "xlink:href"].includes(attr)
          && value.trim().toLowerCase().startsWith("javascript:")) found.push(`${tag}[${attr}=${value.slice(0, 60)}]`);
    }
    if (tag === "img" && el.getAttribute("src") === "x") found.push("img[src=x]");
    const type = (el.getAttribute("type") || "").toLowerCase();
    const runs = !type || /javascript|module|ecmascript/.test(type);  // a JSON data block never runs
    if (tag === "script" && runs && /alert\(/.test(el.textContent || "")) found.push(`script:${el.textContent.slice(0, 60)}`);
  }
  return found;
}

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
         "--disable-component-update"],
});
const report = {};
try {
  for (const file of files) {
    const page = await browser.newPage();
    await page.setViewport({ width: 1200, height: 1000 });
    const dialogs = [];
    page.on("dialog", async (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`.slice(0, 200));
      await dialog.dismiss().catch(() => {});
    });
    await page.setRequestInterception(true);
    page.on("request", (req) => {
      const url = req.url();
      if (url.startsWith("file:") || url.startsWith("data:") || url.startsWith("about:")) req.continue();
      else req.abort();
    });
    await page.goto(pathToFileURL(path.resolve(file)).href, { waitUntil: "load", timeout: 120000 });
    await new Promise((r) => setTimeout(r, 1000));
    let features = 0;
    let hovered = 0;
    const tooltips = new Set();
    for (const frame of page.frames()) {
      const paths = await frame.$$(".leaflet-interactive");
      features += paths.length;
      for (const handle of paths) {
        try {
          await handle.hover();  // the real mouse, where the feature is on screen
        } catch {
          // outside the map's view (a region map shows the rest of Norway off-screen):
          // the same events a mouse would send, dispatched on the feature itself
          try {
            await handle.evaluate((el) => {
              for (const type of ["mouseover", "mousemove"]) {
                el.dispatchEvent(new MouseEvent(type, { bubbles: true, clientX: 10, clientY: 10 }));
              }
            });
          } catch {
            continue;
          }
        }
        hovered += 1;
        const tips = await frame.$$eval(".leaflet-tooltip", (els) => els.map((e) => e.textContent));
        tips.forEach((t) => tooltips.add(t));
      }
    }
    await new Promise((r) => setTimeout(r, 300));
    const payloadElements = [];
    for (const frame of page.frames()) {
      const found = await frame.evaluate(findPayloads).catch((e) => [`(frame not inspectable: ${e.message})`]);
      payloadElements.push(...found.map((f) => `${frame === page.mainFrame() ? "page" : "frame"}: ${f}`));
    }
    report[file] = { dialogs, features, hovered, tooltips: [...tooltips], payloadElements };
    await page.close();
  }
} catch (err) {
  console.error(err.stack || String(err));
  await browser.close();
  process.exit(2);
}
await browser.close();
console.log(JSON.stringify(report, null, 1));
