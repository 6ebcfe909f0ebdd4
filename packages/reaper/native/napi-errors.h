/* What every C file of the addon needs to fail the N-API way: one copy, included by each (static inline, so each
 * translation unit keeps its own and the linker sees no duplicate symbols). */
#ifndef TSUPERVISORD_NAPI_ERRORS_H
#define TSUPERVISORD_NAPI_ERRORS_H

#include <stdio.h>
#include <string.h>
#include <node_api.h>

/* Return NULL (JS: undefined, with any pending exception) when an N-API call fails. */
#define CHECK(call)                                                                                              \
  do {                                                                                                           \
    if ((call) != napi_ok) return NULL;                                                                          \
  } while (0)

/* Throws an Error "<what>: <strerror>" with `errno` set to the (positive) errno; the JS side names it (ENOENT, ...)
 * from os.constants, so no file needs glibc >= 2.32's strerrorname_np. Returns NULL for the caller to return. */
static inline napi_value throw_errno(napi_env env, const char* what, int err) {
  char message[200];
  snprintf(message, sizeof message, "%s: %s", what, strerror(err));
  napi_value msg, error, errnum;
  if (napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &msg) != napi_ok ||
      napi_create_error(env, NULL, msg, &error) != napi_ok || napi_create_int32(env, err, &errnum) != napi_ok ||
      napi_set_named_property(env, error, "errno", errnum) != napi_ok) {
    napi_throw_error(env, NULL, message); /* at least the message */
    return NULL;
  }
  napi_throw(env, error);
  return NULL;
}

#endif
