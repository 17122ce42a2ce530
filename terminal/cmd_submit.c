/* tasdid submit — send a terminal's batch file (schemas/csv-formats.md (c))
 * to the intake's batch endpoint (docs/terminal.md#batch-files). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <jansson.h>

#include "batchfile.h"
#include "commands.h"
#include "config.h"
#include "csvout.h"
#include "forward.h"
#include "httpc.h"
#include "intopt.h"
#include "timeutil.h"
#include "errstr.h"

#define SUBMIT_ATTEMPTS_MAX 20

static void submit_usage(FILE *out)
{
	fprintf(out,
		"usage: tasdid submit FILE -c CONFIG --bank B --terminal T --token-file F\n"
		"                     [--url http://HOST:PORT] [--attempts N]\n"
		"                     [--timeout-ms MS] [--rejects PATH]\n"
		"\n"
		"Sends a terminal's batch file (CSV, schemas/csv-formats.md (c)) to\n"
		"the intake's POST /v1/intents/batch. Prints one line per row:\n"
		"LINE accepted INTENT_ID, or LINE rejected FIELD: REASON; rejected rows\n"
		"go to FILE.rejects.csv (line,idempotency_key,field,reason). The whole\n"
		"request is retried on 503 and connection errors (--attempts, default 5,\n"
		"with back-off). Re-running the same file creates no duplicates: the\n"
		"same key and paid_at give the same intent id.\n"
		"\n"
		"  --url URL   the intake (default http://[intake] listen:[intake] port)\n"
		"\n"
		"Exit 0 when every row was accepted, 1 otherwise (or the file was\n"
		"refused), 2 for a usage error.\n");
}

struct row_result {
	int status; /* 0: not decided yet (to send) */
	char id[INTENT_ID_LEN + 1];
	char field[40];
	char reason[200];
};

struct submit {
	const char *file, *config, *bank, *terminal, *token_file, *url, *rejects;
	int64_t attempts, timeout_ms;
	struct httpc_url u;
	char token[600];
	struct batchfile *bf;
	json_t **obj;          /* per row, NULL when refused locally */
	struct row_result *res;
};

static void refuse(struct row_result *r, int status, const char *field,
		   const char *reason)
{
	r->status = status;
	snprintf(r->field, sizeof(r->field), "%s", field);
	snprintf(r->reason, sizeof(r->reason), "%s", reason);
}

/* Local checks: the row's terminal must be the caller's; the intent valid. */
static void check_rows(struct submit *s)
{
	for (size_t i = 0; i < batchfile_count(s->bf); i++) {
		const struct batchfile_row *row = batchfile_row(s->bf, i);
		struct intent in;
		struct intent_error e;
		if (batchfile_row_intent(row, s->bank, &s->obj[i], &in, &e) < 0)
			refuse(&s->res[i], 422, e.field, e.reason);
		else if (strcmp(in.terminal, s->terminal) != 0) {
			refuse(&s->res[i], 403, "terminal", "not the submitting terminal");
			json_decref(s->obj[i]);
			s->obj[i] = NULL;
		}
	}
}

/* Apply a 200 answer for the rows in idx[0..n). -1 when malformed. */
static int apply_answer(struct submit *s, const struct httpc_response *a,
			const size_t *idx, size_t n)
{
	json_t *root = json_loadb(a->body, a->body_len,
				  JSON_REJECT_DUPLICATES, NULL);
	json_t *arr = json_object_get(root, "results");
	int rc = -1;
	if (!json_is_array(arr) || json_array_size(arr) != n)
		goto out;
	for (size_t k = 0; k < n; k++) {
		json_int_t st = 0;
		const char *id = NULL, *field = "$", *why = "";
		if (json_unpack(json_array_get(arr, k), "{s:I, s?s, s?{s?s, s?s}}",
				"status", &st, "intent_id", &id, "error", "field",
				&field, "reason", &why) < 0)
			goto out;
		struct row_result *r = &s->res[idx[k]];
		if (st == 202 && id != NULL && strlen(id) == INTENT_ID_LEN) {
			r->status = 202;
			memcpy(r->id, id, INTENT_ID_LEN + 1);
		} else if (st != 503) {
			refuse(r, (int)st, field, why);
		}
	}
	rc = 0;
out:
	json_decref(root);
	return rc;
}

