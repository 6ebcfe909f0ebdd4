export * from "./gen/supervisor/v1/supervisor.js";
