/*
 * Zero-copy log pump for @tsupervisord/logs (issue 20): moves children's output from pipes to their log files with
 * splice(2) on one thread of its own (an epoll loop shared by every pump, started with the first one), so the
 * bytes never enter user space and the JS thread only does accounting. One thread for all: a pump costs two fds
 * and a small struct, not a thread stack per channel (2,000 programs stay cheap).
 *
 *   pumpPipe() -> [readFd, writeFd]            pipe2(O_CLOEXEC), the kernel's default 64 KiB (grown to 256 KiB
 *                                              by the pump once its child floods it, see GROWN_PIPE); the write
 *                                              end is handed to spawn() as the child's fd 1 (and 2), then closed
 *                                              by JS
 *   pipeSize(fd) -> bytes                      F_GETPIPE_SZ of either end (tests, diagnostics)
 *   pumpStart(readFd, fd, room, callback) -> h move readFd -> fd (readFd is taken over, fd dup'd); fd -1 with
 *                                              room 0: no file yet, ask for one with the first bytes
 *   room                                       bytes before the size trigger is due (-1: the file never rotates
 *                                              by size); the move that uses it up is written whole (at most
 *                                              128 KiB, supervisord's read size), then the pump asks for a new file
 *   pumpSetFile(h, fd, room)                   continue on this file (a dup is taken; -1 discards and counts)
 *   pumpStop(h)                                the grace period ran out: move what the pipe holds now, then end
 *
 * callback({ written, stale, dropped, full, error, done }) on Node's thread, at most one report queued per pump
 * (counters accumulate in between), so memory never grows with output:
 *   written  bytes that reached the current file since the last report
 *   stale    bytes that reached a file JS has already switched away from (rotation raced with a splice)
 *   dropped  bytes discarded (no file, or the file failed: ENOSPC, EIO, ...)
 *   full     the pump needs a file (its first, or `room` is used up) and none has been handed over since: rotate, then
 *            pumpSetFile, once per request. Until then it is out of the epoll set; the child blocks once the pipe is
 *            full (backpressure, never buffering)
 *   error    errno of the first failure of a streak (0: none), so a full disk is reported once
 *   done     the pipe reached EOF (every writer closed it) or the stop drained it; the last report
 *
 * Each ready pump gets one splice of at most 1 MiB per turn (level-triggered epoll), so a flooding child cannot
 * starve the others. A write that blocks (a slow disk) holds up every pump, as supervisord's single loop does.
 *
 * splice(2) refuses a target opened O_APPEND (EINVAL): the pump clears O_APPEND on its dup and seeks to the end
 * (the JS writer shares that open file description but does not write while a pump owns the channel). A target
 * that takes no splice at all (some character devices) gets a read/write copy on the same thread.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <node_api.h>
#include "napi-errors.h"

#define PUMP_CHUNK (1 << 20)
/* A file that rotates by size gets moves of at most supervisord's read size: it ends within 128 KiB past maxbytes. */
#define ROTATING_CHUNK (128 * 1024)
#define UNLIMITED LLONG_MAX
/* Bytes that reached a file are reported this long after the first of them (tail -f latency; see count_written). */
#define REPORT_DELAY_NS (5LL * 1000 * 1000)
#define COPY_BUFFER 65536
/*
 * A channel whose child fills its pipe (a splice moved the whole of it) gets a 256 KiB pipe, once. Measured here
 * (issue 20, bench `logs`, 1 GiB through 50MB x 10 rotation, interleaved): a 64 KiB pipe makes a flooding `cat`
 * block every 64 KiB of its 128 KiB writes and the pump wake up for every 64 KiB; with 256 KiB each splice moves a
 * whole ROTATING_CHUNK and both sides wake half as often (standalone, cat -> pipe -> splice: ~0.51 -> ~0.35 s of
 * splice CPU per GiB, ~1.5 -> ~2.3 GiB/s). Only on demand, never at pumpPipe: a non-root user's pipes count against
 * fs.pipe-user-pages-soft (16,384 pages), past which the kernel gives every new pipe a single page, so 2,000
 * programs with 256 KiB pipes each from the start would leave later ones with 4 KiB. A failed F_SETPIPE_SZ (that
 * limit, EPERM) is not retried and changes nothing else. An earlier note here said a bigger pipe costs CPU: that
 * was a 1 MiB pipe (its pages leave the CPU cache between the child's write and the splice), not this size.
 */
