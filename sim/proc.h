/* proc — run tasdid's own programs as child processes and wait on them
 * with deadlines: how the demo and the end-to-end tests run the real
 * processes (broker, intake, posting consumer) side by side on loopback. */
#ifndef TASDID_PROC_H
#define TASDID_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Start this very executable with argv (argv[0] is the subcommand, e.g.
 * {"broker", "--port", "0", NULL}), stdout and stderr appended to log_path.
 * Returns the pid, or -1 with errstr. */
pid_t proc_spawn_self(char *const argv[], const char *log_path, char *errstr,
		      size_t errstr_size);

/* proc_spawn_self, with the child's RLIMIT_FSIZE set to file_size_max
 * bytes before it runs (-1: inherit ours): writes at or beyond that offset
 * of any regular file then fail with EFBIG (and SIGXFSZ, which the child
 * must ignore to see the error) — "disk full" without a mount, even for
 * root. */
pid_t proc_spawn_self_fsize(char *const argv[], const char *log_path,
			    int64_t file_size_max, char *errstr, size_t errstr_size);

/* Set the RLIMIT_FSIZE of the running process pid (prlimit(2)); -1 is
 * unlimited. Returns 0, or -1 with errno. */
int proc_set_fsize(pid_t pid, int64_t file_size_max);

/* Run this executable with argv to completion (stdout and stderr appended
 * to log_path) and return its exit status (0-255), 128+signal when killed,
 * or -1 with errstr when it could not run or outlived timeout_ms (it is
 * then killed). */
int proc_run_self(char *const argv[], const char *log_path, int64_t timeout_ms,
		  char *errstr, size_t errstr_size);

/* Send sig to pid and wait up to timeout_ms for it to exit; SIGKILL after
 * that. Returns the exit status as proc_run_self does. */
int proc_stop(pid_t pid, int sig, int64_t timeout_ms);

/* True if pid has exited (reaped here; *ret_status as proc_run_self). */
bool proc_exited(pid_t pid, int *ret_status);

/* Wait until the file exists and is non-empty; false on deadline. */
bool proc_wait_file(const char *path, int64_t timeout_ms);

/* GET http://127.0.0.1:port/path once; the status code, or -1 when there
 * is no answer within timeout_ms. */
int proc_http_get(int port, const char *path, int64_t timeout_ms);

/* Wait until GET returns want_status; false on deadline. */
bool proc_wait_http(int port, const char *path, int want_status, int64_t timeout_ms);

/* Read a whole small file into buf (NUL-terminated, trailing newline
 * removed). -1 when it cannot. */
int proc_read_file(const char *path, char *buf, size_t size);

#endif
