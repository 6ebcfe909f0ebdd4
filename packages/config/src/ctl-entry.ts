/**
 * `@tsupervisord/config/ctl`: what tsctl needs of the config dialect (find the file, read `[supervisorctl]`), as its
 * own entry so tsctl's bundle takes only this part of the reader (the package has no side effects to keep).
 */
export { readCtlConfig, DEFAULT_SUPERVISORCTL_CONFIG } from "./ctl.js";
export { findConfigFile, configSearchPaths, noConfigFileMessage } from "./locate.js";
export type { ReadConfigOptions, SupervisorctlConfig } from "./types.js";
