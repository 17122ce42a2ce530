/* invcache — see invcache.h. An open-addressing hash of account names
 * (linear probing; nothing is ever removed but by clearing all, so no
 * tombstones) whose slots hold the accounts themselves, over an array of
 * their invoices. A slot is one 64-byte cache line: finding an account is
 * one memory access, which invcache_prefetch() can start early (the
 * lookup was a third of the allocation's time when the slot held an index
 * into a separate array of accounts: two dependent cache misses). */
#include "invcache.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Twice the accounts: probes stay short at the highest load. */
#define SLOTS_COUNT (2 * INVCACHE_ACCOUNTS_MAX)

_Static_assert((SLOTS_COUNT & (SLOTS_COUNT - 1)) == 0,
	       "slots are indexed with a mask");

/* One slot: an account, or empty (name[0] == '\0': account names are
 * never empty, intent validation refuses them). */
struct slot {
	_Alignas(64) char name[INTENT_ACCOUNT_MAX + 1];
	int32_t first; /* into invoices */
	int32_t count;
};

_Static_assert(sizeof(struct slot) == 64, "a slot is one cache line");

/* Twice the invoices, for the invoice-number index. */
#define INVOICE_SLOTS_COUNT (2 * INVCACHE_INVOICES_MAX)

_Static_assert((INVOICE_SLOTS_COUNT & (INVOICE_SLOTS_COUNT - 1)) == 0,
	       "invoice slots are indexed with a mask");

struct invcache {
	struct slot *slots; /* in slots_raw, aligned to 64 bytes */
	void *slots_raw;
	int32_t *invoice_slots; /* invoice index + 1; 0 is empty */
	bool invoices_indexed;
	struct invcache_invoice *invoices;
	int32_t accounts_count;
	int32_t invoices_count;
};

struct invcache *invcache_new(void)
{
	struct invcache *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	/* calloc: the pages stay untouched until used. One slot more to
	 * align to 64 bytes: a slot must not straddle two cache lines. */
	c->slots_raw = calloc(SLOTS_COUNT + 1, sizeof(struct slot));
	if (c->slots_raw != NULL)
		c->slots = (struct slot *)(((uintptr_t)c->slots_raw + 63) &
					   ~(uintptr_t)63);
	c->invoice_slots = calloc(INVOICE_SLOTS_COUNT,
				  sizeof(*c->invoice_slots));
	c->invoices = calloc(INVCACHE_INVOICES_MAX, sizeof(*c->invoices));
	if (c->slots == NULL || c->invoice_slots == NULL ||
	    c->invoices == NULL) {
		invcache_free(c);
		return NULL;
	}
	return c;
}

void invcache_free(struct invcache *c)
{
	if (c == NULL)
		return;
	free(c->slots_raw);
	free(c->invoice_slots);
	free(c->invoices);
	free(c);
}

static void drop_invoice_index(struct invcache *c)
{
	if (!c->invoices_indexed)
		return;
	memset(c->invoice_slots, 0,
	       INVOICE_SLOTS_COUNT * sizeof(*c->invoice_slots));
	c->invoices_indexed = false;
}

void invcache_clear(struct invcache *c)
{
	assert(c != NULL);
	drop_invoice_index(c);
	if (c->accounts_count == 0)
		return;
	memset(c->slots, 0, SLOTS_COUNT * sizeof(*c->slots));
	c->accounts_count = 0;
	c->invoices_count = 0;
}

/* FNV-1a: account names are short; any decent spread will do. */
static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s != '\0'; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

/* The slot holding account, or the empty slot where it would go. */
static struct slot *slot_for(struct invcache *c, const char *account)
{
	uint32_t i = hash(account) & (SLOTS_COUNT - 1);
	for (;;) {
		struct slot *s = &c->slots[i];
		if (s->name[0] == '\0' || strcmp(s->name, account) == 0)
			return s;
		i = (i + 1) & (SLOTS_COUNT - 1);
	}
}

void invcache_prefetch(const struct invcache *c, const char *account)
{
	assert(c != NULL && account != NULL);
	__builtin_prefetch(&c->slots[hash(account) & (SLOTS_COUNT - 1)]);
}

void invcache_prefetch_invoices(struct invcache *c, const char *account)
{
	assert(c != NULL && account != NULL);
	const struct slot *s = slot_for(c, account);
	if (s->name[0] != '\0' && s->count > 0)
		__builtin_prefetch(&c->invoices[s->first]);
}

bool invcache_get(struct invcache *c, const char *account,
		  struct invcache_invoice **ret, int *ret_count)
{
	assert(c != NULL && account != NULL && ret != NULL);
	const struct slot *s = slot_for(c, account);
	if (s->name[0] == '\0')
		return false;
	*ret = &c->invoices[s->first];
	*ret_count = s->count;
	return true;
}

bool invcache_empty(const struct invcache *c)
{
	assert(c != NULL);
	return c->accounts_count == 0;
}

bool invcache_has_room(const struct invcache *c, int count)
{
	assert(c != NULL);
	assert(count >= 0 && count <= INVCACHE_ACCOUNT_INVOICES_MAX);
	return c->accounts_count < INVCACHE_ACCOUNTS_MAX &&
	       c->invoices_count <= INVCACHE_INVOICES_MAX - count;
}

struct invcache_invoice *invcache_add(struct invcache *c, const char *account,
				      int count)
{
	assert(c != NULL && account != NULL);
	assert(count >= 0 && count <= INVCACHE_ACCOUNT_INVOICES_MAX);
	assert(strlen(account) <= INTENT_ACCOUNT_MAX);
	if (!invcache_has_room(c, count))
		invcache_clear(c);
	if (count > 0)
		drop_invoice_index(c);
	assert(account[0] != '\0');
	struct slot *s = slot_for(c, account);
	assert(s->name[0] == '\0');
	strcpy(s->name, account);
	s->first = c->invoices_count;
	s->count = count;
	c->invoices_count += count;
	c->accounts_count++;
	return &c->invoices[s->first];
}

/* The invoice slot holding no, or the empty slot where it would go. */
static int32_t *invoice_slot_for(const struct invcache *c, const char *no)
{
	uint32_t i = hash(no) & (INVOICE_SLOTS_COUNT - 1);
	for (;;) {
		int32_t *s = &c->invoice_slots[i];
		if (*s == 0 || strcmp(c->invoices[*s - 1].no, no) == 0)
			return s;
		i = (i + 1) & (INVOICE_SLOTS_COUNT - 1);
	}
}

void invcache_index_invoices(struct invcache *c)
{
	assert(c != NULL);
	drop_invoice_index(c);
	for (int32_t k = 0; k < c->invoices_count; k++) {
		int32_t *s = invoice_slot_for(c, c->invoices[k].no);
		if (*s == 0) /* a number twice: the ledger's key forbids it */
			*s = k + 1;
	}
	c->invoices_indexed = true;
}

bool invcache_has_invoice(const struct invcache *c, const char *no)
{
	assert(c != NULL && no != NULL && c->invoices_indexed);
	return *invoice_slot_for(c, no) != 0;
}

bool invcache_invoices_indexed(const struct invcache *c)
{
	assert(c != NULL);
	return c->invoices_indexed;
}
