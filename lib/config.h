/* config — the one INI file (libinih) that describes a tasdid deployment:
 * Kafka properties, topics, billers, banks, terminals and each program's
 * settings. See docs/configuration.md for every section and key.
 *
 * The whole file is checked at load: an unknown section or key, a missing
 * required key or a bad value refuses the file with "FILE:LINE: reason", so
 * a typo never silently falls back to a default. After load the config is
 * read-only and may be shared between threads. */
#ifndef TASDID_CONFIG_H
#define TASDID_CONFIG_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "intent.h"
#include "money.h"

#define CONFIG_NAME_MAX 127  /* display names, UTF-8 bytes */
#define CONFIG_TOPIC_MAX 249 /* Kafka's own limit */
#define CONFIG_VALUE_MAX 511

struct config;

struct config_biller {
	char id[INTENT_BILLER_MAX + 1];
	char name[CONFIG_NAME_MAX + 1];    /* English */
	char name_ar[CONFIG_NAME_MAX + 1]; /* Arabic, may be "" */
	const struct currency *currency;
	char topic[CONFIG_TOPIC_MAX + 1];
	char ledger_path[PATH_MAX];        /* resolved against the config dir */
	int grace_days;                    /* standard grace after due date */
	int64_t late_fee_minor;            /* in currency's minor units */
	int line;                          /* of the section header */
};

struct config_bank {
	char id[INTENT_BANK_MAX + 1];
	char name[CONFIG_NAME_MAX + 1];
	char name_ar[CONFIG_NAME_MAX + 1];
	int line;
};

struct config_terminal {
	char bank[INTENT_BANK_MAX + 1];
	char id[INTENT_TERMINAL_MAX + 1];
	uint8_t token_sha256[32]; /* only the hash of the bearer token is kept */
	int line;
};

/* [bankfile BANK] (settle/): how one bank's settlement file differs from
 * format (b) of schemas/csv-formats.md. The reader (settle/bankfile.h)
 * takes it; a bank without the section writes standard format (b). The
 * scope is deliberately small and exact (docs/settlement.md): the field
 * delimiter, the decimal separator of amounts, the three record-type tags,
 * and the D record's columns by name, with columns to ignore. The H and T
 * records keep their fields and order. */
#define CONFIG_BANKFILE_TAG_MAX 8      /* bytes of a record-type tag */
#define CONFIG_BANKFILE_COLUMNS_MAX 31 /* D columns after the tag */

/* The D record's fields of format (b), in its order; IGNORE is a column
 * the bank writes and we skip. */
enum config_bankfile_column {
	CONFIG_COL_IGNORE = 0,
	CONFIG_COL_LINE_NO,
	CONFIG_COL_INTENT_ID,
	CONFIG_COL_IDEMPOTENCY_KEY,
	CONFIG_COL_TERMINAL,
	CONFIG_COL_BILLER,
	CONFIG_COL_ACCOUNT,
	CONFIG_COL_INVOICE_NO,
	CONFIG_COL_AMOUNT,
	CONFIG_COL_CURRENCY,
	CONFIG_COL_PAID_AT,
	CONFIG_COL_CHANNEL,
	CONFIG_COL_COUNT
};

/* What a bank sends (docs/settlement.md, schemas/bank-statements.md):
 * format (b) or a variant of it, an ISO 20022 statement (camt.053) or
 * notification (camt.054), or a SWIFT MT940. */
enum config_bankfile_format {
	CONFIG_FORMAT_CSV = 0, /* the default */
	CONFIG_FORMAT_CAMT053,
	CONFIG_FORMAT_CAMT054,
	CONFIG_FORMAT_MT940,
	CONFIG_FORMAT_COUNT
};

/* Where a statement entry carries the intent id (formats other than csv). */
enum config_intent_source {
	CONFIG_INTENT_END_TO_END_ID = 0, /* the default */
	CONFIG_INTENT_INSTR_ID,
	CONFIG_INTENT_TX_ID,
	CONFIG_INTENT_ACCT_SVCR_REF,
	CONFIG_INTENT_REMITTANCE,    /* Ustrd, or MT940 :86: text */
	CONFIG_INTENT_CREDITOR_REF,  /* Strd creditor reference */
	CONFIG_INTENT_NONE,          /* rule-based matching only */
	CONFIG_INTENT_SOURCE_COUNT
};

#define CONFIG_PATTERN_MAX 255          /* bytes of a POSIX ERE */
#define CONFIG_STATEMENT_ACCOUNT_MAX 34 /* an IBAN's maximum */
#define CONFIG_BILLER_ACCOUNTS_MAX 16

/* "csv", "camt053", ...; "end_to_end_id", ... (the config's words). */
const char *config_bankfile_format_name(enum config_bankfile_format f);
const char *config_intent_source_name(enum config_intent_source s);

