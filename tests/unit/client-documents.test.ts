import { readFileSync } from "node:fs";
import { Kind, buildSchema, parse, validate } from "graphql";
import "../../clients/index";
import { documentsMade, textOf } from "../../clients/graphql";
import { ENV_FILE, SDL, introspectionFile } from "../support/client-schema";

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
});
