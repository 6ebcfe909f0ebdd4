/*
 * Issue 20's floor for the logs CPU row: the least a process can do to move a child's output from a pipe into a
 * log file rotated by size, with no supervisor around it. stdin is the pipe (`cat SRC | splice-rotate ...`).
 * It does what the daemon's pump does and nothing else: the pipe grown to 256 KiB, splice(2) of at most 128 KiB
 * per call into the file (one copy, pipe pages -> page cache, no user-space buffer), and supervisord's rotation
 * (after a write takes the file to maxbytes: FILE.N-1 -> FILE.N ... FILE -> FILE.1, the oldest unlinked, a new
 * FILE). At EOF it prints its own CPU: `user_seconds system_seconds`.
 *
 * usage: splice-rotate FILE MAXBYTES BACKUPS
 * Built by the bench at run time with the machine's compiler (bench/lib/systems/floor.mjs); never shipped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#define PIPE_SIZE (256 * 1024)
#define CHUNK (128 * 1024)

static int open_log(const char* path) {
  /* Not O_APPEND, which splice(2) refuses (EINVAL): positioned at the end instead, as the pump's own dup is. */
  int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0 || lseek(fd, 0, SEEK_END) < 0) {
    perror(path);
    exit(2);
  }
  return fd;
}

static void rotate(const char* path, int backups) {
  char from[PATH_MAX];
  char to[PATH_MAX];
  snprintf(to, sizeof to, "%s.%d", path, backups);
  unlink(to); /* frees the oldest backup's page cache: part of the job, as in every supervisor */
  for (int i = backups - 1; i >= 1; i--) {
    snprintf(from, sizeof from, "%s.%d", path, i);
    snprintf(to, sizeof to, "%s.%d", path, i + 1);
    rename(from, to); /* ENOENT while fewer backups exist: fine */
  }
  snprintf(to, sizeof to, "%s.1", path);
  if (rename(path, to) != 0) {
    perror("rename");
    exit(2);
  }
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: splice-rotate FILE MAXBYTES BACKUPS\n");
    return 64;
  }
  const char* path = argv[1];
  long long maxbytes = atoll(argv[2]);
  int backups = atoi(argv[3]);
  fcntl(0, F_SETPIPE_SZ, PIPE_SIZE); /* a refusal only makes the floor slower, never wrong */
  int fd = open_log(path);
  long long size = lseek(fd, 0, SEEK_CUR);
  for (;;) {
    ssize_t n = splice(0, NULL, fd, NULL, CHUNK, SPLICE_F_MOVE);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      perror("splice");
      return 2;
    }
    size += n;
    if (maxbytes > 0 && size >= maxbytes && backups > 0) {
      close(fd);
      rotate(path, backups);
      fd = open_log(path);
      size = 0;
    }
  }
  close(fd);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("%.6f %.6f\n", ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6, ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
  return 0;
}
