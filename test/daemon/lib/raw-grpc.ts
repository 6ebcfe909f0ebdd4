import http2 from "node:http2";
import net from "node:net";

export interface RawGrpcResult {
  /** grpc-status from the trailers (or headers, for trailers-only responses); null if the stream broke. */
  status: number | null;
  fault: string | null;
  messages: number;
}

/**
 * One gRPC call with an arbitrary (possibly malformed) request body, spoken directly over HTTP/2 on the
 * daemon's unix socket, so the fuzz test can send what no generated client would.
 */
export function rawGrpcCall(socketPath: string, path: string, body: Buffer, timeoutMs = 5000): Promise<RawGrpcResult> {
  return new Promise((resolve) => {
    const session = http2.connect("http://localhost", { createConnection: () => net.createConnection(socketPath) });
    session.on("error", () => undefined);
    const frame = Buffer.alloc(5 + body.length);
    frame.writeUInt8(0, 0);
    frame.writeUInt32BE(body.length, 1);
    body.copy(frame, 5);
    const req = session.request({
      ":method": "POST",
      ":path": path,
      "content-type": "application/grpc",
      te: "trailers",
    });
    let status: number | null = null;
    let fault: string | null = null;
    let messages = 0;
    const pick = (headers: http2.IncomingHttpHeaders): void => {
      if (headers["grpc-status"] !== undefined) status = Number(headers["grpc-status"]);
      const f = headers["supervisor-fault"];
      if (typeof f === "string") fault = f;
    };
    const done = (): void => {
      clearTimeout(timer);
      session.close();
      resolve({ status, fault, messages });
    };
    // Streams never end by themselves: one message is enough to know the call was accepted.
    const timer = setTimeout(() => {
      req.close(http2.constants.NGHTTP2_CANCEL);
      done();
    }, timeoutMs);
    req.on("response", pick);
    req.on("trailers", pick);
    req.on("data", () => {
      messages += 1;
    });
    req.on("end", done);
    req.on("error", done);
    req.end(frame);
  });
}