#define GROWN_PIPE (256 * 1024)
#define EVENTS 64

typedef struct pump {
  /* Owned by the worker thread. */
  int read_fd;
  int fd;
  long long room;
  int copy_mode;
  int pipe_size; /* F_GETPIPE_SZ of read_fd; GROWN_PIPE (or more) once grown or tried */
  int failing;
  int draining;
  size_t drain_left;
  int waiting_file; /* out of the epoll set until pumpSetFile */
  int need_first;   /* started without a file: ask for one with the first bytes */
  int finished;
  int lagging; /* has bytes not yet reported, in the worker's `lagging` list */
  struct pump* lag_next;
  /* Under `lock`. */
  int refs; /* the JS handle, the tsfn finalizer, the worker */
  int has_pending;
  int pending_fd;
  long long pending_room;
  int stopping;
  int in_attention;
  struct pump* attention_next;
  struct pump* grave_next;
  uint64_t written;
  uint64_t stale;
  uint64_t dropped;
  int error;
  int full;
  int done;
  int wake_posted;
  napi_threadsafe_function tsfn;
} pump_t;

/* One lock for the shared fields of every pump: held only for a few assignments. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t worker_once = PTHREAD_ONCE_INIT;
static int worker_error = 0;
static int epoll_fd = -1;
static int control_fd = -1; /* eventfd: pumps need attention (a new file, a stop) */
static int devnull = -1;
static pump_t* attention = NULL;
static char copy_buffer[COPY_BUFFER];
/* The worker's own: pumps with bytes not yet reported, and when the first of them is due. */
static pump_t* lagging = NULL;
static long long lag_deadline = 0;

static void pump_unref_locked(pump_t* p, int* free_it) {
  *free_it = --p->refs == 0;
}

static void pump_unref(pump_t* p) {
  int free_it;
  pthread_mutex_lock(&lock);
  pump_unref_locked(p, &free_it);
  pthread_mutex_unlock(&lock);
  if (free_it) free(p);
}

static size_t pipe_bytes(int fd) {
  int n = 0;
  return ioctl(fd, FIONREAD, &n) == 0 && n > 0 ? (size_t)n : 0;
}

/* Queue one report unless one is queued already (the counters it reads accumulate). Call with the lock held. */
static void post_locked(pump_t* p) {
  if (p->wake_posted) return;
  p->wake_posted = 1;
  if (napi_call_threadsafe_function(p->tsfn, NULL, napi_tsfn_nonblocking) != napi_ok) p->wake_posted = 0;
}


static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Counted bytes are reported REPORT_DELAY_NS after the first unreported one (the worker's loop flushes
   `lagging`), so followers see a paused child's last bytes within milliseconds and a flood wakes the JS thread at
   most ~200 times a second, whatever its rate. A report per MiB written (and one per splice dropped), as before,
   cost the JS thread ~1,000 wake-ups per GiB: at ~2 GiB/s through 50 MB files that was half of its CPU in the
   flood (issue 20, measured: 7-8 ticks per GiB -> 3-4). Requests for a file, errors and the end are reported at
   once, each with the counters gathered so far. Not "when the pipe is empty": with a writer that fills the pipe
   and waits, every splice empties it, and that rule woke the JS thread once per splice (and cost an FIONREAD per
   splice). */
static void lag(pump_t* p) {
  if (p->lagging) return;
  if (lagging == NULL) lag_deadline = now_ns() + REPORT_DELAY_NS;
  p->lagging = 1;
  p->lag_next = lagging;
  lagging = p;
}

/* Bytes dropped (no file, or the file failed). */
static void count(pump_t* p, uint64_t* counter, uint64_t n) {
  pthread_mutex_lock(&lock);
  *counter += n;
  pthread_mutex_unlock(&lock);
  lag(p);
}

