import { test } from "node:test";
import assert from "node:assert/strict";
import { expandSearchPath } from "./search-path.js";

const platform = { lib: "lib/x86_64-linux-gnu", platform: "haswell" };

test("expandSearchPath substitutes $ORIGIN, ${ORIGIN}, $LIB and $PLATFORM as ld.so does", () => {
  assert.deepEqual(
    expandSearchPath("$ORIGIN/../lib:${ORIGIN}/x/:/opt/$LIB:/p/${PLATFORM}/", "/usr/bin", platform),
    [
      { raw: "$ORIGIN/../lib", dir: "/usr/lib" },
      { raw: "${ORIGIN}/x/", dir: "/usr/bin/x" },
      { raw: "/opt/$LIB", dir: "/opt/lib/x86_64-linux-gnu" },
      { raw: "/p/${PLATFORM}/", dir: "/p/haswell" },
    ],
  );
});

test("expandSearchPath keeps empty elements (the working directory) and marks $ORIGIN without an object", () => {
  assert.deepEqual(expandSearchPath("/a::$ORIGIN/b:", undefined, platform), [
    { raw: "/a", dir: "/a" },
    { raw: "", dir: "" },
    { raw: "$ORIGIN/b", dir: undefined },
    { raw: "", dir: "" },
  ]);
  // $ORIGINAL is not $ORIGIN followed by "AL".
  assert.deepEqual(expandSearchPath("/x/$ORIGINAL", "/o", platform), [
    { raw: "/x/$ORIGINAL", dir: "/x/$ORIGINAL" },
  ]);
  assert.deepEqual(expandSearchPath("/", "/o", platform), [{ raw: "/", dir: "/" }]);
});
