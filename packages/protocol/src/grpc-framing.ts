/**
 * gRPC's wire pieces both ends over node:http2 share (tsctl's unary client, the daemon's server): the status
 * codes and the 5-byte length-prefixed message framing. Nothing here loads grpc-js.
 */

/** grpc's status codes (grpc-js's `status` enum, which is not loaded here). */
export const GrpcStatus = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;
export type GrpcStatusCode = (typeof GrpcStatus)[keyof typeof GrpcStatus];

/** grpc-js's default limit on a received message (`grpc.max_receive_message_length`), on either end. */
export const MAX_RECEIVE_MESSAGE_BYTES = 4 * 1024 * 1024;

/** One message with its prefix: flag byte 0 (not compressed), 4-byte big-endian length. */
export function frameMessage(message: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(5 + message.length);
  out.writeUInt8(0, 0);
  out.writeUInt32BE(message.length, 1);
  out.set(message, 5);
  return out;
}

export interface FramedMessage {
  /** The prefix's flag byte was set: the payload is compressed with the stream's `grpc-encoding`. */
  compressed: boolean;
  payload: Buffer;
}

/**
 * Length-prefixed messages out of DATA frames, however the frames cut them. `push` throws
 * {@link OversizeMessageError} as soon as a prefix announces more than `maxBytes`, before buffering it.
 */
export class MessageDecoder {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly maxBytes = MAX_RECEIVE_MESSAGE_BYTES) {}

  /** Takes a DATA frame's bytes; the messages it completed (often none). */
  push(chunk: Buffer): FramedMessage[] {
    const out: FramedMessage[] = [];
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    for (;;) {
      if (this.pendingBytes < 5) return out;
      // Joined only to read the 5-byte prefix, and again once the whole message is here: joining on every frame
      // would copy a large message (GetAllProcessInfo of 2,000 programs, ~30 frames) over and over.
      let head = this.pending[0] as Buffer;
      if (head.length < 5) {
        head = Buffer.concat(this.pending);
        this.pending = [head];
      }
      const compressed = head.readUInt8(0) !== 0;
      const length = head.readUInt32BE(1);
      if (length > this.maxBytes) throw new OversizeMessageError(length, this.maxBytes, compressed);
      if (this.pendingBytes < 5 + length) return out;
      const buffered = this.pending.length === 1 ? head : Buffer.concat(this.pending);
      out.push({ compressed, payload: buffered.subarray(5, 5 + length) });
      const rest = buffered.subarray(5 + length);
      this.pending = rest.length === 0 ? [] : [rest];
      this.pendingBytes = rest.length;
    }
  }
}

/** A prefix announced a message over the limit; the message is grpc-js's (stream-decoder.ts). */
export class OversizeMessageError extends Error {
  constructor(
    readonly length: number,
    readonly maxBytes: number,
    readonly compressed: boolean,
  ) {
    super(`Received message larger than max (${String(length)} vs ${String(maxBytes)})`);
  }
}