/* Bytes that reached the file: the current file's, or a replaced one's if JS switched meanwhile. */
static void count_written(pump_t* p, uint64_t n) {
  pthread_mutex_lock(&lock);
  if (p->has_pending) p->stale += n;
  else p->written += n;
  pthread_mutex_unlock(&lock);
  lag(p);
}

/* Out of the worker's `lagging` list (a finished pump is freed after this turn). */
static void unlag(pump_t* p) {
  if (!p->lagging) return;
  for (pump_t** q = &lagging; *q != NULL; q = &(*q)->lag_next) {
    if (*q == p) {
      *q = p->lag_next;
      break;
    }
  }
  p->lagging = 0;
}

/* Report what the lagging pumps moved since their last report. */
static void flush_lagging(void) {
  while (lagging != NULL) {
    pump_t* p = lagging;
    lagging = p->lag_next;
    p->lagging = 0;
    pthread_mutex_lock(&lock);
    if (p->written + p->stale + p->dropped > 0) post_locked(p);
    pthread_mutex_unlock(&lock);
  }
}

static void report_error(pump_t* p, int err) {
  if (p->failing) return;
  p->failing = 1;
  pthread_mutex_lock(&lock);
  p->error = err;
  post_locked(p);
  pthread_mutex_unlock(&lock);
}

static void drained(pump_t* p, size_t n) {
  if (p->draining) p->drain_left = p->drain_left > n ? p->drain_left - n : 0;
}

/* Out of the epoll set, and ask JS for the (next) file: it rotates first when the size trigger is due. */
static void want_file(pump_t* p) {
  p->waiting_file = 1;
  epoll_ctl(epoll_fd, EPOLL_CTL_DEL, p->read_fd, NULL);
  pthread_mutex_lock(&lock);
  p->full = 1;
  post_locked(p);
  pthread_mutex_unlock(&lock);
}

/* Bytes reached the file: ROT-01, as supervisord: a write that leaves the file at or past maxbytes rotates it at
   once (the file keeps that whole write), not when the next bytes come. */
static void wrote(pump_t* p, size_t n) {
  count_written(p, (uint64_t)n);
  if (p->room != UNLIMITED) {
    p->room -= (long long)n;
    if (p->room <= 0) want_file(p);
  }
}

/* The pump's last act on the worker: out of epoll, fds closed, the final report; the worker's ref goes later. */
static void finish(pump_t* p, pump_t** graveyard) {
  unlag(p);
  epoll_ctl(epoll_fd, EPOLL_CTL_DEL, p->read_fd, NULL);
  if (p->fd >= 0) close(p->fd);
  close(p->read_fd);
  p->finished = 1;
  pthread_mutex_lock(&lock);
  if (p->has_pending && p->pending_fd >= 0) close(p->pending_fd);
  p->has_pending = 0;
  p->done = 1;
  post_locked(p);
  p->grave_next = *graveyard;
  *graveyard = p;
  pthread_mutex_unlock(&lock);
  napi_release_threadsafe_function(p->tsfn, napi_tsfn_release);
}

/* The first half of a turn: pick up a new file or a stop that JS handed over (under the lock). */
static void pick_up(pump_t* p) {
  pthread_mutex_lock(&lock);
  int had_pending = p->has_pending;
  if (had_pending) {
    if (p->fd >= 0) close(p->fd);
    p->fd = p->pending_fd;
    p->room = p->pending_room;
    p->has_pending = 0;
    p->full = 0;
    p->copy_mode = 0;
    p->failing = 0;
    p->need_first = 0;
  }
  int stop_now = p->stopping && !p->draining;
  pthread_mutex_unlock(&lock);
  if (stop_now) {
    p->draining = 1;
    p->drain_left = pipe_bytes(p->read_fd);
  }
  if (had_pending && p->waiting_file) {
    p->waiting_file = 0;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = p};
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, p->read_fd, &ev);
  }
}

/* A stop's drain is over: the pump has moved the last byte the pipe held at the stop, and is not waiting for a
   file (JS answers every request: the drain then ends at the turn that hands the file over). */
static int drain_complete(const pump_t* p) {
  return !p->finished && p->draining && p->drain_left == 0 && !p->waiting_file;
}

