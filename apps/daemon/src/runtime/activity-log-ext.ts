import type { SupervisordSettings } from "@tsupervisord/config";
import type { ActivityLogSettings } from "@tsupervisord/logs";

/** issue 15: `[supervisord] logfile_format = json` and the activity log's rotation keys, as ActivityLogSettings. */
export function activityLogExtensions(s: SupervisordSettings): Pick<ActivityLogSettings, "json" | "policy"> {
  const ext = s.logfileExt;
  if (ext === undefined) return {};
  return {
    json: ext.format === "json",
    policy: { rotate: ext.rotate, suffix: ext.suffix, compress: ext.compress, maxageMs: ext.maxageMs },
  };
}
