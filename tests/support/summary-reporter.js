/**
 * Prints one plain closing line, "jest: N passed, N failed, N skipped", that CI and
 * people can read without knowing jest's own summary format, and above it the test
 * files that took longest, so a slow suite shows where its time goes.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const files = results.testResults
      .map((file) => ({ path: file.testFilePath.replace(process.cwd() + "/", ""), seconds: (file.perfStats.end - file.perfStats.start) / 1000 }))
      .filter((file) => file.seconds > 0)
      .sort((a, b) => b.seconds - a.seconds);
    if (files.length > 1) {
      const total = files.reduce((sum, file) => sum + file.seconds, 0);
      const lines = files.slice(0, 10).map((file) => `  ${file.seconds.toFixed(1).padStart(6)} s  ${file.path}`);
      process.stdout.write(`\nslowest test files (${total.toFixed(0)} s in all files, across workers):\n${lines.join("\n")}\n`);
    }
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(`\njest: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`);
  }
}
module.exports = SummaryReporter;