struct config_bankfile {
	char bank[INTENT_BANK_MAX + 1];
	enum config_bankfile_format format;
	char delimiter;         /* ',' or ';' */
	char decimal_separator; /* '.' or ',' (',' only with ';' delimiter) */
	char header_tag[CONFIG_BANKFILE_TAG_MAX + 1];  /* default "H" */
	char detail_tag[CONFIG_BANKFILE_TAG_MAX + 1];  /* default "D" */
	char trailer_tag[CONFIG_BANKFILE_TAG_MAX + 1]; /* default "T" */
	/* The D record is tag + column_count fields; columns[i] is the field
	 * of column i + 1 (enum config_bankfile_column). Every field appears
	 * at most once; all but intent_id and invoice_no (optional in format
	 * (b), "" when the bank has no such column) exactly once. */
	size_t column_count;
	unsigned char columns[CONFIG_BANKFILE_COLUMNS_MAX];
	/* Statements (every format but csv): which field holds the intent
	 * id, and POSIX EREs whose first group is the intent id (over that
	 * field; "" = the whole field), the biller's account and the invoice
	 * number (over the remittance text; "" = not given). The statement's
	 * own account (the biller's collection account at the bank) names the
	 * biller: biller_accounts. The patterns compiled at load. */
	enum config_intent_source intent_source;
	char intent_pattern[CONFIG_PATTERN_MAX + 1];
	char account_pattern[CONFIG_PATTERN_MAX + 1];
	char invoice_pattern[CONFIG_PATTERN_MAX + 1];
	size_t biller_account_count;
	struct {
		char account[CONFIG_STATEMENT_ACCOUNT_MAX + 1];
		char biller[INTENT_BILLER_MAX + 1];
	} biller_accounts[CONFIG_BILLER_ACCOUNTS_MAX];
	int line; /* of the section header */
};

/* The column's name in detail_columns and in format (b): "line_no", ...;
 * "-" for CONFIG_COL_IGNORE. */
const char *config_bankfile_column_name(enum config_bankfile_column col);

/* One key = value of a free-form section ([kafka]) or a program section. */
struct config_entry {
	char section[48];
	char key[128];
	char value[CONFIG_VALUE_MAX + 1];
	int line;
};

/* Load and check the file at path. On success returns 0 and *ret, which the
 * caller owns and frees with config_free(). On failure returns -1, *ret is
 * untouched and errstr holds "PATH:LINE: reason" (line 0 when the problem
 * is the file as a whole, e.g. it cannot be opened). */
int config_load(const char *path, struct config **ret, char *errstr,
		size_t errstr_size);

/* The same from text in memory (tests, fuzzing); name stands for the path
 * in messages and relative paths resolve against dir. */
int config_load_string(const char *text, const char *name, const char *dir,
		       struct config **ret, char *errstr, size_t errstr_size);

/* Free a config; NULL is fine. */
void config_free(struct config *cfg);

/* Path of the file it was loaded from. */
const char *config_path(const struct config *cfg);

size_t config_biller_count(const struct config *cfg);
const struct config_biller *config_biller_at(const struct config *cfg,
					     size_t i);
/* NULL when no biller has that id. */
const struct config_biller *config_biller_find(const struct config *cfg,
					       const char *id);

size_t config_bank_count(const struct config *cfg);
const struct config_bank *config_bank_at(const struct config *cfg, size_t i);
const struct config_bank *config_bank_find(const struct config *cfg,
					   const char *id);

size_t config_terminal_count(const struct config *cfg);
const struct config_terminal *config_terminal_at(const struct config *cfg,
						 size_t i);
const struct config_terminal *config_terminal_find(const struct config *cfg,
						   const char *bank,
						   const char *id);

/* The [bankfile BANK] section of a bank, or NULL when the bank has none
 * (its files are standard format (b)). Owned by the config. */
const struct config_bankfile *config_bankfile_find(const struct config *cfg,
						   const char *bank);

/* The [kafka] section, in file order: librdkafka properties passed through
 * unchecked here (librdkafka checks them when the client is made). */
size_t config_kafka_count(const struct config *cfg);
const struct config_entry *config_kafka_at(const struct config *cfg,
					   size_t i);

/* A key of a program section ("topics", "intake", "post", "settle", …):
 * its value, or NULL when the file does not set it. */
const struct config_entry *config_get(const struct config *cfg,
				      const char *section, const char *key);

/* The key as an integer in [min, max], or def when it is not set. Returns
 * 0 with *ret, or -1 with "PATH:LINE: [section] key: reason" in errstr. */
int config_get_int64(const struct config *cfg, const char *section,
		     const char *key, int64_t def, int64_t min, int64_t max,
		     int64_t *ret, char *errstr, size_t errstr_size);

/* The key's value, or def when not set (never NULL if def is not). */
const char *config_get_str(const struct config *cfg, const char *section,
			   const char *key, const char *def);

/* Resolve a path from the file against the directory of the config file
 * (absolute paths are kept). Returns 0, or -1 when out is too small. */
int config_resolve_path(const struct config *cfg, const char *path,
			char *out, size_t out_size);

#endif
