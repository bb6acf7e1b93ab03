import { join } from "node:path";
import ts from "typescript";
import { CLIENTS, ENV_FILE, ROOT, SDL, introspectionFile } from "../support/client-schema";

// A whole type check of the clients package: about two minutes of a core, so it runs in
// `npm run typecheck` (and .ci/run) rather than among the unit tests of `npm test`.

/** The clients package's type check (clients/tsconfig.json), with graphql-env.d.ts as given. */
function typeCheck(envFile: string, oldProgram?: ts.Program): { program: ts.Program; errors: string[] } {
  const config = ts.getParsedCommandLineOfConfigFile(join(CLIENTS, "tsconfig.json"), { noEmit: true }, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const host = ts.createCompilerHost(config.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language, ...rest) =>
    fileName === ENV_FILE ? ts.createSourceFile(fileName, envFile, language) : getSourceFile(fileName, language, ...rest);
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options, host, oldProgram });
  const errors = ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file ? `${d.file.fileName.slice(ROOT.length + 1)}: ` : ""}${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
  return { program, errors };
}

describe("the clients' typed documents", () => {
  it("fail the clients' type check when the schema loses a field they select", () => {
    const clean = typeCheck(introspectionFile(SDL));
    expect(clean.errors).toEqual([]);

    // Payment.approvalNumber is selected by PaymentFields (clients/common.ts).
    const withoutField = SDL.replace(/^(type Payment \{[\s\S]*?)^\s*approvalNumber: String\n/m, "$1");
    expect(withoutField).not.toBe(SDL);
    const broken = typeCheck(introspectionFile(withoutField), clean.program);
    expect(broken.errors.length).toBeGreaterThan(0);
    expect(broken.errors.join("\n")).toContain("selects a field that is not in schema.graphql");
  }, 120_000);
});