/* The splice took the whole pipe: the child fills it faster than we wake up. One try (see GROWN_PIPE). */
static void grow_pipe(pump_t* p) {
  int size = fcntl(p->read_fd, F_SETPIPE_SZ, GROWN_PIPE);
  p->pipe_size = size >= GROWN_PIPE ? size : GROWN_PIPE;
}

/* The second half of a turn: at most one move (or the request for a file, or the end at EOF). */
static void move(pump_t* p, uint32_t events, pump_t** graveyard) {
  if (p->need_first) {
    if (pipe_bytes(p->read_fd) == 0) {
      if (events & (EPOLLHUP | EPOLLERR)) finish(p, graveyard); /* empty, and every writer is gone: EOF */
      return;
    }
    want_file(p);
    return;
  }

  size_t len = p->room == UNLIMITED ? PUMP_CHUNK : ROTATING_CHUNK;
  if (p->draining && len > p->drain_left) len = p->drain_left;
  ssize_t n;
  int err = 0;
  for (;;) {
    if (p->fd < 0) {
      /* No file (it could not be opened): the bytes are dropped and counted, as the JS writer does. */
      n = splice(p->read_fd, NULL, devnull, NULL, len, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
      err = n < 0 ? errno : 0;
      if (n > 0) {
        count(p, &p->dropped, (uint64_t)n);
        drained(p, (size_t)n);
        return;
      }
    } else if (!p->copy_mode) {
      n = splice(p->read_fd, NULL, p->fd, NULL, len, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
      err = n < 0 ? errno : 0;
      if (n < 0 && err == EINVAL) {
        p->copy_mode = 1; /* this target takes no splice (some devices): copy through a buffer */
        continue;
      }
    } else {
      n = read(p->read_fd, copy_buffer, len > COPY_BUFFER ? COPY_BUFFER : len);
      err = n < 0 ? errno : 0;
      if (n > 0) {
        ssize_t off = 0;
        while (off < n) {
          ssize_t w = write(p->fd, copy_buffer + off, (size_t)(n - off));
          if (w < 0 && errno == EINTR) continue;
          if (w <= 0) {
            report_error(p, w < 0 ? errno : EIO);
            count(p, &p->dropped, (uint64_t)(n - off));
            break;
          }
          off += w;
        }
        drained(p, (size_t)n);
        if (off == n) p->failing = 0;
        if (off > 0) wrote(p, (size_t)off);
        return;
      }
    }
    if (n < 0 && err == EINTR) continue;
    break;
  }

  if (n > 0) {
    p->failing = 0;
    /* Before the bytes are accounted: any report of them comes after the pipe has grown. */
    if (n >= p->pipe_size && p->pipe_size < GROWN_PIPE) grow_pipe(p);
    drained(p, (size_t)n);
    wrote(p, (size_t)n);
    return;
  }
  if (n == 0) {
    finish(p, graveyard); /* EOF: every writer closed the pipe */
    return;
  }
  if (err == EAGAIN) {
    if (p->draining) finish(p, graveyard);
    return; /* woken again when data arrives */
  }
  /* The file failed (ENOSPC, EIO, EFBIG, ...): report the first of a streak, drop what this splice would have
     moved so the child never blocks on a dead disk, try the file again with the next bytes. */
  report_error(p, err);
  for (;;) {
    ssize_t d = splice(p->read_fd, NULL, devnull, NULL, len, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
    if (d < 0 && errno == EINTR) continue;
    if (d > 0) {
      count(p, &p->dropped, (uint64_t)d);
      drained(p, (size_t)d);
    }
    break;
  }
}

/* One turn of one pump: pick up a new file or a stop, then at most one move of up to 1 MiB. `events`: epoll's
   flags, 0 when the turn was asked for by JS (a new file, a stop). */
static void service(pump_t* p, uint32_t events, pump_t** graveyard) {
  if (p->finished) return;
  pick_up(p);
  /* A complete drain moves nothing more: a stop owes only what the pipe held when it came. */
  if (!p->waiting_file && !drain_complete(p)) move(p, events, graveyard);
  /* The one place a stop's drain ends, checked after every turn: with the move that takes the last byte the pipe
     held at the stop (not at a later turn: that move may leave the pipe empty, and while a grandchild holds the
     write end no epoll event ever comes again, so the pump would never report `done` and the exit would never be
     reported), at the turn of the stop itself when the pipe was empty, or at the turn that hands over the file
     the last move asked for. */
  if (drain_complete(p)) finish(p, graveyard);
}

static void* worker_main(void* arg) {
  (void)arg;
  struct epoll_event events[EVENTS];
  pump_t* graveyard = NULL;
  for (;;) {
    int timeout = -1;
    if (lagging != NULL) {
      long long left = lag_deadline - now_ns();
      timeout = left <= 0 ? 0 : (int)((left + 999999) / 1000000);
    }
    int n = epoll_wait(epoll_fd, events, EVENTS, timeout);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < n; i++) {
      if (events[i].data.ptr == NULL) {
        uint64_t v;
        ssize_t ignored = read(control_fd, &v, sizeof v);
        (void)ignored;
        /* One at a time off the shared list: JS may add to it meanwhile. */
        for (;;) {
          pthread_mutex_lock(&lock);
          pump_t* p = attention;
          if (p != NULL) {
            attention = p->attention_next;
            p->in_attention = 0;
          }
          pthread_mutex_unlock(&lock);
          if (p == NULL) break;
          service(p, 0, &graveyard);
        }
      } else {
        service((pump_t*)events[i].data.ptr, events[i].events, &graveyard);
      }
    }
    if (lagging != NULL && now_ns() >= lag_deadline) flush_lagging();
    /* Finished pumps are not in any event of the next wait: drop the worker's reference now. */
    while (graveyard != NULL) {
      pump_t* p = graveyard;
      int free_it;
      pthread_mutex_lock(&lock);
      graveyard = p->grave_next;
      pump_unref_locked(p, &free_it);
      pthread_mutex_unlock(&lock);
      if (free_it) free(p);
    }
  }
  return NULL;
}

static void start_worker(void) {
  epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  control_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (epoll_fd < 0 || control_fd < 0 || devnull < 0) {
    worker_error = errno != 0 ? errno : EIO;
    return;
  }
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
  if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, control_fd, &ev) != 0) {
    worker_error = errno;
    return;
  }
  pthread_attr_t attr;
  pthread_t thread;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  int rc = pthread_create(&thread, &attr, worker_main, NULL);
  pthread_attr_destroy(&attr);
  if (rc != 0) worker_error = rc;
  /* Named so `top -H` and /proc/PID/task/TID/comm tell the pump's CPU (the copy into the page cache) from the
     JS thread's and libuv's. */
  else pthread_setname_np(thread, "tsup-pump");
}

