/**
 * `@tsupervisord/config/ctl`: what tsctl needs of the config dialect (find the file, read `[supervisorctl]`), as its
 * own entry so tsctl's bundle takes only this part of the reader (the package has no side effects to keep).
 */
export { readCtlConfig, DEFAULT_SUPERVISORCTL_CONFIG } from "./ctl.js";
export { findConfigFile, configSearchPaths, noConfigFileMessage } from "./locate.js";
export type { ReadConfigOptions, SupervisorctlConfig } from "./types.js";
// `tsctl graph` / `stop --with-dependents` order what the daemon reports (issue 14): the pure graph only.
export { dependentsOf, topologicalOrder } from "./ext/dependency-graph.js";
export type { GraphEdge } from "./ext/dependency-graph.js";
// issue 19: tsctl's contexts file (`[context NAME]` sections) is read with the same INI dialect.
export { IniParser, IniSyntaxError } from "./ini.js";
