// Load HTML appendices in the system's headless Chromium, hover every map feature in every frame
// (the real mouse on the features on screen, the mouse events dispatched on the others), and
// report what a hostile proposal could have made happen.
//
//   node tests/browser/hostile_dom.mjs FILE.html [...]
//
// Prints JSON {file: {dialogs, features, hovered, mouse, tooltips, payloadElements}}; exits 2 on a
// harness error. `dialogs`: alert/confirm/prompt opened (by any frame); `payloadElements`: elements
// a payload would have created (executable script text calling alert, on* handler attributes,
// javascript: URLs, <img src=x>, <svg onload>, <b onmouseover>); `tooltips`: text of every tooltip
// shown; `hovered`: features a mouseover reached; `mouse`: of them, by the real mouse. Features
// the mouse does not reach (off screen, or under another at their centre) get the mouse events
// dispatched on them instead.
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
    let mouse = 0;
    const tooltips = new Set();
    for (const frame of page.frames()) {
      // where this frame's viewport lies on the page, brought into view (the main frame: 0, 0)
      let offset = { x: 0, y: 0 };
      if (frame !== page.mainFrame()) {
        const element = await frame.frameElement();
        if (!element) continue;
        await element.evaluate((el) => el.scrollIntoView({ block: "center", inline: "center" }));
        const box = await element.boundingBox();
        if (!box) continue;
        const inner = await element.evaluate((el) => {
          const style = getComputedStyle(el);
          return { x: el.clientLeft + parseFloat(style.paddingLeft), y: el.clientTop + parseFloat(style.paddingTop) };
        });
        offset = { x: box.x + inner.x, y: box.y + inner.y };
      }
      // Every tooltip shown is recorded as it appears (a MutationObserver), and each feature's
      // centre is found in one call: no round trip per feature but the mouse move itself.
      const centres = await frame.evaluate(() => {
        const seen = new Set();
        const grab = () => {
          for (const tip of document.querySelectorAll(".leaflet-tooltip")) seen.add(tip.textContent);
        };
        window.__hostileSeen = seen;
        window.__hostileGrab = grab;
        new MutationObserver(grab).observe(document.documentElement,
                                           { subtree: true, childList: true, characterData: true });
        window.__hostileFeatures = [...document.querySelectorAll(".leaflet-interactive")];
        window.__hostileReached = new Set();  // the features a mouseover reached
        window.__hostileFeatures.forEach((el, i) => el.addEventListener("mouseover", () => window.__hostileReached.add(i)));
        return window.__hostileFeatures.map((el) => {
          const r = el.getBoundingClientRect();
          const x = r.left + r.width / 2;
          const y = r.top + r.height / 2;
          const shown = (r.width > 0 || r.height > 0) && x >= 0 && y >= 0 && x < innerWidth && y < innerHeight;
          return shown ? [x, y] : null;
        });
      }).catch(() => []);
      features += centres.length;
      for (const centre of centres) {
        const x = centre && centre[0] + offset.x;
        const y = centre && centre[1] + offset.y;
        if (centre && x >= 0 && y >= 0 && x < 1200 && y < 1000) {
          await page.mouse.move(x, y);  // the real mouse, where the feature is on screen
        }
      }
      mouse += await frame.evaluate(() => window.__hostileReached.size).catch(() => 0);
      // the features the mouse did not reach (outside the map's view: a region map shows the
      // rest of Norway off-screen; or under another feature at their centre): the same events a
      // mouse would send, dispatched on the feature itself
      hovered += await frame.evaluate(() => {
        for (const [i, el] of window.__hostileFeatures.entries()) {
          if (window.__hostileReached.has(i)) continue;
          try {
            for (const type of ["mouseover", "mousemove"]) {
              el.dispatchEvent(new MouseEvent(type, { bubbles: true, clientX: 10, clientY: 10 }));
            }
          } catch {
            continue;
          }
          window.__hostileGrab();
        }
        return window.__hostileReached.size;
      }).catch(() => 0);
      await page.mouse.move(0, 0);
      await new Promise((r) => setTimeout(r, 50));
      const seen = await frame.evaluate(() => {
        window.__hostileGrab();
        return [...window.__hostileSeen];
      }).catch(() => []);
      seen.forEach((t) => tooltips.add(t));
    }
    await new Promise((r) => setTimeout(r, 300));
    const payloadElements = [];
    for (const frame of page.frames()) {
      const found = await frame.evaluate(findPayloads).catch((e) => [`(frame not inspectable: ${e.message})`]);
      payloadElements.push(...found.map((f) => `${frame === page.mainFrame() ? "page" : "frame"}: ${f}`));
    }
    report[file] = { dialogs, features, hovered, mouse, tooltips: [...tooltips], payloadElements };
    await page.close();
  }
} catch (err) {
  console.error(err.stack || String(err));
  await browser.close();
  process.exit(2);
}
await browser.close();
console.log(JSON.stringify(report, null, 1));
