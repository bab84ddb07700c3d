import type { Extension } from "./extensions.js";
import { extensionReader } from "./extensions.js";

/** RFC 6520 §2: the heartbeat extension's type (not in `ExtensionType`). */
export const HEARTBEAT_EXTENSION = 15;

/** RFC 6520 §2 HeartbeatMode values. */
export const HeartbeatMode = { peer_allowed_to_send: 1, peer_not_allowed_to_send: 2 } as const;
export type HeartbeatModeValue = (typeof HeartbeatMode)[keyof typeof HeartbeatMode];

/**
 * RFC 6520 §2:
 *
 * ```
 * enum {
 *    peer_allowed_to_send(1),
 *    peer_not_allowed_to_send(2),
 *    (255)
 * } HeartbeatMode;
 *
 * struct {
 *    HeartbeatMode mode;
 * } HeartbeatExtension;
 * ```
 * An unknown mode is a CodecError: the RFC has the receiver answer it with
 * illegal_parameter.
 */
export function parseHeartbeatMode(ext: Extension, path = "heartbeat"): HeartbeatModeValue {
  const r = extensionReader(ext, path);
  const at = r.offset;
  const mode = r.u8("mode");
  r.end();
  if (mode !== 1 && mode !== 2) {
    throw r.error("mode", `heartbeat mode ${mode} at offset ${at} is neither 1 nor 2`, at);
  }
  return mode;
}
