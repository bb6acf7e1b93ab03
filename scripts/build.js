#!/usr/bin/env node
// The build behind `npm start`, `npm test` and `npm run bench`. Every step is incremental,
// so a build with nothing changed takes seconds, and nothing under dist/ is ever deleted
// first: a server running from dist/ keeps its files while tests or a second build run.
// Plain JavaScript, because it runs before anything is compiled.
"use strict";
const { execFileSync } = require("node:child_process");
const { createHash } = require("node:crypto");
const { copyFileSync, existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");

const root = join(__dirname, "..");
const bin = (name) => join(root, "node_modules", ".bin", name);
const at = (...parts) => join(root, ...parts);

/** Runs one step; a failed step has said why on stderr, so the build stops with its status alone. */
function run(command, args) {
  try {
    execFileSync(command, args, { cwd: root, stdio: "inherit" });
  } catch (error) {
    process.exit(typeof error.status === "number" && error.status > 0 ? error.status : 1);
  }
}

/** The newest modification time under the paths (files or folders; 0 for none). */
function newest(paths) {
  let time = 0;
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      const entries = readdirSync(path).filter((entry) => entry !== "node_modules" && entry !== "dist");
      time = Math.max(time, newest(entries.map((entry) => join(path, entry))));
    } else {
      time = Math.max(time, stat.mtimeMs);
    }
  }
  return time;
}

const modified = (path) => (existsSync(path) ? statSync(path).mtimeMs : 0);

// 1. The server alone, then schema.graphql from it: the clients' types are made from the
//    schema, and the clients are part of the full compile below. This compile's build info
//    is written only when it compiled (it lists every source, so any change does), so the
//    schema is emitted again only then; schema.graphql is rewritten only when it differs.
run(process.execPath, [bin("tsc"), "-b", "tsconfig.schema.json"]);
const schemaStamp = at("dist", ".schema-emitted");
if (modified(at("dist", ".schema.tsbuildinfo")) > modified(schemaStamp)) {
  run(process.execPath, [at("dist", "scripts", "emit-schema.js")]);
  writeFileSync(schemaStamp, new Date().toISOString() + "\n");
}
// 2. The clients' typed documents, when the schema they are checked against changed. By
//    content, not time: a checkout or a merge can write both files at once.
const graphqlEnv = at("clients", "graphql-env.d.ts");
const typesMadeFrom = at("dist", ".client-types-schema");
const schemaHash = createHash("sha256").update(readFileSync(at("schema.graphql"))).digest("hex");
if (!existsSync(graphqlEnv) || !existsSync(typesMadeFrom) || readFileSync(typesMadeFrom, "utf8") !== schemaHash) {
  run(process.execPath, [bin("gql.tada"), "generate", "output", "--tsconfig", "clients/tsconfig.json"]);
  writeFileSync(typesMadeFrom, schemaHash);
}
// 3. Everything the server runs: src, clients, scripts, bench.
run(process.execPath, [bin("tsc"), "-b", "tsconfig.json"]);
// 4. @wallet-center/clients as a package of its own (.js and .d.ts in clients/dist).
run(process.execPath, [bin("tsc"), "-b", "clients/tsconfig.json"]);
if (modified(graphqlEnv) > modified(at("clients", "dist", "graphql-env.d.ts"))) {
  copyFileSync(graphqlEnv, at("clients", "dist", "graphql-env.d.ts"));
}
// 5. The web apps (dist/web, served at /app), when their sources or the clients changed.
//    Vite writes a fresh folder beside the served one, which then takes its place whole,
//    so a server starting meanwhile never reads half a build.
const web = at("dist", "web");
const webStamp = at("dist", ".web-built");
const webSources = [at("apps", "web"), at("clients", "wire"), ...readdirSync(at("clients")).filter((f) => f.endsWith(".ts")).map((f) => at("clients", f))];
if (newest(webSources) > modified(webStamp)) {
  run(process.execPath, [bin("tsc"), "-p", "apps/web/tsconfig.json"]);
  const next = at("dist", "web.next");
  const old = at("dist", "web.old");
  run(process.execPath, [bin("vite"), "build", "--config", "apps/web/vite.config.mts", "--outDir", next, "--emptyOutDir"]);
  rmSync(old, { recursive: true, force: true });
  if (existsSync(web)) renameSync(web, old);
  renameSync(next, web);
  rmSync(old, { recursive: true, force: true });
  writeFileSync(webStamp, new Date().toISOString() + "\n");
}
