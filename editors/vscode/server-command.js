// The command that starts the crmdsl language server, from the extension's settings.
// In: the `crmdsl` configuration section (anything with get(key, fallback)) and the
// first workspace folder's path. Out: { command, args }, `${workspaceFolder}` and a
// leading `~` expanded. No VS Code API here, so plain Node.js can run it.
"use strict";

const os = require("os");
const path = require("path");

/** `${workspaceFolder}` and a leading `~` expanded, as in the documented settings. */
function expand(value, folder) {
  let out = value.replace(/\$\{workspaceFolder\}/g, folder || "");
  if (out === "~" || out.startsWith("~/")) {
    out = path.join(os.homedir(), out.slice(1));
  }
  return out;
}

/** The command that starts the server, from the settings. */
function serverCommand(config, folder) {
  const command = expand(config.get("server.path", "crmdsl") || "crmdsl", folder);
  const args = (config.get("server.args", ["lsp"]) || ["lsp"]).map((a) => expand(a, folder));
  return { command, args };
}

module.exports = { expand, serverCommand };