/* Ask the worker to look at this pump (a new file, a stop). Call with the lock held. */
static void attend_locked(pump_t* p) {
  if (p->in_attention || p->done) return;
  p->in_attention = 1;
  p->attention_next = attention;
  attention = p;
  uint64_t one = 1;
  ssize_t ignored = write(control_fd, &one, sizeof one);
  (void)ignored;
}

static int set_number(napi_env env, napi_value obj, const char* key, double value) {
  napi_value v;
  return napi_create_double(env, value, &v) == napi_ok && napi_set_named_property(env, obj, key, v) == napi_ok;
}

static int set_bool(napi_env env, napi_value obj, const char* key, int value) {
  napi_value v;
  return napi_get_boolean(env, value != 0, &v) == napi_ok && napi_set_named_property(env, obj, key, v) == napi_ok;
}

static void call_js(napi_env env, napi_value callback, void* context, void* data) {
  (void)data;
  pump_t* p = (pump_t*)context;
  if (env == NULL || callback == NULL) return;
  pthread_mutex_lock(&lock);
  uint64_t written = p->written, stale = p->stale, dropped = p->dropped;
  /* A file handed over since the request (a rotation JS made on its own: time trigger, logrotate, reopen) answers
     it; the worker picks it up next. Reported anyway, JS would answer a second time, and the bytes the pump moves
     into that file before the second answer arrives would be counted as stale, missing from the room JS hands
     over: the file would rotate late by them. */
  int error = p->error, full = p->full && !p->has_pending, done = p->done;
  p->written = p->stale = p->dropped = 0;
  p->error = 0;
  p->wake_posted = 0;
  pthread_mutex_unlock(&lock);
  napi_value report, undef, result;
  if (napi_create_object(env, &report) != napi_ok || napi_get_undefined(env, &undef) != napi_ok) return;
  if (!set_number(env, report, "written", (double)written) || !set_number(env, report, "stale", (double)stale) ||
      !set_number(env, report, "dropped", (double)dropped) || !set_bool(env, report, "full", full) ||
      !set_number(env, report, "error", error) || !set_bool(env, report, "done", done))
    return;
  if (napi_call_function(env, undef, callback, 1, &report, &result) != napi_ok) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (pending) {
      napi_value ignored;
      napi_get_and_clear_last_exception(env, &ignored);
    }
  }
}

