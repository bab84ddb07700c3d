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
  /**
   * A bit per key (its low 24 bits) of every name here: one array read
   * rules out most names a lookup asks about (an executable's tens of
   * thousands of exports no library refers to) before any probe. 2 MiB.
   */
  readonly #bits = new Uint32Array(1 << 19);
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
    const b = key & 0xffffff;
    if (((this.#bits[b >>> 5] as number) & (1 << (b & 31))) === 0) return -1;
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
    const b = key & 0xffffff;
    this.#bits[b >>> 5] = (this.#bits[b >>> 5] as number) | (1 << (b & 31));
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

/** Stride of a {@link PairLists} node: the pair, then the next node of its list. */
const NODE = 3;

/**
 * Lists of integer pairs, one list per small integer (a name id, a
 * reference), appended to at the end: nodes of three integers (first,
 * second, next node or -1) in one array, no object per entry.
 */
export class PairLists {
  /** first, second, next (-1: last) per node; read directly on hot paths. */
  nodes: Int32Array<ArrayBuffer>;
  #count = 0;
  #head: Int32Array<ArrayBuffer>;
  #tail: Int32Array<ArrayBuffer>;

  constructor(lists: number, nodes: number) {
    this.#head = new Int32Array(Math.max(lists, 16)).fill(-1);
    this.#tail = new Int32Array(Math.max(lists, 16)).fill(-1);
    this.nodes = new Int32Array(NODE * Math.max(nodes, 16));
  }

  /** The first node of list `list` (-1: empty). */
  first(list: number): number {
    return list < this.#head.length ? (this.#head[list] as number) : -1;
  }

  /** The node after `n` in its list (-1: none). */
  next(n: number): number {
    return this.nodes[NODE * n + 2] as number;
  }

  firstOf(n: number): number {
    return this.nodes[NODE * n] as number;
  }

  secondOf(n: number): number {
    return this.nodes[NODE * n + 1] as number;
  }

  /** Appends (a, b) to list `list`. */
  append(list: number, a: number, b: number): void {
    while (list >= this.#head.length) {
      const n = this.#head.length;
      this.#head = grow(this.#head);
      this.#tail = grow(this.#tail);
      this.#head.fill(-1, n);
      this.#tail.fill(-1, n);
    }
    const n = this.#count++;
    if (NODE * n >= this.nodes.length) this.nodes = grow(this.nodes);
    const nodes = this.nodes;
    nodes[NODE * n] = a;
    nodes[NODE * n + 1] = b;
    nodes[NODE * n + 2] = -1;
    const last = this.#tail[list] as number;
    if (last < 0) this.#head[list] = n;
    else nodes[NODE * last + 2] = n;
    this.#tail[list] = n;
  }
}

/** A copy of `a` twice as long. */
export function grow(a: Int32Array): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
