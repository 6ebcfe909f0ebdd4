/**
 * @tsupervisord/reaper: reaps orphaned grandchildren when the daemon is PID 1 (or a child subreaper), which
 * Node cannot do on its own (libuv waits only for the children it spawned). See README.md.
 */
export { startOrphanReaper, setChildSubreaper, isChildSubreaper } from "./orphan-reaper.js";
export type { OrphanReaper, OrphanReaperOptions } from "./orphan-reaper.js";
export { nativeReaper, unavailableReason } from "./native.js";
export type { NativeReaper, NativeSpawnResult, ReapedChild } from "./native.js";
export { describeWaitStatus, signalName } from "./wait-status.js";
export { createNotifySocketFactory, notifyMechanism } from "./notify.js";
export type { NotifySocket, NotifySocketFactory, NotifyMechanism, NotifyPortOptions } from "./notify.js";
export { listZombieChildren } from "./proc.js";
export { parseProcStat } from "./proc-stat.js";
export type { ProcStat } from "./proc-stat.js";
export { peerCredMechanism, peerCredentialsOf, socketFd } from "./peer-cred.js";
export type { PeerCredentials } from "./peer-cred.js";
export { splicePump, NO_SPLICE_ENV } from "./splice-pump.js";
export type { SplicePump, PumpHandle, PumpReport } from "./splice-pump.js";
export { nativeSpawner, isNativeChild, nativeSpawnState, NO_NATIVE_SPAWN_ENV } from "./native-spawn.js";
export type { NativeSpawner, NativeChild, ChildStart, ExitListener } from "./native-spawn.js";