static void tsfn_finalize(napi_env env, void* data, void* hint) {
  (void)env;
  (void)hint;
  pump_unref((pump_t*)data);
}

static void handle_finalize(napi_env env, void* data, void* hint) {
  (void)env;
  (void)hint;
  pump_unref((pump_t*)data);
}

/* A private dup of the target, positioned at its end, without O_APPEND (which splice refuses). -1 stays -1. */
static int take_target(int fd, int* err) {
  *err = 0;
  if (fd < 0) return -1;
  int own = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (own < 0) {
    *err = errno;
    return -1;
  }
  struct stat st;
  if (fstat(own, &st) == 0 && S_ISREG(st.st_mode)) {
    int flags = fcntl(own, F_GETFL);
    if (flags >= 0 && (flags & O_APPEND)) fcntl(own, F_SETFL, flags & ~O_APPEND);
    lseek(own, 0, SEEK_END);
  }
  return own;
}

static int get_room(napi_env env, napi_value v, long long* room) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok) return 0;
  *room = d < 0 ? UNLIMITED : (long long)d;
  return 1;
}

static napi_value pump_pipe(napi_env env, napi_callback_info info) {
  (void)info;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return throw_errno(env, "pipe2", errno);
  /* The kernel's default size: grown by the pump only for a child that fills it (GROWN_PIPE). */
  int flags = fcntl(fds[0], F_GETFL);
  if (flags >= 0) fcntl(fds[0], F_SETFL, flags | O_NONBLOCK);
  napi_value arr, r, w;
  if (napi_create_array_with_length(env, 2, &arr) != napi_ok || napi_create_int32(env, fds[0], &r) != napi_ok ||
      napi_create_int32(env, fds[1], &w) != napi_ok || napi_set_element(env, arr, 0, r) != napi_ok ||
      napi_set_element(env, arr, 1, w) != napi_ok) {
    close(fds[0]);
    close(fds[1]);
    return NULL;
  }
  return arr;
}

static napi_value pipe_size(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  int32_t fd;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok) {
    napi_throw_type_error(env, NULL, "pipeSize(fd)");
    return NULL;
  }
  int size = fcntl(fd, F_GETPIPE_SZ);
  if (size < 0) return throw_errno(env, "F_GETPIPE_SZ", errno);
  if (napi_create_int32(env, size, &out) != napi_ok) return NULL;
  return out;
}

