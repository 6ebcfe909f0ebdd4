/*
 * issue 20: starting a child without copying the daemon. libuv's uv_spawn() fork()s on Linux (Node 20, libuv
 * 1.46): every spawn copies the page tables of a ~70 MiB process and both sides then take copy-on-write faults,
 * ~3 ms of CPU per child here (measured: fork 4.1 ms vs posix_spawn 1.7 ms per child from a 70 MiB process,
 * including the same 1.2 ms of unrelated work). glibc's posix_spawn uses clone(CLONE_VM|CLONE_VFORK): the child
 * borrows the parent's memory until it execs, and exec errors come back as the return value.
 *
 *   spawnPipe() -> [readFd, writeFd]   pipe2(O_CLOEXEC), both ends blocking (the child's stdin)
 *   spawn(file, argv, env, cwd, fds) -> pid
 *       file: the executable's path; argv: including argv[0]; env: ["K=V", ...]; cwd: a directory or null;
 *       fds: [stdin, stdout, stderr] dup2'd onto 0, 1, 2 in the child. The child leads a new session (setsid, as
 *       Node's `detached: true`), every signal back to its default action and an empty signal mask (libuv does
 *       the same: Node ignores SIGPIPE, which exec alone would keep ignored). Throws an Error whose `errno` is the
 *       error number (ENOENT, EACCES, ...) when the fork, the chdir or the exec failed; no child then exists (glibc
 *       waited for it).
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
  napi_create_int32(env, pid, &result);
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
