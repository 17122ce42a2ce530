/* proc — see proc.h. */
#define _GNU_SOURCE /* prlimit */
#include "proc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errstr.h"
#include "timeutil.h"

#define PROC_POLL_MS 20 /* how often a wait looks at its condition */

static void pause_ms(int ms)
{
	poll(NULL, 0, ms);
}

pid_t proc_spawn_self(char *const argv[], const char *log_path, char *errstr,
		      size_t errstr_size)
{
	return proc_spawn_self_fsize(argv, log_path, -1, errstr, errstr_size);
}

/* The soft limit only: our hard limit (inherited by the children) stays,
 * so raising it back needs no privilege. */
static struct rlimit fsize_rlimit(int64_t file_size_max)
{
	struct rlimit rl = {.rlim_max = RLIM_INFINITY};
	getrlimit(RLIMIT_FSIZE, &rl);
	rl.rlim_cur = file_size_max < 0 ? rl.rlim_max : (rlim_t)file_size_max;
	return rl;
}

int proc_set_fsize(pid_t pid, int64_t file_size_max)
{
	struct rlimit rl = fsize_rlimit(file_size_max);
	return prlimit(pid, RLIMIT_FSIZE, &rl, NULL);
}

pid_t proc_spawn_self_fsize(char *const argv[], const char *log_path,
			    int64_t file_size_max, char *errstr, size_t errstr_size)
{
	int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0) {
		errstr_set(errstr, errstr_size, "%s: %s", log_path, strerror(errno));
		return -1;
	}
	size_t n = 0;
	while (argv[n] != NULL)
		n++;
	char **full = calloc(n + 2, sizeof(*full));
	if (full == NULL) {
		close(fd);
		errstr_set(errstr, errstr_size, "out of memory");
		return -1;
	}
	full[0] = "tasdid";
	memcpy(full + 1, argv, n * sizeof(*full));
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, STDIN_FILENO);
		struct rlimit rl = fsize_rlimit(file_size_max);
		if (file_size_max >= 0)
			setrlimit(RLIMIT_FSIZE, &rl);
		execv("/proc/self/exe", full);
		_exit(127);
	}
	int saved = errno;
	free(full);
	close(fd);
	if (pid < 0)
		errstr_set(errstr, errstr_size, "fork: %s", strerror(saved));
	return pid;
}

static int decode_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -1;
}

bool proc_exited(pid_t pid, int *ret_status)
{
	int status;
	pid_t r = waitpid(pid, &status, WNOHANG);
	if (r != pid)
		return false;
	if (ret_status != NULL)
		*ret_status = decode_status(status);
	return true;
}

int proc_stop(pid_t pid, int sig, int64_t timeout_ms)
{
	int st = -1;
	if (kill(pid, sig) < 0 && errno == ESRCH)
		return proc_exited(pid, &st) ? st : -1;
	int64_t deadline = time_mono_ms() + timeout_ms;
	while (time_mono_ms() < deadline) {
		if (proc_exited(pid, &st))
			return st;
		pause_ms(PROC_POLL_MS);
	}
	kill(pid, SIGKILL);
	int status;
	waitpid(pid, &status, 0);
	return decode_status(status);
}

int proc_run_self(char *const argv[], const char *log_path, int64_t timeout_ms,
		  char *errstr, size_t errstr_size)
{
	pid_t pid = proc_spawn_self(argv, log_path, errstr, errstr_size);
	if (pid < 0)
		return -1;
	int64_t deadline = time_mono_ms() + timeout_ms;
	int st;
	while (time_mono_ms() < deadline) {
		if (proc_exited(pid, &st))
			return st;
		pause_ms(PROC_POLL_MS);
	}
	proc_stop(pid, SIGKILL, 1000);
	errstr_set(errstr, errstr_size, "tasdid %s did not finish within %lld ms", argv[0],
		(long long)timeout_ms);
	return -1;
}

bool proc_wait_file(const char *path, int64_t timeout_ms)
{
	int64_t deadline = time_mono_ms() + timeout_ms;
	struct stat st;
	while (time_mono_ms() < deadline) {
		if (stat(path, &st) == 0 && st.st_size > 0)
			return true;
		pause_ms(PROC_POLL_MS);
	}
	return false;
}

int proc_http_get(int port, const char *path, int64_t timeout_ms)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct timeval tv = {.tv_sec = timeout_ms / 1000,
			     .tv_usec = (timeout_ms % 1000) * 1000};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int status = -1;
	char req[512], resp[64];
	int n = snprintf(req, sizeof(req),
			 "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", path);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    write(fd, req, (size_t)n) == n) {
		ssize_t got = read(fd, resp, sizeof(resp) - 1);
		if (got >= 12) {
			resp[got] = '\0';
			if (sscanf(resp, "HTTP/1.%*d %d", &status) != 1)
				status = -1;
		}
	}
	close(fd);
	return status;
}

bool proc_wait_http(int port, const char *path, int want_status, int64_t timeout_ms)
{
	int64_t deadline = time_mono_ms() + timeout_ms;
	while (time_mono_ms() < deadline) {
		if (proc_http_get(port, path, 1000) == want_status)
			return true;
		pause_ms(PROC_POLL_MS * 5);
	}
	return false;
}

int proc_read_file(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	size_t n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return 0;
}
