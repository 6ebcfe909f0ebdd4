/*
 * issue 20: starting a child without copying the daemon. libuv's uv_spawn() fork()s on Linux (Node 20, libuv
 * 1.46): every spawn copies the page tables of a ~70 MiB process and both sides then take copy-on-write faults,
 * ~3 ms of CPU per child here (measured: fork 4.1 ms vs posix_spawn 1.7 ms per child from a 70 MiB process,
 * including the same 1.2 ms of unrelated work). glibc's posix_spawn uses clone(CLONE_VM|CLONE_VFORK): the child
 * borrows the parent's memory until it execs, and exec errors come back as the return value.
 *
 *   spawnPipe() -> [readFd, writeFd]   pipe2(O_CLOEXEC), both ends blocking (the child's stdin)
 *   spawn(file, argv, env, cwd, fds) -> { pid, startTime, pgid }
 *       file: the executable's path; argv: including argv[0]; env: ["K=V", ...]; cwd: a directory or null;
 *       fds: [stdin, stdout, stderr] dup2'd onto 0, 1, 2 in the child. The child leads a new session (setsid, as
 *       Node's `detached: true`), every signal back to its default action and an empty signal mask (libuv does
 *       the same: Node ignores SIGPIPE, which exec alone would keep ignored). Throws an Error whose `errno` is the
 *       error number (ENOENT, EACCES, ...) when the fork, the chdir or the exec failed; no child then exists (glibc
 *       waited for it). startTime and pgid are fields 22 and 5 of /proc/PID/stat, read here right after the
 *       spawn (null both when that read failed): the daemon records them for its survivor check, and the same read
 *       from JS right after a spawn costs ~0.5 ms median, up to tens of ms, on the event loop (bench/NOTES.md, stop
 *       28) against ~0.06 ms here.
 *
 * The caller waits for the child itself (reap(pid) on SIGCHLD): libuv knows nothing of it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <node_api.h>
#include "napi-errors.h"

static napi_value spawn_pipe(napi_env env, napi_callback_info info) {
  (void)info;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return throw_errno(env, "pipe2", errno);
  napi_value result, r, w;
  CHECK(napi_create_array_with_length(env, 2, &result));
  CHECK(napi_create_int32(env, fds[0], &r));
  CHECK(napi_create_int32(env, fds[1], &w));
  CHECK(napi_set_element(env, result, 0, r));
  CHECK(napi_set_element(env, result, 1, w));
  return result;
}

/* A JS string as a malloc'd C string (NULL after a pending exception). */
static char* dup_string(napi_env env, napi_value v) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "spawn: expected a string");
    return NULL;
  }
  char* s = malloc(len + 1);
  if (s == NULL) {
    throw_errno(env, "spawn", ENOMEM);
    return NULL;
  }
  napi_get_value_string_utf8(env, v, s, len + 1, &len);
  return s;
}

static void free_list(char** list) {
  if (list == NULL) return;
  for (char** p = list; *p != NULL; p++) free(*p);
  free(list);
}

/* A JS array of strings as a NULL-terminated malloc'd list. */
static char** dup_list(napi_env env, napi_value arr) {
  uint32_t n = 0;
  if (napi_get_array_length(env, arr, &n) != napi_ok) {
    napi_throw_type_error(env, NULL, "spawn: expected an array of strings");
    return NULL;
  }
  char** list = calloc((size_t)n + 1, sizeof(char*));
  if (list == NULL) {
    throw_errno(env, "spawn", ENOMEM);
    return NULL;
  }
  for (uint32_t i = 0; i < n; i++) {
    napi_value item;
    if (napi_get_element(env, arr, i, &item) != napi_ok || (list[i] = dup_string(env, item)) == NULL) {
      free_list(list);
      return NULL;
    }
  }
  return list;
}

/*
 * Fields 5 (pgrp) and 22 (starttime, clock ticks after boot) of /proc/PID/stat; 0 on success, -1 otherwise. The
 * command name (field 2) may hold spaces and ')', so the fixed fields are counted from the LAST ')'. The child
 * cannot be gone: we have not waited for it, so it is at worst a zombie, whose stat file still reads. Its start
 * time is fixed at the clone (exec does not change it); its process group is the one it has at this read (the
 * JS read took it at its own moment, too).
 */
