/* log — one line per event on stderr, for the programs' top layer only
 * (libraries return errors; they never print). Format:
 *   2026-11-25T10:15:00.123Z tasdid-intake INFO message
 * so that journald, a file or a terminal can all take it as it is. */
#ifndef TASDID_LOG_H
#define TASDID_LOG_H

enum log_level { LOG_LEVEL_DEBUG, LOG_LEVEL_INFO, LOG_LEVEL_WARN, LOG_LEVEL_ERROR };

/* Name that prefixes each line ("tasdid-intake"); the string is borrowed
 * and must outlive logging. Set once at start. */
void log_set_program(const char *name);

/* Lines below level are dropped (default INFO). */
void log_set_level(enum log_level level);

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)

#endif
