// The real TopDataSource over @tsupervisord/protocol's client. (Placeholder until the protocol package lands.)

import type { TopDataSource } from "./model.js";
import type { TopOptions } from "./run-top.js";

export function createGrpcSource(_options: TopOptions): TopDataSource {
  throw new Error("the gRPC client is not available yet (@tsupervisord/protocol has no connect())");
}
