/**
 * @tsupervisord/engine — supervising child processes exactly as supervisord 4.2.5 does (spec §2, §5.5, §6).
 */
export { Supervisor } from "./supervisor.js";
export type {
  InfoOptions,
  ProcessInfo,
  ProcessResult,
  ReloadResult,
  Snapshot,
  SubscribeOptions,
  Subscription,
  SupervisorHooks,
  SupervisorOptions,
  ProcessView,
  Target,
  UpdateOutcome,
} from "./types.js";
export type { FcgiSocketPort, ProcessTreePort } from "./ports.js";
export { procTreePort, realFcgiSockets } from "./ports.js";
export type { ProcessOutputPort, ProcessOutputSink, SinkCounters } from "./output-port.js";
export type { EngineLogger, EngineLogLevel } from "./logger.js";
export { nullLogger } from "./logger.js";
export {
  ProcessStates,
  RUNNING_STATES,
  SIGNALLABLE_STATES,
  STOPPED_STATES,
  SupervisorStates,
} from "./states.js";
export type { ProcessStateCode, ProcessStateName, SupervisorStateName } from "./states.js";
export { EVENT_PARENTS, eventMatches, formatPayload, isEventName } from "./events.js";
export type {
  AbstractEventName,
  AnyEventName,
  EventInput,
  EventName,
  ProcessCommunicationEvent,
  ProcessGroupEvent,
  ProcessLogEvent,
  ProcessStateEvent,
  ProcessStateEventName,
  RemoteCommunicationEvent,
  SupervisorEvent,
  SupervisorStateChangeEvent,
  TickEvent,
} from "./events.js";
export { makeNamespec, splitNamespec } from "./namespec.js";
export { describeExit, exitStatusOf, parseSignal, signame } from "./signals.js";
export type { ExitRecord } from "./signals.js";
export { initialState, transition, EXITED_TOO_QUICKLY } from "./machine.js";
export type { Effect, MachineConfig, MachineEvent, MachineState, StateChange, TimerKind, TransitionResult } from "./machine.js";
// The reread diff lives in @tsupervisord/config (one definition of EQ-01/EQ-02); re-exported for convenience.
export {
  diffGroups,
  groupConfigEquals as groupConfigsEqual,
  processConfigEquals as processConfigsEqual,
} from "@tsupervisord/config";
export { CommandError, resolveCommand, searchPath, shlexSplit } from "./command.js";
export type { CommandProblemKind, ResolvedCommand } from "./command.js";
export { describeProcess, formatLocalStopTime, formatTimedelta } from "./describe.js";
export { childEnvironment } from "./spawn.js";
export type { ListenerStateName } from "./listener-pool.js";
export { StatsSampler } from "./stats/sampler.js";
export type { ProcessSample, StatsLease, StatsTarget } from "./stats/sampler.js";
export type { TreeMember, TreeReading } from "./stats/tree.js";
export type { GovernanceInfo } from "./limits/governor.js";
export type { CgroupSupport } from "./limits/cgroups.js";
export { describeRlimits, findPrlimit } from "./limits/rlimits.js";
