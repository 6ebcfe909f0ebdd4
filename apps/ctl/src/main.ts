#!/usr/bin/env node
/** tsctl's entry point as an ES module (the bundle `dist/main.js`); `snapshot.ts` is the other one. */
import "./compile-cache.js";
import { runAndExit } from "./cli.js";
import { restoreDeferredExtraCa } from "./extra-ca.js";

restoreDeferredExtraCa();
runAndExit(process.argv.slice(2));
