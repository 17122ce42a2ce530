/* log — see log.h. One fprintf per line under stdio's own lock, so lines
 * from threads never interleave. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

#include "timeutil.h"

static const char *program_name = "tasdid";
static enum log_level min_level = LOG_LEVEL_INFO;

void log_set_program(const char *name)
{
	program_name = name;
}

void log_set_level(enum log_level level)
{
	min_level = level;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *names[] = {"DEBUG", "INFO", "WARN", "ERROR"};
	if (level < min_level)
		return;
	char when[32];
	if (rfc3339_format_utc_ms(time_now_ms(), when, sizeof(when)) < 0)
		when[0] = '\0';
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s %s %s %s\n", when, program_name, names[level], msg);
}
