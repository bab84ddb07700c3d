import { Buffer } from "node:buffer";
import { ElfError } from "./errors.js";
import { PT, SHT } from "./header.js";
import { EM } from "./machines.js";
import type {
  ElfAbiTag,
  ElfClass,
  ElfGnuProperties,
  ElfNote,
  ElfProgramHeader,
  ElfSection,
} from "./types.js";
import type { ElfView } from "./view.js";

export const NT_GNU_ABI_TAG = 1;
export const NT_GNU_BUILD_ID = 3;
export const NT_GNU_PROPERTY_TYPE_0 = 5;

const align = (n: number, a: number): number => Math.ceil(n / a) * a;

/**
 * Notes of one SHT_NOTE section or PT_NOTE segment:
 *
 * ```
 * Elf_Word namesz, descsz, type;  char name[namesz] (padded);  desc[descsz] (padded)
 * ```
 * Padding is to 4 bytes, or 8 where the section/segment is 8-aligned (GNU
 * property notes on 64-bit targets).
 */
function readNoteRange(
  v: ElfView,
  offset: number,
  size: number,
  alignment: number,
  source: string,
): ElfNote[] {
  const a = alignment === 8 ? 8 : 4;
  const end = offset + size;
  v.need(offset, size, `${source} (${size} bytes at offset ${offset})`);
  const out: ElfNote[] = [];
  let o = offset;
  // need() above covers [offset, end): fields are read unchecked, and a
  // field name is built only for an error.
  while (o + 12 <= end) {
    const namesz = v.u32At(o);
    const descsz = v.u32At(o + 4);
    const type = v.u32At(o + 8);
    const nameAt = o + 12;
    const descAt = align(nameAt + namesz, a);
    const next = align(descAt + descsz, a);
    if (descAt + descsz > end) {
      throw new ElfError(
        `${source}.descsz`,
        o + 4,
        `note at offset ${o} (namesz ${namesz}, descsz ${descsz}) runs past the end of ${source} at ${end}`,
      );
    }
    // The name lies before the descriptor, so inside the checked range.
    let name = "";
    for (let i = nameAt; i < nameAt + namesz; i++) {
      const c = v.bytes[i] as number;
      if (c === 0) break;
      name += String.fromCharCode(c);
    }
    // A copy: a window would keep the whole file's bytes alive with the model.
    out.push({ source, name, type, desc: v.bytes.slice(descAt, descAt + descsz) });
    o = next;
  }
  return out;
}

/**
 * Every note: from the SHT_NOTE sections when the file has section headers
 * (their names say where each note came from), else from the PT_NOTE
 * segments. A malformed note range is skipped with a warning.
 */
export function readNotes(
  v: ElfView,
  sections: readonly ElfSection[],
  phdrs: readonly ElfProgramHeader[],
  cls: ElfClass,
  warnings: string[],
): ElfNote[] {
  const ranges = sections.some((s) => s.type === SHT.NOTE)
    ? sections
        .filter((s) => s.type === SHT.NOTE)
        .map((s) => ({ offset: s.offset, size: s.size, align: 4, source: s.name || "SHT_NOTE" }))
    : phdrs
        .filter((p) => p.type === PT.NOTE)
        .map((p) => ({ offset: p.offset, size: p.filesz, align: p.align, source: "PT_NOTE" }));
  // Section alignment is not in ElfSection: the GNU property section is the
  // one 8-aligned note section, on 64-bit targets only.
  const out: ElfNote[] = [];
  for (const r of ranges) {
    const alignment = r.source === ".note.gnu.property" && cls === 64 ? 8 : r.align;
    try {
      out.push(...readNoteRange(v, r.offset, r.size, alignment, r.source));
    } catch (e) {
      if (!(e instanceof ElfError)) throw e;
      warnings.push(`notes in ${r.source} skipped: ${e.problem}`);
    }
  }
  return out;
}

const hex = (b: Uint8Array): string =>
  Buffer.from(b.buffer, b.byteOffset, b.length).toString("hex");

function u32(desc: Uint8Array, at: number, littleEndian: boolean): number {
  return new DataView(desc.buffer, desc.byteOffset, desc.byteLength).getUint32(at, littleEndian);
}

export interface NoteFacts {
  buildId?: string;
  abiTag?: ElfAbiTag;
  gnuProperties: ElfGnuProperties;
}

const X86_FEATURE_1_AND = 0xc0000002;
const X86_ISA_1_NEEDED = 0xc0008002;
const AARCH64_FEATURE_1_AND = 0xc0000000;

/**
 * The GNU notes tlsdoctor reads: the build id, NT_GNU_ABI_TAG (the minimum
 * kernel, as glibc checks it), and the GNU property note (x86 IBT/SHSTK,
 * AArch64 BTI/PAC). The property array pads each entry to 8 bytes on 64-bit
 * targets and 4 on 32-bit.
 */
export function noteFacts(
  notes: readonly ElfNote[],
  machine: number,
  cls: ElfClass,
  littleEndian: boolean,
  warnings: string[],
): NoteFacts {
  const facts: NoteFacts = { gnuProperties: {} };
  const props: { x86Feature1?: number; aarch64Feature1?: number; x86IsaNeeded?: number } = {};
  for (const n of notes) {
    if (n.name !== "GNU") continue;
    if (n.type === NT_GNU_BUILD_ID && n.desc.length > 0) facts.buildId = hex(n.desc);
    if (n.type === NT_GNU_ABI_TAG && n.desc.length >= 16) {
      facts.abiTag = {
        os: u32(n.desc, 0, littleEndian),
        kernel: [
          u32(n.desc, 4, littleEndian),
          u32(n.desc, 8, littleEndian),
          u32(n.desc, 12, littleEndian),
        ],
      };
    }
    if (n.type === NT_GNU_PROPERTY_TYPE_0) {
      const pad = cls === 64 ? 8 : 4;
      let o = 0;
      while (o + 8 <= n.desc.length) {
        const type = u32(n.desc, o, littleEndian);
        const size = u32(n.desc, o + 4, littleEndian);
        if (o + 8 + size > n.desc.length) {
          warnings.push(`GNU property ${type.toString(16)} at ${o} runs past its note`);
          break;
        }
        const val = size >= 4 ? u32(n.desc, o + 8, littleEndian) : 0;
        const x86 = machine === EM.X86_64 || machine === EM.I386;
        if (x86 && type === X86_FEATURE_1_AND) props.x86Feature1 = val;
        if (x86 && type === X86_ISA_1_NEEDED) props.x86IsaNeeded = val;
        if (machine === EM.AARCH64 && type === AARCH64_FEATURE_1_AND) props.aarch64Feature1 = val;
        o = align(o + 8 + size, pad);
      }
    }
  }
  facts.gnuProperties = props;
  return facts;
}
