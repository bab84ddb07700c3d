import { TlsDoctorError } from "../../core/index.js";

/**
 * Bytes that break the structure being parsed. Always `TLSD_PARSE`; names the
 * structure path (`Certificate.certificate_list[2]`) and the absolute offset
 * where the problem was found, both also in `details` for JSON output.
 */
export class CodecError extends TlsDoctorError {
  /** Dotted path of the structure and field, e.g. `ServerHello.extensions[3]`. */
  readonly path: string;
  /** Absolute offset of the field that failed, in the input the caller gave. */
  readonly offset: number;
  /** The state found, without the `Cannot parse …:` prefix. */
  readonly problem: string;

  constructor(path: string, offset: number, problem: string, options: { cause?: unknown } = {}) {
    super("TLSD_PARSE", `Cannot parse ${path}: ${problem}`, {
      ...(options.cause === undefined ? {} : { cause: options.cause }),
      details: { path, offset },
    });
    this.name = "CodecError";
    this.path = path;
    this.offset = offset;
    this.problem = problem;
  }
}

export function isCodecError(e: unknown): e is CodecError {
  return e instanceof CodecError;
}
