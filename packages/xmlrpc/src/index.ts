export * from "./codec/index.js";
export * from "./handlers/index.js";
export * from "./http/index.js";
