export { waitFor, waitForSignal } from "./wait.js";
export type { Check } from "./wait.js";
