/* report_model — see report_model.h. */
#include "report_model.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "errstr.h"
#include "sortutil.h"

struct report_model {
	const struct report_input *in;
	struct report_counts counts;
	enum report_status status;
	struct report_pair *pairs;
	size_t pair_count;
	size_t *billers;  /* config biller indices in id order */
	size_t biller_count;
};

const char *report_status_name(enum report_status status)
{
	switch (status) {
	case REPORT_BALANCED: return "balanced";
	case REPORT_DISCREPANCIES: return "discrepancies";
	case REPORT_INCOMPLETE: return "incomplete";
	}
	assert(0);
	return "";
}

const char *report_pair_status_name(enum report_pair_status status)
{
	switch (status) {
	case REPORT_PAIR_BALANCED: return "balanced";
	case REPORT_PAIR_DIFFERENCES: return "differences";
	case REPORT_PAIR_NO_FILE: return "no_file";
	}
	assert(0);
	return "";
}

const char *report_money(int64_t minor, const struct currency *cur,
			 char buf[MONEY_TEXT_MAX])
{
	/* MONEY_TEXT_MAX holds any int64 in any exponent: cannot fail. */
	int rc = money_format(minor, cur, buf, MONEY_TEXT_MAX);
	assert(rc >= 0);
	(void)rc;
	return buf;
}

void report_count(const struct report_input *in, struct report_counts *ret)
{
	memset(ret, 0, sizeof(*ret));
	const struct config *cfg = in->cfg;
	for (size_t b = 0; b < config_bank_count(cfg); b++)
		for (size_t k = 0; k < config_biller_count(cfg); k++) {
			const struct recon_total *t = recon_total_at(in->recon, (int)b, (int)k);
			ret->matched += t->matched_count;
			ret->matched_by_rule += t->matched_by_rule_count;
		}
	size_t n = recon_finding_count(in->recon);
	for (size_t i = 0; i < n; i++) {
		enum recon_kind kind = recon_finding_at(in->recon, i)->kind;
		ret->kind[kind]++;
		ret->discrepancies += recon_kind_is_discrepancy(kind);
	}
	for (size_t i = 0; i < in->file_count; i++)
		if (in->files[i].problem[0] != '\0')
			ret->file_problems++;
	ret->discrepancies += ret->file_problems;
	for (size_t k = 0; k < config_biller_count(cfg); k++) {
		const struct grace *g = in->grace[k];
		for (size_t i = 0; i < grace_row_count(g); i++) {
			const struct grace_row *row = grace_row_at(g, i);
			ret->grace_rows++;
			ret->grace_reason[row->reason]++;
			ret->grace_follow_up += row->follow_up;
			ret->grace_fees_waived += row->fee_waived;
		}
	}
}

struct id_index {
	const char *id;
	size_t index; /* in the config */
};

static int by_id(const void *a, const void *b)
{
	return strcmp(((const struct id_index *)a)->id,
		      ((const struct id_index *)b)->id);
}

/* Config indices of the banks (or billers) of cfg in ascending id order
 * into out (room for their count). Ids are unique (the config refuses a
 * section given twice), so the order is total. Returns the count, or -1
 * when out of memory. */
