export type * from "./types.js";
export { readConfig, resolveEnvironment } from "./read.js";
export { readCtlConfig, DEFAULT_SUPERVISORCTL_CONFIG } from "./ctl.js";
export { findConfigFile, configSearchPaths, noConfigFileMessage } from "./locate.js";
export { formatConfigErrorForCli } from "./cli.js";
export { describeConfig } from "./describe.js";
export { renderSampleConfig } from "./sample.js";
export { diffGroups, groupConfigEquals, processConfigEquals } from "./diff.js";
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
export { pyRepr } from "./pyrepr.js";
export { ValueError } from "./errors.js";
export { makeNamespec, splitNamespec } from "./namespec.js";
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
export { ALLOW_UNAUTHENTICATED_TCP_ENV, isLoopbackHost, serverAuthVerdict, unauthenticatedServerLine } from "./server-auth.js";
export type { ServerAuthVerdict } from "./server-auth.js";
export { EXTENSION_KEYS } from "./extension-keys.js";
export type { ExtensionKey } from "./extension-keys.js";
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
