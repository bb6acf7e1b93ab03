const { TestEnvironment } = require("jest-environment-node");

/**
 * The node environment, and a witness for handles a test file leaves behind. A jest
 * worker ends by letting its event loop empty; a server, socket, child process or timer
 * that a file never closed keeps it alive, and jest force-exits it ("A worker process
 * has failed to exit gracefully") without saying whose it was. So shortly after each file
 * ends, if no other file has started in this worker, whatever still keeps the loop alive
 * is named on stderr with the file that ran last. The check's timer is unref'd: it never
 * keeps a worker alive itself.
 */
const EXPECTED = new Set(["PipeWrap", "TTYWrap"]);
/** Under jest-worker's grace period (500 ms) before it force-exits a worker. */
const AFTER_MS = 300;
let pending = null;

class HandleReportingEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.testPath = context.testPath;
  }

  async setup() {
    if (pending) clearTimeout(pending);
    pending = null;
    await super.setup();
  }

  async teardown() {
    await super.teardown();
    const file = this.testPath.slice(this.testPath.indexOf("/tests/") + 1);
    pending = setTimeout(() => {
      const left = process.getActiveResourcesInfo().filter((kind) => !EXPECTED.has(kind));
      if (left.length > 0) process.stderr.write(`[handles] after ${file}, still open in this worker: ${left.join(", ")}\n`);
    }, AFTER_MS).unref();
  }
}

module.exports = HandleReportingEnvironment;
