// Render many Mermaid diagrams in ONE headless Chromium through the mermaid-cli library.
//
// In:  command-line options (see `usage` below) and, on stdin, one JSON request per line:
//        {"id": "any string", "definition": "flowchart LR ...", "format": "svg" | "png",
//         "mermaidConfig": {...optional...}}
// Out: on stdout, one JSON line per event:
//        {"event": "ready", "mermaidCli": "11.17.0", "mermaid": "11.x", "browser": "..."}
//        {"event": "result", "id": "...", "ok": true, "format": "svg", "data": "<svg ...>"}
//        {"event": "result", "id": "...", "ok": true, "format": "png", "data": "<base64>"}
//        {"event": "result", "id": "...", "ok": false, "error": "Parse error on line 2: ..."}
//        {"event": "fatal", "error": "...", "code": "no-mermaid-cli" | "no-browser" | "..."}
//      Results come out in completion order (up to --jobs pages render at once); match
//      them by id. Diagnostics and the pages' console output go to stderr only.
// Stops (closing the browser and removing its temporary profile) at the end of stdin.
//
// Only file:// pages are loaded; mermaid-cli serves its own bundles through request
// interception, and the browser runs with background networking disabled.

import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import url from "node:url";

const usage = `usage: node mermaid_render.mjs [--chromium PATH] [--cli-dir DIR]... [--jobs N]
  --chromium PATH  browser executable (default: $CRMDSL_CHROMIUM or /usr/bin/chromium)
  --cli-dir DIR    a node_modules directory (or a directory holding one) that contains
                   @mermaid-js/mermaid-cli; may be repeated, tried in order
  --jobs N         diagrams rendered at the same time in separate tabs (default 4)`;

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-default-apps",
  "--disable-extensions",
  "--mute-audio",
  // No name resolves: nothing can reach the network, even if a diagram asked to.
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
];

function emit(message) {
  process.stdout.write(JSON.stringify(message) + "\n");
}

function fatal(code, error) {
  emit({ event: "fatal", code, error });
  process.exitCode = 2;
}

function parseArgs(argv) {
  const options = {
    chromium: process.env.CRMDSL_CHROMIUM || "/usr/bin/chromium",
    cliDirs: [],
    jobs: 4,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if (arg === "--chromium" && value !== undefined) {
      options.chromium = value;
      i++;
    } else if (arg === "--cli-dir" && value !== undefined) {
      options.cliDirs.push(value);
      i++;
    } else if (arg === "--jobs" && value !== undefined) {
      options.jobs = Math.max(1, parseInt(value, 10) || 1);
      i++;
    } else {
      throw new Error(`unexpected argument ${JSON.stringify(arg)}\n${usage}`);
    }
  }
  if (process.env.CRMDSL_MERMAID_CLI_DIR) {
    options.cliDirs.unshift(process.env.CRMDSL_MERMAID_CLI_DIR);
  }
  return options;
}

// Find @mermaid-js/mermaid-cli: the given directories first, then the node_modules
// directories Node itself would search from this script (parents, NODE_PATH,
// ~/.node_modules, the prefix's lib/node). Its package.json is not exported, so look
// for the file rather than using require.resolve.
function findMermaidCli(cliDirs) {
  const candidates = [];
  for (const dir of cliDirs) {
    const resolved = path.resolve(dir);
    candidates.push(path.join(resolved, "node_modules"), resolved);
  }
  const require = createRequire(import.meta.url);
  candidates.push(...(require.resolve.paths("@mermaid-js/mermaid-cli") ?? []));
  for (const candidate of candidates) {
    const root = path.join(candidate, "@mermaid-js", "mermaid-cli");
    if (fs.existsSync(path.join(root, "package.json"))) {
      return root;
    }
  }
  return { tried: candidates };
}

async function loadLibraries(cliRoot) {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(cliRoot, "package.json"), "utf-8"),
  );
  const cli = await import(
    url.pathToFileURL(path.join(cliRoot, manifest.exports["."].default)).href
  );
  // puppeteer is a peer dependency of mermaid-cli: resolve it from there, so both use
  // the same copy.
  const requireFromCli = createRequire(path.join(cliRoot, "package.json"));
  const puppeteerEntry = requireFromCli.resolve("puppeteer");
  const puppeteer = await import(url.pathToFileURL(puppeteerEntry).href);
  let mermaidVersion = "unknown";
  try {
    const mermaidManifest = requireFromCli.resolve("mermaid/package.json");
    mermaidVersion = JSON.parse(fs.readFileSync(mermaidManifest, "utf-8")).version;
  } catch {
    // Only reported in the "ready" event; rendering does not need it.
  }
  const mermaidBundle = path.join(
    path.dirname(requireFromCli.resolve("mermaid/package.json")),
    "dist",
    "mermaid.min.js",
  );
  return {
    renderMermaid: cli.renderMermaid,
    page: path.join(cliRoot, "dist", "index.html"),
    mermaidBundle,
    launch: (puppeteer.default ?? puppeteer).launch,
    mermaidCliVersion: manifest.version,
    mermaidVersion,
  };
}