/* One request with every undecided row. Returns 1 when the rows still
 * undecided should be retried, 0 when done. */
static int attempt(struct submit *s, int64_t *ret_retry_after_s, char *why,
		   size_t why_size)
{
	size_t n = 0, total = batchfile_count(s->bf);
	size_t *idx = calloc(total, sizeof(*idx));
	json_t *arr = json_array();
	for (size_t i = 0; i < total; i++)
		if (s->res[i].status == 0) {
			idx[n++] = i;
			json_array_append(arr, s->obj[i]);
		}
	if (n == 0) { /* every row was refused locally */
		json_decref(arr);
		free(idx);
		return 0;
	}
	json_t *root = json_pack("{s:o}", "intents", arr);
	char *body = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	char auth[700];
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s\r\n", s->token);
	struct httpc_response a = {0};
	int again = 1;
	*ret_retry_after_s = -1;
	if (httpc_request(&s->u, "POST", "/v1/intents/batch", auth, body,
			  strlen(body), s->timeout_ms, &a, why, why_size) == 0) {
		*ret_retry_after_s = a.retry_after_s;
		snprintf(why, why_size, "HTTP %d: %.150s", a.status, a.body);
		if (a.status == 200 && apply_answer(s, &a, idx, n) == 0) {
			again = 0;
			for (size_t k = 0; k < n; k++)
				again |= s->res[idx[k]].status == 0;
		} else if (a.status != 503) {
			for (size_t k = 0; k < n; k++) /* 401, 413, …: no retry helps */
				refuse(&s->res[idx[k]], a.status, "$", why);
			again = 0;
		}
	}
	httpc_response_free(&a);
	free(body);
	json_decref(root);
	free(idx);
	return again;
}

static void send_rows(struct submit *s)
{
	char why[256] = "";
	int64_t retry_after_s;
	for (int k = 1; k <= s->attempts; k++) {
		if (attempt(s, &retry_after_s, why, sizeof(why)) == 0)
			return;
		fprintf(stderr, "tasdid submit: attempt %d: %s\n", k, why);
		if (k == s->attempts)
			break;
		uint32_t rnd = 0;
		if (getrandom(&rnd, sizeof(rnd), 0) < 0)
			rnd = (uint32_t)time_mono_ms();
		usleep((useconds_t)forward_backoff_ms(k, 200, 5000, retry_after_s, rnd) * 1000);
	}
	for (size_t i = 0; i < batchfile_count(s->bf); i++)
		if (s->res[i].status == 0)
			refuse(&s->res[i], 503, "$", "not delivered, send the file again");
}

static const char *const rejects_header[] = {"line", "idempotency_key",
					     "field", "reason"};

/* Print every row's outcome; write the rejects file. Returns rejects. */
static size_t report(struct submit *s)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s", s->rejects);
	size_t rejected = 0, total = batchfile_count(s->bf);
	FILE *f = NULL;
	for (size_t i = 0; i < total; i++) {
		const struct batchfile_row *row = batchfile_row(s->bf, i);
		const struct row_result *r = &s->res[i];
		if (r->status == 202) {
			printf("%lld accepted %s\n", (long long)row->line, r->id);
			continue;
		}
		printf("%lld rejected %s: %s\n", (long long)row->line, r->field, r->reason);
		if (rejected++ == 0 && (f = fopen(path, "w")) != NULL)
			csvout_header(f, rejects_header, 4);
		if (f != NULL) {
			/* The report writers' cells: a key, field or reason
			 * that starts like a formula is neutralised. */
			char line[24];
			snprintf(line, sizeof(line), "%lld", (long long)row->line);
			csvout_plain(f, line, false);
			csvout_text(f, row->field[0], false);
			csvout_text(f, r->field, false);
			csvout_text(f, r->reason, true);
		}
	}
	if (f != NULL && fclose(f) != 0)
		fprintf(stderr, "tasdid submit: cannot write %s\n", path);
	if (rejected == 0)
		unlink(path); /* an older run's rejects no longer apply */
	fprintf(stderr, "tasdid submit: %s: %zu rows, %zu accepted, %zu rejected%s%s\n",
		s->file, total, total - rejected, rejected, rejected ? " → " : "",
		rejected ? path : "");
	return rejected;
}

