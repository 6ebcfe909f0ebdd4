// On Node 22.1+, keep V8's compiled code on disk between runs: most of tsctl's start-up is parsing the gRPC
// client. A no-op on Node 20, where the API does not exist.
import module from "node:module";

(module as unknown as { enableCompileCache?: () => unknown }).enableCompileCache?.();
