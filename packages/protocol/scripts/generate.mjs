// Regenerates src/gen/ (gitignored) from proto/ before every build, so a fresh clone builds with nothing but
// `pnpm install`: buf comes from the @bufbuild/buf npm package (a JS shim that runs the platform binary from
// its optional dependency, so no install script is needed) and the plugin is the local ts-proto.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const buf = join(packageDir, "node_modules", ".bin", "buf");

const result = spawnSync(buf, ["generate", "--template", "buf.gen.yaml"], { cwd: packageDir, stdio: "inherit" });
if (result.error) {
  console.error(`generate: cannot run ${buf}: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
