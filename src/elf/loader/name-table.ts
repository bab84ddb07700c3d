import { hashKey, type ElfSymbolTable } from "../parse/index.js";

const EMPTY = 0;
const FIRST_SLOTS = 1 << 14;

/**
 * Symbol names interned across files without decoding them: a name is
 * found by its hash key ({@link hashKey}, which the GNU hash chains hold)
 * and compared byte for byte with the symbol that first carried it. Ids are
 * small and dense, so per-name data lives in typed arrays indexed by id.
 * A sweep meets some 160,000 library definitions; a string and a map entry
 * for each were a large share of its time and garbage.
 */
export class NameTable {
  /** Open addressing, linear probing: id + 1 per slot, EMPTY where free. */
  #slots = new Int32Array(FIRST_SLOTS);
  #keys = new Int32Array(FIRST_SLOTS / 2);
  #repSyms = new Int32Array(FIRST_SLOTS / 2);
  readonly #repTables: ElfSymbolTable[] = [];
  readonly #decoded: (string | undefined)[] = [];
  #count = 0;

  get count(): number {
    return this.#count;
  }

  /** The id of symbol `i`'s name in `t`, whose hash key is `key` (t.hashKeyAt(i)); made if new. */
  intern(t: ElfSymbolTable, i: number, key: number): number {
    const found = this.find(t, i, key);
    return found >= 0 ? found : this.#add(t, i, key);
  }

  /** The id of symbol `i`'s name in `t` (hash key `key`), or -1 if no name so far is equal. */
  find(t: ElfSymbolTable, i: number, key: number): number {
    const slots = this.#slots;
    const mask = slots.length - 1;
    for (let s = key & mask; ; s = (s + 1) & mask) {
      const v = slots[s] as number;
      if (v === EMPTY) return -1;
      const id = v - 1;
      if (
        this.#keys[id] === key &&
        t.sameName(i, this.#repTables[id] as ElfSymbolTable, this.#repSyms[id] as number)
      )
        return id;
    }
  }

  /** The id of `name` (its characters are bytes), or -1. Keys must be hashKey() of the names, as a table's hashKeyAt() is. */
  findName(name: string): number {
    const key = hashKey(name);
    const slots = this.#slots;
    const mask = slots.length - 1;
    for (let s = key & mask; ; s = (s + 1) & mask) {
      const v = slots[s] as number;
      if (v === EMPTY) return -1;
      if (this.#keys[v - 1] === key && this.nameOf(v - 1) === name) return v - 1;
    }
  }

  /** The name with id `id`, decoded once. */
  nameOf(id: number): string {
    let name = this.#decoded[id];
    if (name === undefined) {
      name = (this.#repTables[id] as ElfSymbolTable).nameAt(this.#repSyms[id] as number);
      this.#decoded[id] = name;
    }
    return name;
  }

  #add(t: ElfSymbolTable, i: number, key: number): number {
    const id = this.#count++;
    if (id >= this.#keys.length) {
      this.#keys = grow(this.#keys);
      this.#repSyms = grow(this.#repSyms);
    }
    this.#keys[id] = key;
    this.#repSyms[id] = i;
    this.#repTables.push(t);
    this.#decoded.push(undefined);
    // At most half full: probes stay short.
    if (this.#count * 2 > this.#slots.length) this.#rehash(this.#slots.length * 2);
    else this.#place(this.#slots, id);
    return id;
  }

  #place(slots: Int32Array, id: number): void {
    const mask = slots.length - 1;
    let s = (this.#keys[id] as number) & mask;
    while (slots[s] !== EMPTY) s = (s + 1) & mask;
    slots[s] = id + 1;
  }

  #rehash(size: number): void {
    const slots = new Int32Array(size);
    for (let id = 0; id < this.#count; id++) this.#place(slots, id);
    this.#slots = slots;
  }
}

/** A copy of `a` twice as long. */
export function grow(a: Int32Array): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
