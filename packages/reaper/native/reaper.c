/*
 * Minimal N-API addon for @tsupervisord/reaper.
 *
 * Node (libuv) only waits for the children it spawned, one pid at a time. When the daemon is PID 1 (or a child
 * subreaper), orphaned grandchildren are re-parented to it and would stay zombies forever. This addon exposes
 * just enough of the kernel to collect them from JS:
 *
 *   reap(pid)            waitpid(pid, WNOHANG) for ONE pid (never -1: that would steal libuv's children)
 *   setChildSubreaper()  prctl(PR_SET_CHILD_SUBREAPER, 1)
 *   isChildSubreaper()   prctl(PR_GET_CHILD_SUBREAPER)
 *   peerCred(fd)         getsockopt(SO_PEERCRED) (peercred.c)
 *   spawn(...)           posix_spawn of an engine child (spawn.c)
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <node_api.h>
#include "napi-errors.h"

#ifndef PR_SET_CHILD_SUBREAPER
#define PR_SET_CHILD_SUBREAPER 36
#endif
#ifndef PR_GET_CHILD_SUBREAPER
#define PR_GET_CHILD_SUBREAPER 37
#endif

static napi_value set_int_or_null(napi_env env, napi_value obj, const char* key, int present, int value) {
  napi_value v;
  if (present) {
    CHECK(napi_create_int32(env, value, &v));
  } else {
    CHECK(napi_get_null(env, &v));
  }
  CHECK(napi_set_named_property(env, obj, key, v));
  return obj;
}

/* reap(pid) -> { pid, status, signal, coreDumped, raw } | null (still running, or not our child). */
static napi_value reap(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1) {
    napi_throw_type_error(env, NULL, "reap(pid): pid is required");
    return NULL;
  }
  int32_t pid;
  if (napi_get_value_int32(env, argv[0], &pid) != napi_ok || pid <= 0) {
    napi_throw_type_error(env, NULL, "reap(pid): pid must be a positive integer");
    return NULL;
  }

  int st = 0;
  pid_t got;
  do {
    got = waitpid((pid_t)pid, &st, WNOHANG);
  } while (got == -1 && errno == EINTR);

  napi_value result;
  if (got == 0 || (got == -1 && errno == ECHILD)) {
    CHECK(napi_get_null(env, &result));
    return result;
  }
  if (got == -1) return throw_errno(env, "waitpid", errno);

  CHECK(napi_create_object(env, &result));
  napi_value v;
  CHECK(napi_create_int32(env, (int32_t)got, &v));
  CHECK(napi_set_named_property(env, result, "pid", v));
  if (!set_int_or_null(env, result, "status", WIFEXITED(st), WIFEXITED(st) ? WEXITSTATUS(st) : 0)) return NULL;
  if (!set_int_or_null(env, result, "signal", WIFSIGNALED(st), WIFSIGNALED(st) ? WTERMSIG(st) : 0)) return NULL;
#ifdef WCOREDUMP
  CHECK(napi_get_boolean(env, WIFSIGNALED(st) && WCOREDUMP(st), &v));
#else
  CHECK(napi_get_boolean(env, false, &v));
#endif
  CHECK(napi_set_named_property(env, result, "coreDumped", v));
  CHECK(napi_create_int32(env, st, &v));
  CHECK(napi_set_named_property(env, result, "raw", v));
  return result;
}

static napi_value set_child_subreaper(napi_env env, napi_callback_info info) {
  (void)info;
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) return throw_errno(env, "prctl(PR_SET_CHILD_SUBREAPER)", errno);
  napi_value undef;
  CHECK(napi_get_undefined(env, &undef));
  return undef;
}

static napi_value is_child_subreaper(napi_env env, napi_callback_info info) {
  (void)info;
  int flag = 0;
  if (prctl(PR_GET_CHILD_SUBREAPER, (unsigned long)&flag, 0, 0, 0) != 0)
    return throw_errno(env, "prctl(PR_GET_CHILD_SUBREAPER)", errno);
  napi_value v;
  CHECK(napi_get_boolean(env, flag != 0, &v));
  return v;
}

/* notify.c (issue 14): the sd_notify datagram receiver. */
napi_value notify_register(napi_env env, napi_value exports);
/* peercred.c (issue 19): SO_PEERCRED of an accepted unix socket. */
napi_value peercred_register(napi_env env, napi_value exports);
/* pump.c (issue 20): the splice log pump. */
napi_value pump_register(napi_env env, napi_value exports);
/* spawn.c (issue 20): posix_spawn without copying the daemon. */
napi_value spawn_register(napi_env env, napi_value exports);

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"reap", NULL, reap, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setChildSubreaper", NULL, set_child_subreaper, NULL, NULL, NULL, napi_enumerable, NULL},
      {"isChildSubreaper", NULL, is_child_subreaper, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  CHECK(napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  if (notify_register(env, exports) == NULL) return NULL;
  if (peercred_register(env, exports) == NULL) return NULL;
  if (spawn_register(env, exports) == NULL) return NULL;
  return pump_register(env, exports);
}

NAPI_MODULE_INIT() { return init(env, exports); }
