/**
 * @tsupervisord/engine — supervising child processes exactly as supervisord 4.2.5 does (spec §2, §5.5, §6).
 */
export { Supervisor } from "./supervisor.js";
export { AUTOSTART_PER_TURN } from "./autostart-pacer.js";
export type {
  InfoOptions,
  ProcessInfo,
  ProcessResult,
  ReloadResult,
  Snapshot,
  SubscribeOptions,
  Subscription,
  ShutdownOptions,
  SupervisorHooks,
  SupervisorOptions,
  ProcessView,
  Target,
  UpdateOutcome,
} from "./types.js";
export type { FcgiSocketPort, ProcessTreePort } from "./ports.js";
export { procTreePort, realFcgiSockets } from "./ports.js";
export type { DirectOutput, ProcessOutputPort, ProcessOutputSink, SinkCounters } from "./output-port.js";
export type { EngineLogger, EngineLogLevel } from "./logger.js";
export { nullLogger } from "./logger.js";
export {
  ProcessStates,
  RUNNING_STATES,
  SIGNALLABLE_STATES,
  STOPPED_STATES,
  SupervisorStates,
} from "@tsupervisord/pycompat";
export type { ProcessStateCode, ProcessStateName, SupervisorStateName } from "@tsupervisord/pycompat";
export { EVENT_PARENTS, eventMatches, formatPayload, isEventName } from "./events.js";
export type {
  AbstractEventName,
  AnyEventName,
  EventInput,
  EventName,
  ProcessCommunicationEvent,
  ProcessGroupEvent,
  ProcessReadinessEvent,
  ControlAuditEvent,
  ProcessLogEvent,
  ProcessStateEvent,
  ProcessStateEventName,
  RemoteCommunicationEvent,
  SupervisorEvent,
  SupervisorStateChangeEvent,
  TickEvent,
} from "./events.js";
export { makeNamespec, splitNamespec } from "@tsupervisord/pycompat";
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
export { describeProcess, formatLocalStopTime, formatTimedelta } from "@tsupervisord/pycompat";
export { childEnvironment } from "./spawn.js";
export type { ListenerStateName } from "./listener-pool.js";
export { StatsSampler } from "./stats/sampler.js";
export type { ProcessSample, StatsLease, StatsTarget } from "./stats/sampler.js";
export type { TreeMember, TreeReading } from "./stats/tree.js";
export type { GovernanceInfo } from "./limits/governor.js";
export type { CgroupSupport } from "./limits/cgroups.js";
export { describeRlimits, findPrlimit } from "./limits/rlimits.js";
export {
  CONTAINER_EXIT,
  allExitedCode,
  essentialEnded,
  essentialExitCode,
  processReady,
} from "./essential.js";
export type { EssentialConfig, ProcessEndView, StateChangeView } from "./essential.js";
export { groupShareMs, reserveMs } from "./stop-deadline.js";
// issue 14: readiness, liveness, depends_on
export type { NotifyPort, NotifyReceiver } from "./readiness/notify-port.js";
export type { ChildExitListener, ChildSpawnerPort, ChildStart } from "./spawner-port.js";
export { parseNotifyMessage } from "./readiness/notify-port.js";
export {
  checkTransition,
  initialCheckState,
  readinessOf,
  checkStatusText,
  type CheckState,
  type CheckEvent,
  type CheckEffect,
  type CheckRole,
  type CheckPhase,
  type ReadinessName,
} from "./readiness/check-machine.js";
export { runProbe, LineMatcher, HTTP_READ_LIMIT, EXEC_OUTPUT_LIMIT } from "./readiness/probes.js";
// issue 18: desired state (the daemon records it; the engine only reads it at autostart)
export type { DesiredState, DesiredStatePort } from "./desired-state.js";
export { monotonicNow } from "./clock.js"; // issue 18: the clock for deadlines
// issue 18: long operations (rolling restart, background start/stop/restart, graceful reload)
export { ProcessControl } from "./control/process-control.js";
export type { BackgroundVerb, RollingOptions, RollingWait } from "./control/process-control.js";
export { OperationRegistry } from "./control/operation-registry.js";
export type { OperationProgress, OperationState, OperationUpdate, OperationView } from "./control/operation-registry.js";
// issue 18: update plan applier (member-level update, scale)
export type { MemberOutcome, ScaleOutcome } from "./update/apply-plan.js";
