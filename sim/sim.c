/* sim — see sim.h. */
#include "sim.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "errstr.h"
#include "intopt.h"

#define SIM_TERMINALS_MAX 100000

const char *sim_option_name(const struct option *longopts, int c)
{
	for (; longopts->name != NULL; longopts++)
		if (longopts->val == c)
			return longopts->name;
	return "?";
}

int sim_parse_url(const char *url, char *host, size_t host_size, int *ret_port,
		  char *errstr, size_t errstr_size)
{
	const char *p = url;
	if (strncmp(p, "http://", 7) == 0)
		p += 7;
	size_t authority_len = strcspn(p, "/");
	const char *colon = memchr(p, ':', authority_len);
	size_t host_len = colon ? (size_t)(colon - p) : authority_len;
	int64_t port = 80;
	char port_text[8] = "";
	if (colon != NULL) {
		size_t port_len = authority_len - host_len - 1;
		if (port_len >= sizeof(port_text))
			port_len = sizeof(port_text) - 1; /* then fails to parse */
		memcpy(port_text, colon + 1, port_len);
		port_text[port_len] = '\0';
	}
	if (host_len == 0 || host_len >= host_size ||
	    (colon != NULL && intopt_parse(port_text, 1, 65535, &port) < 0)) {
		errstr_set(errstr, errstr_size, "bad URL %s (want http://HOST:PORT)", url);
		return -1;
	}
	memcpy(host, p, host_len);
	host[host_len] = '\0';
	if (strcmp(host, "localhost") == 0)
		snprintf(host, host_size, "127.0.0.1");
	*ret_port = (int)port;
	return 0;
}

int sim_load_terminals(const char *path, struct load_terminal **ret,
		       size_t *ret_count, char *errstr, size_t errstr_size)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		errstr_set(errstr, errstr_size, "%s: %s", path, strerror(errno));
		return -1;
	}
	struct load_terminal *arr = NULL;
	size_t n = 0, cap = 0;
	char line[512];
	int lineno = 0, rc = -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		char *bank = strtok(line, ","), *term = strtok(NULL, ","),
		     *token = strtok(NULL, ",");
		if (bank == NULL || term == NULL || token == NULL ||
		    strlen(bank) > INTENT_BANK_MAX || strlen(term) > INTENT_TERMINAL_MAX ||
		    strlen(token) > LOAD_TOKEN_MAX || n == SIM_TERMINALS_MAX) {
			errstr_set(errstr, errstr_size, "%s:%d: want bank,terminal,token", path, lineno);
			goto out;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			struct load_terminal *a = realloc(arr, cap * sizeof(*a));
			if (a == NULL) {
				errstr_set(errstr, errstr_size, "out of memory");
				goto out;
			}
			arr = a;
		}
		snprintf(arr[n].bank, sizeof(arr[n].bank), "%s", bank);
		snprintf(arr[n].terminal, sizeof(arr[n].terminal), "%s", term);
		snprintf(arr[n].token, sizeof(arr[n].token), "%s", token);
		n++;
	}
	if (n == 0) {
		errstr_set(errstr, errstr_size, "%s: no terminals", path);
		goto out;
	}
	*ret = arr;
	*ret_count = n;
	arr = NULL;
	rc = 0;
out:
	free(arr);
	fclose(f);
	return rc;
}

int sim_billers_from_config(const struct config *cfg, struct load_opts *o,
			    char *errstr, size_t errstr_size)
{
	size_t n = config_biller_count(cfg);
	if (n == 0 || n > LOAD_BILLERS_MAX) {
		errstr_set(errstr, errstr_size, "the config needs 1-%d billers", LOAD_BILLERS_MAX);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const struct config_biller *b = config_biller_at(cfg, i);
		o->biller_ids[i] = b->id;
		o->currencies[i] = b->currency;
	}
	o->biller_count = (int)n;
	return 0;
}

void sim_print_load_result(FILE *out, const struct load_result *r)
{
	int64_t secs_ms = r->elapsed_ms > 0 ? r->elapsed_ms : 1;
	fprintf(out,
		"intents:   %" PRId64 " generated, %" PRId64 " accepted (202), %" PRId64
		" rejected (4xx), %" PRId64 " given up\n"
		"requests:  %" PRId64 " sent, %" PRId64 " retries of the same intent, "
		"%" PRId64 " connection errors\n"
		"responses: 202 %" PRId64 ", 503 %" PRId64 ", 4xx %" PRId64 ", other %" PRId64 "\n"
		"rate:      %" PRId64 " accepted intents/s, %" PRId64 " requests/s over %" PRId64 " ms\n"
		"latency:   p50 %" PRId64 ".%03" PRId64 " ms, p90 %" PRId64 ".%03" PRId64
		" ms, p99 %" PRId64 ".%03" PRId64 " ms, max %" PRId64 ".%03" PRId64 " ms\n",
		r->intents_generated, r->intents_accepted, r->intents_rejected,
		r->intents_gave_up, r->requests_sent, r->retries, r->connection_errors,
		r->responses_202, r->responses_503, r->responses_4xx, r->responses_other,
		r->intents_accepted * 1000 / secs_ms, r->requests_sent * 1000 / secs_ms,
		r->elapsed_ms, r->latency_us_p50 / 1000, r->latency_us_p50 % 1000,
		r->latency_us_p90 / 1000, r->latency_us_p90 % 1000,
		r->latency_us_p99 / 1000, r->latency_us_p99 % 1000,
		r->latency_us_max / 1000, r->latency_us_max % 1000);
}

int sim_write_load_json(const char *path, const struct load_result *r)
{
	json_t *o = json_pack(
		"{sI sI sI sI sI sI sI sI sI sI sI sI sI sI sI sI}",
		"intents_generated", (json_int_t)r->intents_generated,
		"intents_accepted", (json_int_t)r->intents_accepted,
		"intents_rejected", (json_int_t)r->intents_rejected,
		"intents_gave_up", (json_int_t)r->intents_gave_up,
		"requests_sent", (json_int_t)r->requests_sent,
		"retries", (json_int_t)r->retries,
		"connection_errors", (json_int_t)r->connection_errors,
		"responses_202", (json_int_t)r->responses_202,
		"responses_503", (json_int_t)r->responses_503,
		"responses_4xx", (json_int_t)r->responses_4xx,
		"responses_other", (json_int_t)r->responses_other,
		"elapsed_ms", (json_int_t)r->elapsed_ms,
		"latency_us_p50", (json_int_t)r->latency_us_p50,
		"latency_us_p90", (json_int_t)r->latency_us_p90,
		"latency_us_p99", (json_int_t)r->latency_us_p99,
		"latency_us_max", (json_int_t)r->latency_us_max);
	if (o == NULL)
		return -1;
	int rc = json_dump_file(o, path, JSON_SORT_KEYS | JSON_INDENT(2));
	json_decref(o);
	return rc;
}
