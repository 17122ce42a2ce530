/* forward — see forward.h. */
#include "forward.h"

#include <assert.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "errstr.h"

int64_t forward_backoff_ms(int failures, int64_t base_ms, int64_t max_ms,
			   int64_t retry_after_s, uint32_t rnd)
{
	assert(failures >= 1 && base_ms > 0 && base_ms <= max_ms);
	int shift = failures - 1 > FORWARD_BACKOFF_SHIFT_MAX
			    ? FORWARD_BACKOFF_SHIFT_MAX : failures - 1;
	int64_t e = max_ms >> shift < base_ms ? max_ms : base_ms << shift;
	int64_t lo = e - e / 2; /* ceil(e / 2) */
	int64_t d = lo + (int64_t)(rnd % (uint64_t)(e - lo + 1));
	if (retry_after_s > FORWARD_RETRY_AFTER_MAX_S)
		retry_after_s = FORWARD_RETRY_AFTER_MAX_S;
	if (retry_after_s > 0 && d < retry_after_s * 1000)
		d = retry_after_s * 1000;
	return d;
}

/* One result item into *r. */
static int map_item(json_t *item, size_t i, const struct spool_entry *e,
		    struct spool_result *r, char *reason, char *id)
{
	json_int_t index = -1, status = 0;
	const char *iid = NULL, *field = "$", *why = "";
	if (json_unpack(item, "{s:I, s:I, s?s, s?{s?s, s?s}}", "index", &index,
			"status", &status, "intent_id", &iid, "error", "field",
			&field, "reason", &why) < 0 ||
	    index != (json_int_t)i)
		return -1;
	*r = (struct spool_result){.receipt_no = e->receipt_no, .status = (int)status};
	if (status == 202) {
		if (iid == NULL || strlen(iid) != INTENT_ID_LEN)
			return -1;
		memcpy(id, iid, INTENT_ID_LEN + 1);
		r->outcome = SPOOL_OUTCOME_ACKED;
		r->intent_id = id;
		return 0;
	}
	snprintf(reason, SPOOL_REASON_MAX + 1, "%d %s: %s", (int)status, field, why);
	r->reason = reason;
	r->outcome = status == 400 || status == 409 || status == 422
			     ? SPOOL_OUTCOME_REJECTED : SPOOL_OUTCOME_RETRY;
	return 0;
}

int forward_map_answer(const char *body, size_t len,
		       const struct spool_entry *entries, size_t n,
		       struct spool_result *res,
		       char (*reasons)[SPOOL_REASON_MAX + 1],
		       char (*ids)[INTENT_ID_LEN + 1])
{
	json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
	json_t *arr = json_object_get(root, "results");
	int rc = -1;
	if (!json_is_array(arr) || json_array_size(arr) != n)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (map_item(json_array_get(arr, i), i, &entries[i], &res[i],
			     reasons[i], ids[i]) < 0)
			goto out;
	rc = 0;
out:
	json_decref(root);
	return rc;
}

/* {"intents":[…]} from the entries, as the terminal first wrote them. */
static char *batch_body(const struct spool_entry *e, size_t n, size_t *ret_len)
{
	size_t cap = 16 + n * (INTENT_JSON_MAX + 1), len = 0;
	char *b = malloc(cap);
	if (b == NULL)
		return NULL;
	len += (size_t)snprintf(b, cap, "{\"intents\":[");
	for (size_t i = 0; i < n; i++) {
		struct intent in = e[i].in;
		in.intent_id[0] = '\0'; /* a terminal never sends it */
		if (i > 0)
			b[len++] = ',';
		int k = intent_encode(&in, b + len, cap - len);
		assert(k > 0);
		len += (size_t)k;
	}
	len += (size_t)snprintf(b + len, cap - len, "]}");
	*ret_len = len;
	return b;
}

/* Fill res with one outcome for every entry. */
static void all_retry(const struct spool_entry *e, size_t n, int status,
		      const char *why, struct spool_result *res)
{
	for (size_t i = 0; i < n; i++)
		res[i] = (struct spool_result){.receipt_no = e[i].receipt_no,
					       .outcome = SPOOL_OUTCOME_RETRY,
					       .status = status, .reason = why};
}

static void count(struct forward_round *r, const struct spool_result *res,
		  size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (res[i].outcome == SPOOL_OUTCOME_ACKED)
			r->acked++;
		else if (res[i].outcome == SPOOL_OUTCOME_REJECTED)
			r->rejected++;
		else
			r->retry++;
	}
	r->failed = r->retry > 0;
}

/* Send e[0..n) and decide each outcome into res; sets r's request fields. */
static void exchange(const struct forward_opts *o, const struct spool_entry *e,
		     size_t n, struct spool_result *res,
		     char (*reasons)[SPOOL_REASON_MAX + 1],
		     char (*ids)[INTENT_ID_LEN + 1], struct forward_round *r)
{
	size_t len;
	char *body = batch_body(e, n, &len);
	char auth[600];
	struct httpc_response a = {0};
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s\r\n", o->token);
	if (body == NULL) {
		snprintf(r->error, sizeof(r->error), "out of memory");
	} else if (httpc_request(&o->url, "POST", "/v1/intents/batch", auth, body,
				 len, o->timeout_ms, &a, r->error,
				 sizeof(r->error)) == 0) {
		r->status = a.status;
		r->retry_after_s = a.retry_after_s;
		if (a.status != 200)
			snprintf(r->error, sizeof(r->error), "HTTP %d: %.200s",
				 a.status, a.body);
		else if (forward_map_answer(a.body, a.body_len, e, n, res, reasons,
					    ids) < 0)
			snprintf(r->error, sizeof(r->error),
				 "malformed batch answer: %.200s", a.body);
	}
	if (r->error[0] != '\0')
		all_retry(e, n, r->status, r->error, res);
	httpc_response_free(&a);
	free(body);
}

int forward_round(struct spool *sp, const struct forward_opts *o,
		  int64_t now_ms, struct forward_round *ret, char *errstr,
		  size_t errstr_size)
{
	static int64_t answers; /* for test_kill_after_answers */
	assert(o->batch_max >= 1 && o->batch_max <= FORWARD_BATCH_MAX);
	struct spool_entry e[FORWARD_BATCH_MAX];
	struct spool_result res[FORWARD_BATCH_MAX];
	char reasons[FORWARD_BATCH_MAX][SPOOL_REASON_MAX + 1];
	char ids[FORWARD_BATCH_MAX][INTENT_ID_LEN + 1];
	struct forward_round r = {.retry_after_s = -1};
	size_t n = 0;
	int64_t nos[FORWARD_BATCH_MAX];
	if (spool_pending(sp, e, o->batch_max, &n, errstr, errstr_size) < 0)
		return -1;
	if (n == 0) {
		*ret = r;
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		nos[i] = e[i].receipt_no;
	if (spool_mark_sent(sp, nos, n, now_ms, errstr, errstr_size) < 0)
		return -1;
	r.sent = n;
	exchange(o, e, n, res, reasons, ids, &r);
	if (r.status != 0 && o->test_kill_after_answers > 0 &&
	    ++answers >= o->test_kill_after_answers)
		raise(SIGKILL);
	count(&r, res, n);
	r.failed = r.failed || r.error[0] != '\0';
	if (spool_record(sp, res, n, now_ms, errstr, errstr_size) < 0)
		return -1;
	*ret = r;
	return 0;
}