static int parse_args(int argc, char **argv, struct submit *s)
{
	static const struct option lo[] = {
		{"config", required_argument, NULL, 'c'},
		{"bank", required_argument, NULL, 'B'},
		{"terminal", required_argument, NULL, 'T'},
		{"token-file", required_argument, NULL, 't'},
		{"url", required_argument, NULL, 'u'},
		{"attempts", required_argument, NULL, 'a'},
		{"timeout-ms", required_argument, NULL, 'm'},
		{"rejects", required_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int c;
	while ((c = getopt_long(argc, argv, "c:h", lo, NULL)) != -1) {
		switch (c) {
		case 'c': s->config = optarg; break;
		case 'B': s->bank = optarg; break;
		case 'T': s->terminal = optarg; break;
		case 't': s->token_file = optarg; break;
		case 'u': s->url = optarg; break;
		/* Out of range or not a number: 0, refused below. */
		case 'a':
			if (intopt_parse(optarg, 1, SUBMIT_ATTEMPTS_MAX,
					 &s->attempts) < 0)
				s->attempts = 0;
			break;
		case 'm':
			if (intopt_parse(optarg, 100, 600000, &s->timeout_ms) < 0)
				s->timeout_ms = 0;
			break;
		case 'r': s->rejects = optarg; break;
		case 'h': submit_usage(stdout); return 0;
		default: submit_usage(stderr); return 2;
		}
	}
	if (optind != argc - 1 || !s->config || !s->bank || !s->terminal ||
	    !s->token_file || s->attempts < 1 || s->attempts > SUBMIT_ATTEMPTS_MAX ||
	    s->timeout_ms < 100 || s->timeout_ms > 600000) {
		submit_usage(stderr);
		return 2;
	}
	s->file = argv[optind];
	return -1;
}

/* Config, URL and token. */
static int prepare(struct submit *s, char *url_buf, size_t url_size,
		   char *err, size_t err_size)
{
	struct config *cfg = NULL;
	if (config_load(s->config, &cfg, err, err_size) < 0)
		return -1;
	if (s->url == NULL) {
		snprintf(url_buf, url_size, "http://%s:%s",
			 config_get_str(cfg, "intake", "listen", "127.0.0.1"),
			 config_get_str(cfg, "intake", "port", "8080"));
		s->url = url_buf;
	}
	config_free(cfg);
	if (httpc_url_parse(s->url, &s->u, err, err_size) < 0)
		return -1;
	FILE *f = fopen(s->token_file, "r");
	if (f == NULL || fgets(s->token, sizeof(s->token), f) == NULL ||
	    (s->token[strcspn(s->token, "\r\n")] = '\0', s->token[0] == '\0')) {
		errstr_set(err, err_size, "%s: no token", s->token_file);
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

int cmd_submit(int argc, char **argv)
{
	struct submit s = {.attempts = 5, .timeout_ms = 30000};
	int rc = parse_args(argc, argv, &s);
	if (rc >= 0)
		return rc;
	char err[1024], url[600], rejects[4096];
	struct batchfile_error fe;
	if (prepare(&s, url, sizeof(url), err, sizeof(err)) < 0) {
		fprintf(stderr, "tasdid submit: %s\n", err);
		return 1;
	}
	if (s.rejects == NULL) {
		snprintf(rejects, sizeof(rejects), "%s.rejects.csv", s.file);
		s.rejects = rejects;
	}
	if (batchfile_read(s.file, &s.bf, &fe) < 0) {
		fprintf(stderr, "tasdid submit: %s:%lld: %s (nothing sent)\n", s.file,
			(long long)fe.line, fe.reason);
		return 1;
	}
	size_t n = batchfile_count(s.bf);
	s.obj = calloc(n, sizeof(*s.obj));
	s.res = calloc(n, sizeof(*s.res));
	rc = 1;
	if (s.obj != NULL && s.res != NULL) {
		check_rows(&s);
		send_rows(&s);
		rc = report(&s) == 0 ? 0 : 1;
	}
	for (size_t i = 0; s.obj != NULL && i < n; i++)
		json_decref(s.obj[i]);
	free(s.obj);
	free(s.res);
	batchfile_free(s.bf);
	return rc;
}
