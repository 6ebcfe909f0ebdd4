/**
 * issue 20, "load only what is used": the gRPC face (protocol's node:http2 server and the generated messages;
 * since stop 31 without grpc-js, which the daemon no longer loads at all) is imported on the first HTTP/2
 * connection and the XML-RPC face with the web UI on the first HTTP/1.1 request, not
 * at start-up: a daemon nobody talks to over one of them never pays for it. In the esbuild bundle each dynamic
 * `import()` is a chunk of its own that is not read before then. The connection that triggers the load stays
 * paused (its bytes buffered in the socket) until the module is there, then is handed over like any other.
 * One exception: a config whose autostart runs in turns loads the gRPC face before autostart (listeners.ts,
 * preloadsGrpcFace).
 */
import type { Duplex } from "node:stream";
import type { ActivityLog } from "@tsupervisord/logs";
import type * as GrpcFace from "@tsupervisord/protocol/server";
import type * as Http1Face from "@tsupervisord/xmlrpc";

type GrpcFaceModule = typeof GrpcFace;
type Http1FaceModule = typeof Http1Face;

// Process-wide, not per generation: a reload (SIGHUP) builds new servers from the modules already here, without
// resolving their files again (which the user named by `user=` may not be allowed to do).
let grpcImport: Promise<GrpcFaceModule> | undefined;
let http1Import: Promise<Http1FaceModule> | undefined;
const importGrpcFace = (): Promise<GrpcFaceModule> => (grpcImport ??= import("@tsupervisord/protocol/server"));
const importHttp1Face = (): Promise<Http1FaceModule> => (http1Import ??= import("@tsupervisord/xmlrpc"));

/**
 * Imports both faces and reads the web UI's files now, instead of on first use. Only for a daemon about to drop
 * privileges (`user=`, runtime/install-preload.ts): after the drop its own install may be out of its reach.
 */
export async function importFacesNow(): Promise<void> {
  const [, http1] = await Promise.all([importGrpcFace(), importHttp1Face()]);
  http1.preloadWebUiAssets();
}

/** The two faces' modules, each imported once per daemon process and announced in the activity log. */
export interface FaceModules {
  /** `why` is said in the activity log line of the load (by whichever call loads it). */
  grpc(why?: string): Promise<GrpcFaceModule>;
  http1(): Promise<Http1FaceModule>;
}

export function faceModules(log: ActivityLog): FaceModules {
  let grpc: Promise<GrpcFaceModule> | undefined;
  let http1: Promise<Http1FaceModule> | undefined;
  return {
    grpc: (why = "on first HTTP/2 connection") =>
      (grpc ??= importGrpcFace().then((m) => {
        // Tests read this line to know the face was not loaded before (test/daemon/lazy-faces.test.ts).
        log.info(`gRPC face loaded ${why}`);
        return m;
      })),
    http1: () =>
      (http1 ??= importHttp1Face().then((m) => {
        log.info("XML-RPC face and web UI loaded on first HTTP/1.1 request");
        return m;
      })),
  };
}

/** A face built from its module on first use; `current` is undefined until then, `pending` until asked for. */
export interface LazyFace<T> {
  get(): Promise<T>;
  readonly current: T | undefined;
  readonly pending: Promise<T> | undefined;
}

export function lazyFace<M, T>(loadModule: () => Promise<M>, build: (module: M) => T): LazyFace<T> {
  let pending: Promise<T> | undefined;
  let current: T | undefined;
  return {
    get: () =>
      (pending ??= loadModule().then((module) => {
        current = build(module);
        return current;
      })),
    get current() {
      return current;
    },
    get pending() {
      return pending;
    },
  };
}

/**
 * Hands `socket` to `use` once `face` is built. Meanwhile the socket stays paused, and an error on it (the peer
 * resets) destroys it instead of going unhandled (the router removed its own listener before the hand-over).
 * Resolves when the socket was handed over or dropped; a face that fails to load drops the connection.
 */
export async function handOverWhenLoaded<T>(socket: Duplex, face: LazyFace<T>, use: (face: T, socket: Duplex) => void, onLoadError: (err: unknown) => void): Promise<void> {
  const loaded = face.current;
  if (loaded !== undefined) {
    use(loaded, socket);
    return;
  }
  const onError = (): void => {
    socket.destroy();
  };
  socket.on("error", onError);
  try {
    const built = await face.get();
    if (!socket.destroyed) use(built, socket);
  } catch (err) {
    onLoadError(err);
    socket.destroy();
  } finally {
    socket.off("error", onError);
  }
}