static napi_value pump_start(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  int32_t read_fd, fd;
  long long room;
  napi_valuetype t;
  if (argc < 4 || napi_get_value_int32(env, argv[0], &read_fd) != napi_ok ||
      napi_get_value_int32(env, argv[1], &fd) != napi_ok || !get_room(env, argv[2], &room) ||
      napi_typeof(env, argv[3], &t) != napi_ok || t != napi_function) {
    napi_throw_type_error(env, NULL, "pumpStart(readFd, fd, room, callback)");
    return NULL;
  }
  pthread_once(&worker_once, start_worker);
  if (worker_error != 0) return throw_errno(env, "pumpStart: worker", worker_error);
  int err = 0;
  int target = take_target(fd, &err);
  if (err != 0) return throw_errno(env, "pumpStart: dup", err);
  pump_t* p = (pump_t*)calloc(1, sizeof *p);
  if (p == NULL) {
    if (target >= 0) close(target);
    return throw_errno(env, "calloc", ENOMEM);
  }
  p->refs = 3;
  p->read_fd = read_fd;
  p->fd = -1;
  p->room = UNLIMITED;
  int pipe_size = fcntl(read_fd, F_GETPIPE_SZ);
  /* Not a pipe (a test's socket, say): never grown. */
  p->pipe_size = pipe_size > 0 ? pipe_size : GROWN_PIPE;
  p->need_first = room == 0 && target < 0;
  p->has_pending = !p->need_first;
  p->pending_fd = target;
  p->pending_room = room;

  napi_value name, handle;
  if (napi_create_string_utf8(env, "tsupervisord:pump", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_threadsafe_function(env, argv[3], NULL, name, 0, 1, p, tsfn_finalize, p, call_js, &p->tsfn) != napi_ok) {
    if (target >= 0) close(target);
    free(p);
    napi_throw_error(env, NULL, "pumpStart: threadsafe function setup failed");
    return NULL;
  }
  if (napi_create_external(env, p, handle_finalize, NULL, &handle) != napi_ok) return NULL;
  /* The worker owns the read end from here: its first turn picks up the file. */
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = p};
  if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, read_fd, &ev) != 0) {
    int e = errno;
    if (target >= 0) close(target);
    p->has_pending = 0;
    pthread_mutex_lock(&lock);
    p->done = 1;
    p->refs -= 1; /* the worker never saw it */
    pthread_mutex_unlock(&lock);
    close(read_fd);
    napi_release_threadsafe_function(p->tsfn, napi_tsfn_abort);
    return throw_errno(env, "pumpStart: epoll_ctl", e);
  }
  return handle;
}

static pump_t* get_pump(napi_env env, napi_value v) {
  pump_t* p = NULL;
  if (napi_get_value_external(env, v, (void**)&p) != napi_ok) return NULL;
  return p;
}

static napi_value pump_set_file(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], undef;
  napi_get_undefined(env, &undef);
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  pump_t* p = argc < 3 ? NULL : get_pump(env, argv[0]);
  int32_t fd;
  long long room;
  if (p == NULL || napi_get_value_int32(env, argv[1], &fd) != napi_ok || !get_room(env, argv[2], &room)) {
    napi_throw_type_error(env, NULL, "pumpSetFile(handle, fd, room)");
    return NULL;
  }
  int err = 0;
  int target = take_target(fd, &err);
  pthread_mutex_lock(&lock);
  if (p->done) {
    pthread_mutex_unlock(&lock);
    if (target >= 0) close(target);
    return undef;
  }
  if (p->has_pending && p->pending_fd >= 0) close(p->pending_fd);
  /* What was written but not yet reported went to the file being replaced. */
  p->stale += p->written;
  p->written = 0;
  p->has_pending = 1;
  p->pending_fd = target;
  p->pending_room = room;
  if (err != 0) {
    p->error = err;
    post_locked(p);
  }
  attend_locked(p);
  pthread_mutex_unlock(&lock);
  return undef;
}

static napi_value pump_stop(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], undef;
  napi_get_undefined(env, &undef);
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  pump_t* p = argc < 1 ? NULL : get_pump(env, argv[0]);
  if (p == NULL) return undef;
  pthread_mutex_lock(&lock);
  if (!p->done) {
    p->stopping = 1;
    attend_locked(p);
  }
  pthread_mutex_unlock(&lock);
  return undef;
}

napi_value pump_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"pumpPipe", NULL, pump_pipe, NULL, NULL, NULL, napi_enumerable, NULL},
      {"pipeSize", NULL, pipe_size, NULL, NULL, NULL, napi_enumerable, NULL},
      {"pumpStart", NULL, pump_start, NULL, NULL, NULL, napi_enumerable, NULL},
      {"pumpSetFile", NULL, pump_set_file, NULL, NULL, NULL, napi_enumerable, NULL},
      {"pumpStop", NULL, pump_stop, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}
