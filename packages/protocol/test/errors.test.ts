import { status } from "@grpc/grpc-js";
import { ALL_ERROR_CODES, ConfigError, SupervisorError, type ErrorCode } from "@tsupervisord/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FAULT_STATUS,
  INTERNAL_ERROR_MESSAGE,
  connect,
  faultFromMetadata,
  isServiceError,
  toGrpcStatus,
  type MethodName,
  type SupervisorClient,
} from "../src/index.js";
import { echoService } from "./echo-service.js";
import { startHarness, type Harness } from "./harness.js";

// The detail each code travels with: plain, none at all, empty, and one with newlines and non-ASCII (CANT_REREAD
// carries a whole multi-line config report).
function detailFor(code: ErrorCode): string | undefined {
  if (code === "SHUTDOWN_STATE") return undefined;
  if (code === "SUCCESS") return "";
  if (code === "CANT_REREAD") return "/etc/supervisord.conf:3 [program:é] command: expected a command\nsecond issue";
  return `name-of-${code.toLowerCase()}`;
}

let harness: Harness;
let client: SupervisorClient;
const unexpected: { err: unknown; method: MethodName }[] = [];

beforeAll(async () => {
  const service = echoService();
  service.getProcessInfo = (req) => {
    if (req.name === "boom") throw new Error("secret internal path /root/.ssh exploded");
    if (req.name === "config") throw new ConfigError([{ file: "/etc/x.conf", line: 4, message: "bad" }]);
    const code = req.name as ErrorCode;
    throw new SupervisorError(code, detailFor(code));
  };
  service.watch = async function* (req) {
    if (req.includeStats) throw new Error("stream internals");
    yield { event: { $case: "groupRemoved", groupRemoved: { name: "g" } } };
    throw new SupervisorError("SHUTDOWN_STATE");
  };
  harness = await startHarness(service, { onUnexpectedError: (err, method) => unexpected.push({ err, method }) });
  client = connect(harness.unixUrl);
});
afterAll(async () => {
  client.close();
  await harness.close();
});

describe("fault <-> gRPC status table (RPC-09, §5.2)", () => {
  it("maps every ErrorCode to a non-OK status", () => {
    for (const code of ALL_ERROR_CODES) expect(FAULT_STATUS[code]).not.toBe(status.OK);
  });

  it.each(ALL_ERROR_CODES)("%s thrown by a handler comes back as the same SupervisorError", async (code) => {
    const err: unknown = await client.getProcessInfo({ name: code }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SupervisorError);
    const fault = err as SupervisorError;
    const expected = new SupervisorError(code, detailFor(code));
    expect({ code: fault.code, detail: fault.detail, message: fault.message, fault: fault.fault }).toEqual({
      code,
      detail: expected.detail,
      message: expected.message,
      fault: expected.fault,
    });
  });

  it.each(ALL_ERROR_CODES)("%s travels with its table status and the fault string as details", (code) => {
    const grpcStatus = toGrpcStatus(new SupervisorError(code, detailFor(code)));
    expect(grpcStatus.code).toBe(FAULT_STATUS[code]);
    expect(grpcStatus.details).toBe(new SupervisorError(code, detailFor(code)).faultString);
    const rebuilt = faultFromMetadata(grpcStatus.metadata);
    expect([rebuilt?.code, rebuilt?.detail]).toEqual([code, detailFor(code)]);
  });

  it("a ConfigError becomes CANT_REREAD with every issue in the detail", async () => {
    const err = await client.getProcessInfo({ name: "config" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SupervisorError);
    expect((err as SupervisorError).code).toBe("CANT_REREAD");
    expect((err as SupervisorError).detail).toBe("/etc/x.conf:4: bad");
  });

  it("an unexpected error becomes INTERNAL with a generic message and nothing leaks", async () => {
    unexpected.length = 0;
    const err = await client.getProcessInfo({ name: "boom" }).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(SupervisorError);
    expect(isServiceError(err)).toBe(true);
    if (!isServiceError(err)) return;
    expect(err.code).toBe(status.INTERNAL);
    expect(err.details).toBe(INTERNAL_ERROR_MESSAGE);
    expect(JSON.stringify({ message: err.message, details: err.details, md: err.metadata.toJSON() })).not.toMatch(/secret|ssh/);
    // The daemon still gets to log the real error.
    expect(unexpected.map((u) => [u.method, (u.err as Error).message])).toEqual([["getProcessInfo", "secret internal path /root/.ssh exploded"]]);
  });

  it("a stream that throws a fault after some messages ends with that fault", async () => {
    const seen: string[] = [];
    const err = await (async () => {
      for await (const message of client.watch()) seen.push(message.event?.$case ?? "none");
    })().catch((e: unknown) => e);
    expect(seen).toEqual(["groupRemoved"]);
    expect(err).toBeInstanceOf(SupervisorError);
    expect((err as SupervisorError).code).toBe("SHUTDOWN_STATE");
    expect((err as SupervisorError).detail).toBeUndefined();
  });

  it("a stream that throws an unexpected error ends with INTERNAL, message hidden", async () => {
    const err = await (async () => {
      for await (const _ of client.watch({ includeStats: true })) void _;
    })().catch((e: unknown) => e);
    expect(isServiceError(err) && err.code === status.INTERNAL && err.details === INTERNAL_ERROR_MESSAGE).toBe(true);
  });
});
