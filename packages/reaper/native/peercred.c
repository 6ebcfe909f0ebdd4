/*
 * peerCred(fd) for issue 19's `allow_uids` / `allow_groups`: who is at the other end of an accepted unix
 * socket, as the kernel recorded it at connect() time (getsockopt SO_PEERCRED). Node has no API for it.
 *
 *   peerCred(fd) -> { pid, uid, gid }   throws on a socket that is not AF_UNIX (ENOTSOCK / EINVAL ...)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <node_api.h>

static napi_value fail(napi_env env, const char* what, int err) {
  char message[160];
  snprintf(message, sizeof message, "%s: %s", what, strerror(err));
  napi_throw_error(env, NULL, message);
  return NULL;
}

static int set_number(napi_env env, napi_value obj, const char* key, double value) {
  napi_value v;
  if (napi_create_double(env, value, &v) != napi_ok) return 0;
  return napi_set_named_property(env, obj, key, v) == napi_ok;
}

static napi_value peer_cred(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  int32_t fd = -1;
  if (argc < 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0) {
    napi_throw_type_error(env, NULL, "peerCred(fd): fd must be a non-negative integer");
    return NULL;
  }
  struct ucred cred;
  socklen_t len = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return fail(env, "getsockopt(SO_PEERCRED)", errno);
  napi_value result;
  if (napi_create_object(env, &result) != napi_ok) return NULL;
  if (!set_number(env, result, "pid", (double)cred.pid) || !set_number(env, result, "uid", (double)cred.uid) ||
      !set_number(env, result, "gid", (double)cred.gid))
    return NULL;
  return result;
}

napi_value peercred_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"peerCred", NULL, peer_cred, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}