// Puppeteer wraps errors thrown inside the page; keep the Mermaid message only.
function cleanError(error) {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text
    .split("\n")
    // drop stack frames: "    at f (file:1:2)", "Parser.parseError (url:1:2)", "url:1:2"
    .filter((line) => !/^\s+at\s|\S+:\d+:\d+\)?$/.test(line));
  return lines.join("\n").replace(/^Error: /, "").trim();
}

// One page per worker, loaded once with Mermaid's bundle: mermaid-cli's renderMermaid()
// opens a new page and imports Mermaid again for every diagram, which costs most of the
// time (measured: about 1.5 s a diagram against 0.15 s on a page kept open). The page
// does what renderMermaid does: mermaid.render into #container, a white background,
// XMLSerializer for the SVG. PNG goes through renderMermaid() itself (not the hot path).
async function openPage(libraries, browser) {
  const page = await browser.newPage();
  page.on("console", (msg) => console.warn(msg.text()));
  await page.setViewport({ width: 800, height: 600, deviceScaleFactor: 1 });
  await page.goto(url.pathToFileURL(libraries.page).href);
  await page.addScriptTag({ path: libraries.mermaidBundle });
  return page;
}

async function renderPng(renderMermaid, browser, request) {
  try {
    const { data } = await renderMermaid(browser, request.definition, "png", {
      mermaidConfig: request.mermaidConfig ?? {},
      backgroundColor: "white",
      viewport: { width: 800, height: 600, deviceScaleFactor: 1 },
    });
    const png = Buffer.from(data).toString("base64");
    return { event: "result", id: request.id, ok: true, format: "png", data: png };
  } catch (error) {
    return { event: "result", id: request.id, ok: false, error: cleanError(error) };
  }
}

async function renderOne(page, request) {
  const format = "svg";
  try {
    if (typeof request.definition !== "string") {
      throw new Error("request has no 'definition' string");
    }
    const svg = await page.evaluate(
      async (definition, config) => {
        const container = document.getElementById("container");
        container.innerHTML = "";
        window.mermaid.initialize({ startOnLoad: false, ...config });
        try {
          const { svg: text } = await window.mermaid.render("my-svg", definition, container);
          container.innerHTML = text;
        } finally {
          // A failed render leaves its scratch element behind.
          document.getElementById("dmy-svg")?.remove();
        }
        const element = container.getElementsByTagName("svg")[0];
        element.style.backgroundColor = "white";
        return new XMLSerializer().serializeToString(element);
      },
      request.definition,
      request.mermaidConfig ?? {},
    );
    return { event: "result", id: request.id, ok: true, format, data: svg };
  } catch (error) {
    return { event: "result", id: request.id, ok: false, error: cleanError(error) };
  }
}

async function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    fatal("usage", cleanError(error));
    return;
  }
  const found = findMermaidCli(options.cliDirs);
  if (typeof found !== "string") {
    fatal(
      "no-mermaid-cli",
      `@mermaid-js/mermaid-cli not found (looked in: ${found.tried.join(", ")})`,
    );
    return;
  }
  if (!fs.existsSync(options.chromium)) {
    fatal("no-browser", `browser not found at ${options.chromium}`);
    return;
  }
  let libraries;
  try {
    libraries = await loadLibraries(found);
  } catch (error) {
    fatal("no-mermaid-cli", `cannot load mermaid-cli from ${found}: ${cleanError(error)}`);
    return;
  }

  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "crmdsl-chromium-"));
  let browser;
  try {
    browser = await libraries.launch({
      executablePath: options.chromium,
      headless: true,
      userDataDir: profile,
      args: CHROMIUM_ARGS,
    });
  } catch (error) {
    fs.rmSync(profile, { recursive: true, force: true });
    fatal("no-browser", `cannot start ${options.chromium}: ${cleanError(error)}`);
    return;
  }

  try {
    emit({
      event: "ready",
      mermaidCli: libraries.mermaidCliVersion,
      mermaid: libraries.mermaidVersion,
      browser: await browser.version(),
      cliRoot: found,
    });

    const queue = [];
    const sleepers = [];
    let inputDone = false;
    const wakeAll = () => {
      for (const resolve of sleepers.splice(0)) resolve();
    };
    const input = readline.createInterface({ input: process.stdin, terminal: false });
    input.on("line", (line) => {
      if (line.trim() === "") return;
      let request;
      try {
        request = JSON.parse(line);
      } catch (error) {
        emit({ event: "result", id: null, ok: false, error: `bad request: ${cleanError(error)}` });
        return;
      }
      queue.push(request);
      wakeAll();
    });
    input.on("close", () => {
      inputDone = true;
      wakeAll();
    });

    const worker = async () => {
      let page = null;
      for (;;) {
        const request = queue.shift();
        if (request !== undefined) {
          if (request.format === "png") {
            emit(await renderPng(libraries.renderMermaid, browser, request));
            continue;
          }
          if (page === null || page.isClosed()) {
            page = await openPage(libraries, browser);
          }
          emit(await renderOne(page, request));
        } else if (inputDone) {
          return;
        } else {
          await new Promise((resolve) => sleepers.push(resolve));
        }
      }
    };
    await Promise.all(Array.from({ length: options.jobs }, worker));
  } finally {
    await browser.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((error) => {
  fatal("internal", cleanError(error));
});
