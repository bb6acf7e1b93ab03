/**
 * The import rules of the house, checked by `npm run check:imports` (run by `npm test`
 * through tests/checks and by .ci/run). docs/architecture.md draws the same map.
 */

/**
 * The domains of src/services, lowest first. A domain imports only domains on lower
 * rows; domains on one row do not import each other. The adapters (crypto, the card
 * institutions, SMS) sit below everything and know no domain; services/index.ts wires
 * them all and nothing imports it.
 */
const DOMAIN_ROWS = [
  ["crypto", "institutions", "sms"],
  ["kernel"],
  ["delivery", "books"],
  ["access"],
  ["devices", "cards"],
  ["codes"],
  ["payments", "members"],
  ["points", "bills", "tickets"],
  ["views", "upkeep", "passes", "push"],
];

const domainDoors = DOMAIN_ROWS.flatMap((row, at) =>
  row.map((domain) => {
    const notBelow = DOMAIN_ROWS.slice(at).flat().filter((other) => other !== domain);
    return {
      name: `domain-order-${domain}`,
      severity: "error",
      comment: `${domain} imports only the domains below its row (${DOMAIN_ROWS.slice(0, at).flat().join(", ") || "none"}).`,
      from: { path: `^src/services/${domain}/` },
      to: { path: `^src/services/(${notBelow.join("|")})/` },
    };
  }),
);

module.exports = {
  forbidden: [
    ...domainDoors,
    {
      name: "no-domain-imports-the-wiring",
      severity: "error",
      comment: "services/index.ts wires the domains together; a domain that imported it would import every other.",
      from: { path: "^src/services/[^/]+/" },
      to: { path: "^src/services/[^/]+\\.ts$" },
    },
    {
      name: "every-service-in-a-domain",
      severity: "error",
      comment: "Rules live in a domain folder of src/services; only the wiring (index.ts) sits at its top.",
      from: { path: "^src/services/(?!index\\.ts$)[^/]+$" },
      to: {},
    },
    {
      name: "wire-formats-stand-alone",
      severity: "error",
      comment: "clients/wire holds the formats the server and the phone both implement: it imports neither.",
      from: { path: "^clients/wire/" },
      to: { pathNot: "^(clients/wire/|node_modules/)", dependencyTypesNot: ["core"] },
    },
    {
      name: "server-takes-only-wire-formats-from-clients",
      severity: "error",
      comment: "The server shares the wire formats with the phone, nothing else of the clients package.",
      from: { path: "^src/" },
      to: { path: "^clients/(?!wire/)" },
    },
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
