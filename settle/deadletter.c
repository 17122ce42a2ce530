/* deadletter — see deadletter.h. */
#include "deadletter.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "errstr.h"

static int biller_idx(const struct config *cfg, const char *id)
{
	for (size_t i = 0; id != NULL && i < config_biller_count(cfg); i++)
		if (strcmp(config_biller_at(cfg, i)->id, id) == 0)
			return (int)i;
	return -1;
}

/* One line into *d; 0, or -1 with errstr. */
static int parse_line(const struct config *cfg, const char *line, size_t len,
		      const char *name, long line_no, struct deadletter *d,
		      char *errstr, size_t errstr_size)
{
	/* A member given twice (two "account"s) would let this report and
	 * another reader of the same line disagree on who is protected. */
	json_error_t jerr;
	json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (o == NULL && json_error_code(&jerr) == json_error_duplicate_key) {
		errstr_set(errstr, errstr_size, "%s:%ld: a member is given "
			   "twice (%s)", name, line_no, jerr.text);
		return -1;
	}
	json_t *src = json_is_object(json_object_get(o, "intent"))
			      ? json_object_get(o, "intent") : o;
	const char *biller = json_string_value(json_object_get(src, "biller"));
	const char *account = json_string_value(json_object_get(src, "account"));
	int k = biller_idx(cfg, biller);
	int rc = -1;
	if (account == NULL || k < 0)
		errstr_set(errstr, errstr_size, "%s:%ld: not a JSON object with a "
			   "configured \"biller\" and an \"account\"", name, line_no);
	else if (account[0] == '\0' || strlen(account) > INTENT_ACCOUNT_MAX)
		errstr_set(errstr, errstr_size, "%s:%ld: \"account\" must be 1 to "
			   "%d bytes", name, line_no, INTENT_ACCOUNT_MAX);
	else {
		d->biller = (size_t)k;
		snprintf(d->account, sizeof(d->account), "%s", account);
		rc = 0;
	}
	json_decref(o);
	return rc;
}

int deadletter_read_stream(const struct config *cfg, FILE *f,
			   const char *name, struct deadletter **ret,
			   size_t *ret_count, char *errstr, size_t errstr_size)
{
	assert(cfg != NULL && f != NULL && name != NULL && ret != NULL &&
	       ret_count != NULL);
	struct deadletter *all = NULL;
	size_t count = 0, cap = 0;
	char *line = NULL;
	size_t line_cap = 0;
	long line_no = 0;
	ssize_t len;
	int rc = 0;
	while (rc == 0 && (len = getline(&line, &line_cap, f)) > 0) {
		line_no++;
		if (count == DEADLETTER_LINES_MAX) {
			errstr_set(errstr, errstr_size, "%s:%ld: more than %d dead "
				   "letters", name, line_no, DEADLETTER_LINES_MAX);
			rc = -1;
		} else if (count == cap) {
			cap = cap ? cap * 2 : 64;
			struct deadletter *na = realloc(all, cap * sizeof(*all));
			if (na == NULL) {
				errstr_set(errstr, errstr_size, "out of memory");
				rc = -1;
				break;
			}
			all = na;
		}
		if (rc == 0)
			rc = parse_line(cfg, line, (size_t)len, name, line_no,
					&all[count++], errstr, errstr_size);
	}
	if (rc == 0 && ferror(f)) {
		errstr_set(errstr, errstr_size, "%s:%ld: read error", name, line_no);
		rc = -1;
	}
	free(line);
	if (rc < 0) {
		free(all);
		return -1;
	}
	*ret = all;
	*ret_count = count;
	return 0;
}

int deadletter_read_file(const struct config *cfg, const char *path,
			 struct deadletter **ret, size_t *ret_count,
			 char *errstr, size_t errstr_size)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		errstr_set(errstr, errstr_size, "%s: %s", path, strerror(errno));
		return -1;
	}
	int rc = deadletter_read_stream(cfg, f, path, ret, ret_count, errstr,
					errstr_size);
	fclose(f);
	return rc;
}
