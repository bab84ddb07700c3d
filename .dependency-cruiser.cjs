// Layer rules from DESIGN.md: layers are folders under src/, imports point
// down only, and nothing imports another layer's private files — only its
// index.ts. Order, top to bottom:
//   cli > checks > wire > pki > host > elf > explain > report > core
const layers = ["cli", "checks", "wire", "pki", "host", "elf", "explain", "report", "core"];

const forbidden = [
  { name: "no-circular", severity: "error", from: {}, to: { circular: true } },
  {
    name: "no-orphans",
    severity: "warn",
    from: {
      orphan: true,
      pathNot: ["\\.d\\.ts$", "\\.test\\.ts$", "src/index\\.ts$", "src/cli/main\\.ts$", "/test/"],
    },
    to: {},
  },
];

// imports may only point down
layers.forEach((layer, i) => {
  const above = layers.slice(0, i);
  if (above.length === 0) return;
  forbidden.push({
    name: `${layer}-not-up`,
    comment: `${layer}/ is below ${above.join(", ")}: it must not import them`,
    severity: "error",
    from: { path: `^src/${layer}/`, pathNot: "\\.test\\.ts$|/test/" },
    to: { path: `^src/(${above.join("|")})/` },
  });
});

// across layers, only through the layer's index.ts
forbidden.push({
  name: "layer-public-face",
  comment: "import another layer only through its index.ts",
  severity: "error",
  from: { path: "^src/([^/]+)/" },
  to: { path: "^src/([^/]+)/.+", pathNot: ["^src/$1/", "^src/[^/]+/index\\.ts$", "^src/test/"] },
});
// the test harness (src/test/) serves tests only
forbidden.push({
  name: "no-test-harness-in-product",
  severity: "error",
  from: { path: "^src/", pathNot: ["\\.test\\.ts$", "^src/test/"] },
  to: { path: "^src/test/" },
});
// no one imports _private files from another folder
forbidden.push({
  name: "no-foreign-private",
  severity: "error",
  from: { path: "^(src/.+)/[^/]+$" },
  to: { path: "/_[^/]+\\.ts$", pathNot: "^$1/_[^/]+\\.ts$" },
});

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "^dist/" },
  },
};
