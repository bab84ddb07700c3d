import { ElfError } from "./errors.js";
import type { ElfClass, ElfGnuHash, ElfSysvHash } from "./types.js";
import type { ElfView } from "./view.js";

/**
 * The SysV hash table (gABI "Hash Table"): nbucket, nchain, bucket[nbucket],
 * chain[nchain]; entries are 4 bytes, or 8 on 64-bit s390 and Alpha. nchain
 * equals the number of dynamic symbols.
 */
export function readSysvHash(v: ElfView, offset: number, entry: 4 | 8): ElfSysvHash {
  const read = (o: number, f: string): number => (entry === 8 ? v.u64(o, f) : v.u32(o, f));
  const nbucket = read(offset, "DT_HASH.nbucket");
  const nchain = read(offset + entry, "DT_HASH.nchain");
  v.need(
    offset + 2 * entry,
    (nbucket + nchain) * entry,
    `DT_HASH tables (${nbucket} buckets + ${nchain} chains of ${entry} bytes)`,
  );
  return { nbucket, nchain };
}

/**
 * The GNU hash table (binutils/glibc; no formal spec beyond dl-lookup.c):
 *
 * ```
 * uint32 nbuckets, symoffset, bloom_size, bloom_shift;
 * Elf_Addr bloom[bloom_size];          // 4 or 8 bytes by class
 * uint32 buckets[nbuckets];
 * uint32 chain[];                       // one per symbol from symoffset; bit 0 ends a chain
 * ```
 * The symbol count is not stored: it is one past the end of the chain that
 * starts at the highest bucket. The walk is bounded by the file.
 */
export function readGnuHash(v: ElfView, offset: number, cls: ElfClass): ElfGnuHash {
  const nbuckets = v.u32(offset, "DT_GNU_HASH.nbuckets");
  const symoffset = v.u32(offset + 4, "DT_GNU_HASH.symoffset");
  const bloomSize = v.u32(offset + 8, "DT_GNU_HASH.bloom_size");
  const bloomShift = v.u32(offset + 12, "DT_GNU_HASH.bloom_shift");
  const word = cls === 64 ? 8 : 4;
  const bucketsAt = offset + 16 + bloomSize * word;
  v.need(
    offset + 16,
    bloomSize * word + nbuckets * 4,
    `DT_GNU_HASH bloom filter and ${nbuckets} buckets`,
  );
  const chainAt = bucketsAt + nbuckets * 4;
  let max = 0;
  for (let i = 0; i < nbuckets; i++) {
    const b = v.u32At(bucketsAt + i * 4); // inside the need() above
    if (b > max) max = b;
  }
  let symbolCount: number;
  if (max === 0) {
    symbolCount = symoffset;
  } else {
    if (max < symoffset) {
      throw new ElfError(
        "DT_GNU_HASH.buckets",
        bucketsAt,
        `bucket value ${max} is below symoffset ${symoffset}`,
      );
    }
    let i = max;
    // Each step reads a new word further into the file, so the loop ends at the file's end.
    for (;;) {
      const c = v.u32(chainAt + (i - symoffset) * 4, `DT_GNU_HASH.chain[${i - symoffset}]`);
      if ((c & 1) !== 0) break;
      i++;
    }
    symbolCount = i + 1;
  }
  return { nbuckets, symoffset, bloomSize, bloomShift, symbolCount };
}

/**
 * The hash values the GNU hash chains hold for symbols `symoffset` up to
 * the table's end (or `count`): each name's dl_new_hash with bit 0 standing
 * for the end of its chain. ld.so compares these before any name, so they
 * spare a reader from hashing every exported name itself.
 */
export function readGnuChainHashes(
  v: ElfView,
  offset: number,
  cls: ElfClass,
  table: ElfGnuHash,
  count: number,
): { readonly from: number; readonly values: Uint32Array } | undefined {
  const to = Math.min(table.symbolCount, count);
  if (to <= table.symoffset) return undefined;
  const chainAt = offset + 16 + table.bloomSize * (cls === 64 ? 8 : 4) + table.nbuckets * 4;
  const n = to - table.symoffset;
  v.need(chainAt, n * 4, `DT_GNU_HASH chains (${n} entries at offset ${chainAt})`);
  const values = new Uint32Array(n);
  for (let i = 0; i < n; i++) values[i] = v.u32At(chainAt + i * 4);
  return { from: table.symoffset, values };
}
