/**
 * @tsupervisord/pycompat — the one copy of the Python behaviours supervisord's observable texts depend on. A leaf:
 * it imports nothing, and every layer may import it (as it may import `errors`).
 */
export { ValueError } from "./errors.js";
export { pyBytesRepr, pyListRepr, pyRepr } from "./repr.js";
export { PY_WHITESPACE, intLiteralMessage, pyInt, pyIntBig, pyIntOrThrow, pyStrip } from "./int.js";
export { byteSize, octalType } from "./converters.js";
export { makeNamespec, splitNamespec } from "./namespec.js";
export { GetoptError, getopt } from "./getopt.js";
export type { GetoptSpec, ParsedOption } from "./getopt.js";
export {
  PROCESS_STATE_NAMES,
  ProcessStates,
  RUNNING_STATES,
  SIGNALLABLE_STATES,
  STOPPED_STATES,
  SupervisorStates,
  processStateName,
} from "./states.js";
export type { ProcessStateCode, ProcessStateName, SupervisorStateName } from "./states.js";
export { describeProcess, formatLocalStopTime, formatTimedelta } from "./describe.js";
export type { DescribeInput } from "./describe.js";
