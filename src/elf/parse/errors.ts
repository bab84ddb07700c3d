import { TlsDoctorError } from "../../core/index.js";

/**
 * An ELF (or ld.so.cache) file that breaks its format: truncated, a table
 * past the end, a count beyond any sane limit, a cycle. Always `TLSD_PARSE`;
 * names the structure (`section header [12]`, `.gnu.version_d[3].vd_next`),
 * the absolute file offset, and the file when the caller knows it.
 */
export class ElfError extends TlsDoctorError {
  /** Structure and field that failed, e.g. `program header [3].p_offset`. */
  readonly path: string;
  /** Absolute offset in the file where the problem was found. */
  readonly offset: number;
  /** The state found, without the `Cannot parse …:` prefix. */
  readonly problem: string;
  /** File name, when known (set by {@link withFile}). */
  readonly file: string | undefined;

  constructor(
    path: string,
    offset: number,
    problem: string,
    options: { cause?: unknown; file?: string } = {},
  ) {
    const where = options.file === undefined ? "" : `${options.file}: `;
    super("TLSD_PARSE", `Cannot parse ${where}${path}: ${problem}`, {
      ...(options.cause === undefined ? {} : { cause: options.cause }),
      details: {
        path,
        offset,
        ...(options.file === undefined ? {} : { file: options.file }),
      },
    });
    this.name = "ElfError";
    this.path = path;
    this.offset = offset;
    this.problem = problem;
    this.file = options.file;
  }

  /** The same error naming `file`. */
  withFile(file: string): ElfError {
    return new ElfError(this.path, this.offset, this.problem, { file, cause: this.cause });
  }
}

export function isElfError(e: unknown): e is ElfError {
  return e instanceof ElfError;
}