static ssize_t sorted_ids(const struct config *cfg, bool banks, size_t *out)
{
	size_t n = banks ? config_bank_count(cfg) : config_biller_count(cfg);
	struct id_index *v = calloc(n + 1, sizeof(*v));
	if (v == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		v[i] = (struct id_index){
			banks ? config_bank_at(cfg, i)->id : config_biller_at(cfg, i)->id, i};
	sort_items(v, n, sizeof(*v), by_id);
	for (size_t i = 0; i < n; i++)
		out[i] = v[i].index;
	free(v);
	return (ssize_t)n;
}

/* The derived amounts of *p from its totals; -1 with errstr on overflow
 * (each operand is a checked int64 sum, their difference may not be). */
static int derive(struct report_pair *p, char *errstr, size_t errstr_size)
{
	const struct recon_total *t = p->total;
	for (int kd = 0; kd < RECON_KIND_COUNT; kd++)
		if (recon_kind_is_discrepancy((enum recon_kind)kd))
			p->discrepancy_count += t->kind_count[kd];
	if (money_sub(t->bank_minor, t->ledger_minor, &p->difference_minor) < 0 ||
	    money_add(t->matched_minor, t->matched_by_rule_minor, &p->agreed_minor) < 0 ||
	    money_sub(t->bank_minor, p->agreed_minor, &p->disputed_minor) < 0) {
		errstr_set(errstr, errstr_size, "bank %s, biller %s: an amount "
			   "derived from the totals is beyond int64 minor units",
			   p->bank->id, p->biller->id);
		return -1;
	}
	/* "balanced" must mean what a reader takes it to mean: the two sides
	 * agree line for line and in total. Lines matched to a posting of
	 * another business date are no discrepancy, but their amounts are in
	 * bank_minor and not in ledger_minor (the window's postings): such a
	 * pair shows its difference as "differences". */
	p->status = !t->reconciled ? REPORT_PAIR_NO_FILE
		  : p->discrepancy_count == 0 && p->difference_minor == 0
			? REPORT_PAIR_BALANCED : REPORT_PAIR_DIFFERENCES;
	return 0;
}

static int build_pairs(struct report_model *m, char *errstr, size_t errstr_size)
{
	const struct config *cfg = m->in->cfg;
	size_t nb = config_bank_count(cfg), nk = config_biller_count(cfg);
	assert(nk == 0 || nb < SIZE_MAX / nk);
	size_t *banks = calloc(nb + 1, sizeof(*banks));
	m->billers = calloc(nk + 1, sizeof(*m->billers));
	m->pairs = calloc(nb * nk + 1, sizeof(*m->pairs));
	int rc = -1;
	if (banks == NULL || m->billers == NULL || m->pairs == NULL ||
	    sorted_ids(cfg, true, banks) < 0 ||
	    sorted_ids(cfg, false, m->billers) < 0) {
		errstr_set(errstr, errstr_size, "reports: out of memory");
		goto out;
	}
	m->biller_count = nk;
	for (size_t i = 0; i < nb; i++)
		for (size_t k = 0; k < nk; k++) {
			struct report_pair *p = &m->pairs[m->pair_count++];
			p->bank = config_bank_at(cfg, banks[i]);
			p->biller = config_biller_at(cfg, m->billers[k]);
			p->total = recon_total_at(m->in->recon, (int)banks[i],
						  (int)m->billers[k]);
			if (derive(p, errstr, errstr_size) < 0)
				goto out;
		}
	rc = 0;
out:
	free(banks);
	return rc;
}

int report_model_new(const struct report_input *in, struct report_model **ret,
		     char *errstr, size_t errstr_size)
{
	struct report_model *m = calloc(1, sizeof(*m));
	if (m == NULL) {
		errstr_set(errstr, errstr_size, "reports: out of memory");
		return -1;
	}
	m->in = in;
	report_count(in, &m->counts);
	m->status = in->exit_code == 0 ? REPORT_BALANCED
		  : !in->complete ? REPORT_INCOMPLETE : REPORT_DISCREPANCIES;
	if (build_pairs(m, errstr, errstr_size) < 0) {
		report_model_free(m);
		return -1;
	}
	*ret = m;
	return 0;
}

void report_model_free(struct report_model *m)
{
	if (m == NULL)
		return;
	free(m->pairs);
	free(m->billers);
	free(m);
}

const struct report_input *report_model_input(const struct report_model *m)
{
	return m->in;
}

const struct report_counts *report_model_counts(const struct report_model *m)
{
	return &m->counts;
}

enum report_status report_model_status(const struct report_model *m)
{
	return m->status;
}

size_t report_model_pair_count(const struct report_model *m)
{
	return m->pair_count;
}

const struct report_pair *report_model_pair_at(const struct report_model *m,
					       size_t i)
{
	assert(i < m->pair_count);
	return &m->pairs[i];
}

size_t report_model_biller_count(const struct report_model *m)
{
	return m->biller_count;
}

size_t report_model_biller_at(const struct report_model *m, size_t i)
{
	assert(i < m->biller_count);
	return m->billers[i];
}
