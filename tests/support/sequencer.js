const Sequencer = require("@jest/test-sequencer").default;

/** The folders of tests/, from the files that take longest (a browser, servers) to the quickest. */
const SLOWEST_FIRST = ["browser", "e2e", "service", "integration", "unit"];

const rank = (test) => {
  const at = SLOWEST_FIRST.findIndex((folder) => test.path.includes(`/tests/${folder}/`));
  return at < 0 ? SLOWEST_FIRST.length : at;
};

/**
 * Jest's order (failed first, then longest last time), but where it has no timings (a
 * fresh clone, as in CI) it would go by file size alone, and a browser file left for the
 * end keeps one worker busy while the other idles: there the folders decide first.
 */
class SlowestFirst extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    if (sorted.every((test) => test.duration != null)) return sorted;
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = SlowestFirst;