static int read_start(pid_t pid, unsigned long long* starttime, long* pgrp) {
  char path[32];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  /* Up to 52 numbers after a comm of at most 16 bytes: well under 4 KiB. */
  char buf[4096];
  size_t len = 0;
  for (;;) {
    ssize_t n = read(fd, buf + len, sizeof buf - 1 - len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    len += (size_t)n;
    if (len == sizeof buf - 1) break;
  }
  close(fd);
  buf[len] = '\0';
  char* p = strrchr(buf, ')');
  if (p == NULL || p[1] != ' ') return -1;
  p += 2; /* field 3 (state) */
  int have = 0;
  for (int field = 3; field <= 22; field++) {
    if (field == 5 || field == 22) {
      char* end;
      errno = 0;
      if (field == 5) *pgrp = strtol(p, &end, 10);
      else *starttime = strtoull(p, &end, 10);
      if (end == p || errno != 0) return -1;
      have++;
    }
    if (field == 22) break;
    p = strchr(p, ' ');
    if (p == NULL) return -1;
    p++;
  }
  return have == 2 ? 0 : -1;
}

/* { pid, startTime, pgid } of a child just started (startTime and pgid null when read_start failed). NULL only
 * when N-API itself failed (no memory), as any N-API failure in this file. */
static napi_value spawn_result(napi_env env, pid_t pid) {
  unsigned long long starttime = 0;
  long pgrp = 0;
  int known = read_start(pid, &starttime, &pgrp) == 0;
  napi_value result, v_pid, v_start, v_pgid;
  CHECK(napi_create_object(env, &result));
  CHECK(napi_create_int32(env, pid, &v_pid));
  if (known) {
    /* Clock ticks after boot: exact in a double for millions of years of uptime. */
    CHECK(napi_create_double(env, (double)starttime, &v_start));
    CHECK(napi_create_int64(env, pgrp, &v_pgid));
  } else {
    CHECK(napi_get_null(env, &v_start));
    CHECK(napi_get_null(env, &v_pgid));
  }
  CHECK(napi_set_named_property(env, result, "pid", v_pid));
  CHECK(napi_set_named_property(env, result, "startTime", v_start));
  CHECK(napi_set_named_property(env, result, "pgid", v_pgid));
  return result;
}

static napi_value spawn_child(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 5) {
    napi_throw_type_error(env, NULL, "spawn(file, argv, env, cwd, fds)");
    return NULL;
  }
  int fds[3];
  for (uint32_t i = 0; i < 3; i++) {
    napi_value v;
    if (napi_get_element(env, argv[4], i, &v) != napi_ok || napi_get_value_int32(env, v, &fds[i]) != napi_ok ||
        fds[i] < 0) {
      napi_throw_type_error(env, NULL, "spawn: fds must be three descriptors");
      return NULL;
    }
  }
  napi_valuetype cwd_type;
  CHECK(napi_typeof(env, argv[3], &cwd_type));
  char* file = dup_string(env, argv[0]);
  char** args = file != NULL ? dup_list(env, argv[1]) : NULL;
  char** envp = args != NULL ? dup_list(env, argv[2]) : NULL;
  char* cwd = envp != NULL && cwd_type == napi_string ? dup_string(env, argv[3]) : NULL;
  napi_value result = NULL;
  if (envp == NULL || (cwd_type == napi_string && cwd == NULL)) goto out;

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  /* Every bit set, not sigfillset(): glibc's leaves out its internal signals (32, 33), and its posix_spawn then
   * sets those to SIG_IGN in the child where the parent has handlers — an ignored disposition exec keeps. */
  sigset_t all, none;
  memset(&all, 0xff, sizeof all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  int err = cwd != NULL ? posix_spawn_file_actions_addchdir_np(&actions, cwd) : 0;
  for (int i = 0; i < 3 && err == 0; i++) err = posix_spawn_file_actions_adddup2(&actions, fds[i], i);
  pid_t pid = 0;
  if (err == 0) err = posix_spawn(&pid, file, &actions, &attr, args, envp);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (err != 0) {
    throw_errno(env, "posix_spawn", err);
    goto out;
  }
  result = spawn_result(env, pid);
out:
  free(file);
  free_list(args);
  free_list(envp);
  free(cwd);
  return result;
}

napi_value spawn_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"spawnPipe", NULL, spawn_pipe, NULL, NULL, NULL, napi_enumerable, NULL},
      {"spawn", NULL, spawn_child, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}
