{
  "targets": [
    {
      "target_name": "reaper",
      "sources": ["reaper.c", "notify.c", "peercred.c", "pump.c", "spawn.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
