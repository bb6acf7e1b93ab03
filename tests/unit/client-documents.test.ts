import { readFileSync } from "node:fs";
import { join } from "node:path";
import { minifyIntrospection, outputIntrospectionFile } from "@gql.tada/internal";
import { Kind, buildSchema, introspectionFromSchema, parse, validate } from "graphql";
import ts from "typescript";
import "../../clients/index";
import { documentsMade, textOf } from "../../clients/graphql";

const ROOT = join(__dirname, "..", "..");
const CLIENTS = join(ROOT, "clients");
const ENV_FILE = join(CLIENTS, "graphql-env.d.ts");
const SDL = readFileSync(join(ROOT, "schema.graphql"), "utf8");

/** clients/graphql-env.d.ts as `npm run build:clients` makes it from this SDL. */
function introspectionFile(sdl: string): string {
  const introspection = minifyIntrospection(introspectionFromSchema(buildSchema(sdl)));
  return outputIntrospectionFile({ ...introspection, name: "wallet-center" }, { fileType: ".d.ts", shouldPreprocess: true });
}

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

describe("the clients' GraphQL documents", () => {
  it("are all valid against the schema the server runs (schema.graphql)", () => {
    const schema = buildSchema(SDL);
    const operations = documentsMade().filter((d) => d.definitions.some((definition) => definition.kind === Kind.OPERATION_DEFINITION));
    expect(operations.length).toBeGreaterThan(50);
    const invalid = operations.flatMap((document) => validate(schema, document).map((error) => error.message));
    expect(invalid).toEqual([]);
  });

  it("are sent with their fragments written in place, still valid, so a depth limit counts only real depth", () => {
    const schema = buildSchema(SDL);
    const operations = documentsMade().filter((d) => d.definitions.some((definition) => definition.kind === Kind.OPERATION_DEFINITION));
    const sent = operations.map((document) => textOf(document));
    expect(sent.filter((text) => /\bfragment\b|\.\.\./.test(text))).toEqual([]);
    expect(sent.flatMap((text) => validate(schema, parse(text)).map((error) => `${error.message} in ${text}`))).toEqual([]);
    expect(sent.find((text) => text.startsWith("mutation Login"))).toMatch(/customer \{\s*id\s+phone\s+name\s+confirmAbove\s*\}/);
  });

  it("are typed from an introspection generated from schema.graphql, and up to date with it", () => {
    expect(readFileSync(ENV_FILE, "utf8")).toBe(introspectionFile(SDL));
  });

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
