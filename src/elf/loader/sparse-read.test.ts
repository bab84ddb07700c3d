import { test } from "node:test";
import assert from "node:assert/strict";
import { mergeRanges, ScratchBuffer } from "./sparse-read.js";

const zeros = (b: Uint8Array): boolean => b.every((x) => x === 0);

test("takeZeroed clears exactly what the last read said it wrote", () => {
  const s = new ScratchBuffer();
  const a = s.takeZeroed(1000);
  assert.ok(zeros(a));
  a.fill(7, 100, 200);
  s.written(100, 100);
  a.fill(9, 990, 1000);
  s.written(990, 10);
  assert.ok(zeros(s.takeZeroed(1000)), "the written ranges are cleared");
  assert.ok(zeros(s.takeZeroed(500)), "a smaller take is zero too");
  // A write the caller did not report stays: the contract is the caller's.
  const b = s.takeZeroed(1000);
  b[5] = 1;
  assert.equal(s.takeZeroed(1000)[5], 1);
  // Growing gives a fresh, zeroed buffer.
  const c = s.takeZeroed(4000);
  assert.equal(c.length, 4000);
  assert.ok(zeros(c));
});

test("take hands out one buffer, grown when needed", () => {
  const s = new ScratchBuffer();
  const a = s.take(100);
  a[0] = 1;
  const b = s.take(50);
  assert.equal(b[0], 1, "the same memory: valid until the next take");
  assert.equal(s.take(1000).length, 1000);
});

test("mergeRanges sorts, and merges ranges that overlap or lie within the gap", () => {
  assert.deepEqual(mergeRanges([], 10), []);
  assert.deepEqual(
    mergeRanges(
      [
        [500, 600],
        [0, 64],
        [64, 100],
        [90, 95],
        [120, 130],
        [1000, 1001],
      ],
      20,
    ),
    [
      [0, 130],
      [500, 600],
      [1000, 1001],
    ],
  );
  // Exactly `gap` apart merges; one byte more does not.
  assert.deepEqual(
    mergeRanges(
      [
        [0, 10],
        [30, 40],
      ],
      20,
    ),
    [[0, 40]],
  );
  assert.deepEqual(
    mergeRanges(
      [
        [0, 10],
        [31, 40],
      ],
      20,
    ),
    [
      [0, 10],
      [31, 40],
    ],
  );
  // A range inside another leaves it whole.
  assert.deepEqual(
    mergeRanges(
      [
        [0, 100],
        [10, 20],
      ],
      0,
    ),
    [[0, 100]],
  );
});
