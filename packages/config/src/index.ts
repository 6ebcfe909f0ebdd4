export type * from "./types.js";
export { readConfig, resolveEnvironment } from "./read.js";
export { readCtlConfig, DEFAULT_SUPERVISORCTL_CONFIG } from "./ctl.js";
export { findConfigFile, configSearchPaths, noConfigFileMessage } from "./locate.js";
export { formatConfigErrorForCli } from "./cli.js";
export { describeConfig } from "./describe.js";
export { renderSampleConfig } from "./sample.js";
export { diffGroups, groupConfigEquals, processConfigEquals } from "./diff.js";
// issue 18: the typed update plan (hot / restart / structural)
export {
  planUpdate,
  planChangedGroup,
  diffProcessConfig,
  memberAction,
  PROCESS_FIELD_RULES,
  GROUP_FIELD_RULES,
  type ChangeClass,
  type FieldChange,
  type GroupPlan,
  type MemberAction,
  type MemberPlan,
} from "./change-plan.js";
export {
  parseSignal,
  signame,
  SIGNAL_NAMES,
  PYTHON_SIGNAL_ATTRIBUTES,
  VALID_SIGNAL_NUMBERS,
  type ParsedSignal,
} from "./signals.js";
export { EVENT_TYPE_NAMES, DEFAULT_RESULT_HANDLER, MAIN_RPCINTERFACE_FACTORY } from "./events.js";
export { IniParser, IniSyntaxError, type IniEntry, type IniSection } from "./ini.js";
export { expand, type Expansions, type ExpansionValue } from "./expand.js";
export {
  integer,
  boolean,
  byteSize,
  octal,
  exitCodes,
  listOfStrings,
  autoRestart,
  logLevel,
  existingDirectory,
  existingDirpath,
  logfileName,
  processOrGroupName,
  url,
  inetAddress,
  normalizePath,
} from "./converters.js";
export { dictOfKeyValuePairs, shlexNonPosix } from "./shlex.js";
export { pyGlob } from "./glob.js";
export { pyRepr } from "@tsupervisord/pycompat";
export { ValueError } from "./errors.js";
export { makeNamespec, splitNamespec } from "@tsupervisord/pycompat";
export {
  loadUserDb,
  parsePasswd,
  parseGroup,
  nameToUid,
  nameToGid,
  gidForUid,
  colonSeparatedUserGroup,
  type UserDb,
  type PasswdEntry,
  type GroupEntry,
} from "./users.js";
// issue 14: readiness, liveness, depends_on
export {
  parseProbe,
  parseDependsOn,
  DEPENDENCY_CONDITIONS,
  type ProbeSpec,
  type CheckConfig,
  type Dependency,
  type DependencyCondition,
  type ReadinessConfig,
} from "./ext/readiness.js";
export {
  topologicalOrder,
  dependenciesOf,
  dependentsOf,
  type GraphNode,
  type GraphEdge,
  type OrderResult,
} from "./ext/dependency-graph.js";
export { EXTENSION_KEYS, extensionKeysUsed, type ExtensionKey, type ExtensionKeyUse } from "./extension-keys.js";
export { ALLOW_UNAUTHENTICATED_TCP_ENV, isLoopbackHost, serverAuthVerdict, unauthenticatedServerLine } from "./server-auth.js";
export type { ServerAuthVerdict } from "./server-auth.js";
export {
  cpuLimit,
  durationMs,
  memoryLimit,
  pidsLimit,
  rlimitValue,
  rssWatchdog,
  sizeInBytes,
  wantsCgroupControllers,
  RLIMIT_NAMES,
  type CgroupMode,
  type ProgramLimits,
  type RlimitName,
  type RlimitValue,
} from "./ext/limits.js";
export { splitDestinations, isStreamTarget } from "./ext/logs.js";
export { DEFAULT_CONTAINER_SETTINGS, STOP_DEADLINE_ENV, parseDuration } from "./ext/container.js";
export { parseEnvFile, type ParsedEnvFile } from "./ext/env-file.js";
export { loadTlsMaterial, TlsMaterialError, type InetTlsFiles, type TlsMaterial } from "./ext/tls.js";
export { parseUsersList, parseUsersFile } from "./ext/access.js";
