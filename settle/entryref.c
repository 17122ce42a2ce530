/* entryref — see entryref.h. The patterns are POSIX EREs (regcomp, libc):
 * operators know them from grep -E, and no dependency is needed. */
#include "entryref.h"

#include <assert.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entryref {
	const struct config_bankfile *map;
	regex_t intent, account, invoice;
	bool has_intent, has_account, has_invoice;
};

static int compile(regex_t *re, bool *has, const char *pattern,
		   const char *key, char *errstr, size_t n)
{
	if (pattern[0] == '\0')
		return 0;
	int rc = regcomp(re, pattern, REG_EXTENDED);
	if (rc != 0) { /* config_load compiled it already: out of memory */
		char why[128];
		regerror(rc, re, why, sizeof(why));
		snprintf(errstr, n, "%s: %s", key, why);
		return -1;
	}
	*has = true;
	return 0;
}

int entryref_new(const struct config_bankfile *map, struct entryref **ret,
		 char *errstr, size_t errstr_size)
{
	assert(map != NULL);
	struct entryref *er = calloc(1, sizeof(*er));
	if (er == NULL) {
		snprintf(errstr, errstr_size, "out of memory");
		return -1;
	}
	er->map = map;
	if (compile(&er->intent, &er->has_intent, map->intent_pattern,
		    "intent_id_pattern", errstr, errstr_size) < 0 ||
	    compile(&er->account, &er->has_account, map->account_pattern,
		    "account_pattern", errstr, errstr_size) < 0 ||
	    compile(&er->invoice, &er->has_invoice, map->invoice_pattern,
		    "invoice_pattern", errstr, errstr_size) < 0) {
		entryref_free(er);
		return -1;
	}
	*ret = er;
	return 0;
}

void entryref_free(struct entryref *er)
{
	if (er == NULL)
		return;
	if (er->has_intent)
		regfree(&er->intent);
	if (er->has_account)
		regfree(&er->account);
	if (er->has_invoice)
		regfree(&er->invoice);
	free(er);
}

const char *entryref_biller(const struct entryref *er, const char *account)
{
	/* Only `statement show` without a config has no accounts (config_load
	 * requires them): every statement is shown, with no biller. */
	if (er->map->biller_account_count == 0)
		return "";
	for (size_t i = 0; i < er->map->biller_account_count; i++)
		if (strcmp(er->map->biller_accounts[i].account, account) == 0)
			return er->map->biller_accounts[i].biller;
	return NULL;
}

/* The first group of re in text into out (size bytes with the NUL);
 * without re the whole text. "" when it does not match or is too long. */
static void take(const regex_t *re, const char *text, char *out, size_t size)
{
	out[0] = '\0';
	size_t start = 0, len = strlen(text);
	if (re != NULL) {
		regmatch_t m[2];
		if (regexec(re, text, 2, m, 0) != 0 || m[1].rm_so < 0)
			return;
		start = (size_t)m[1].rm_so;
		len = (size_t)(m[1].rm_eo - m[1].rm_so);
	}
	if (len == 0 || len >= size)
		return;
	memcpy(out, text + start, len);
	out[len] = '\0';
}

static bool lower_uuid(const char *s)
{
	if (strlen(s) != INTENT_ID_LEN)
		return false;
	for (size_t i = 0; i < INTENT_ID_LEN; i++) {
		char c = s[i];
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

/* The line's field that intent_id_from names. */
static const char *intent_field(const struct entryref *er,
				const struct bankfile_line *l)
{
	switch (er->map->intent_source) {
	case CONFIG_INTENT_END_TO_END_ID: return l->end_to_end_id;
	case CONFIG_INTENT_INSTR_ID: return l->instr_id;
	case CONFIG_INTENT_TX_ID: return l->tx_id;
	case CONFIG_INTENT_ACCT_SVCR_REF: return l->acct_svcr_ref;
	case CONFIG_INTENT_REMITTANCE: return l->remittance;
	case CONFIG_INTENT_CREDITOR_REF: return l->creditor_ref;
	case CONFIG_INTENT_NONE:
	case CONFIG_INTENT_SOURCE_COUNT: break;
	}
	return "";
}

void entryref_apply(const struct entryref *er, struct bankfile_line *l,
		    struct entryref_found *out)
{
	char id[256];
	const char *field = intent_field(er, l);
	take(er->has_intent ? &er->intent : NULL, field ? field : "", id,
	     sizeof(id));
	out->intent_id[0] = '\0';
	if (lower_uuid(id))
		memcpy(out->intent_id, id, INTENT_ID_LEN + 1);
	const char *rmt = l->remittance ? l->remittance : "";
	out->account[0] = out->invoice_no[0] = '\0';
	if (er->has_account)
		take(&er->account, rmt, out->account, sizeof(out->account));
	if (er->has_invoice)
		take(&er->invoice, rmt, out->invoice_no, sizeof(out->invoice_no));
	l->intent_id = out->intent_id;
	l->account = out->account;
	l->invoice_no = out->invoice_no;
}
