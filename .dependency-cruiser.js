/**
 * The import rules of the house, checked by `npm run check:imports` (run by .ci/run).
 * Violations that exist today are listed in .dependency-cruiser-known-violations.json
 * and tolerated until the code that causes them moves; anything new fails the check.
 */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "A circle of imports (type-only imports count: they tie the files' meaning together as much).",
      from: {},
      to: { circular: true },
    },
    {
      name: "entities-import-no-services",
      severity: "error",
      comment: "Entities are the tables; the rules that use them live above them.",
      from: { path: "^src/entities/" },
      to: { path: "^src/(services|resolvers|schema|http)/" },
    },
    {
      name: "services-know-no-graphql",
      severity: "error",
      comment: "Business rules know nothing of GraphQL or HTTP: resolvers translate.",
      from: { path: "^src/services/" },
      to: { path: "^(src/(resolvers|schema|http|ws)/|node_modules/(graphql|type-graphql|@apollo)/)" },
    },
    {
      name: "clients-import-no-server",
      severity: "error",
      comment: "The clients package is shipped on its own: it cannot reach into the server.",
      from: { path: "^clients/" },
      to: { path: "^(src|apps|scripts|bench|tests)/" },
    },
    {
      name: "nothing-imports-apps",
      severity: "error",
      comment: "The web apps are built on their own (Vite); nothing else may depend on them.",
      from: { pathNot: "^apps/" },
      to: { path: "^apps/" },
    },
    {
      name: "config-imports-no-http",
      severity: "error",
      comment: "Configuration is read before anything serves; it depends on no serving code.",
      from: { path: "^src/config\\.ts$" },
      to: { path: "^src/(http|ws|resolvers|schema)/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)dist/|graphql-env\\.d\\.ts$" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.test.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"], extensions: [".ts", ".tsx", ".js", ".d.ts"] },
  },
};
