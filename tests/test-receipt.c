/* receipt: the verification code over the canonical text, and the layout. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "../terminal/receipt.h"
#include "check_run.h"
#include "sha256.h"

static struct spool_entry entry(void)
{
	struct spool_entry e;
	memset(&e, 0, sizeof(e));
	e.receipt_no = 42;
	strcpy(e.in.bank, "BNK1");
	strcpy(e.in.terminal, "T1");
	strcpy(e.in.biller, "water");
	strcpy(e.in.account, "ACC-1");
	strcpy(e.in.invoice, "W-1");
	e.in.amount_minor = 150050;
	strcpy(e.in.currency, "SYP");
	strcpy(e.in.paid_at, "2026-11-25T07:15:00.000Z");
	strcpy(e.in.intent_id, "01a2118e-c99b-87cc-bb24-3c2ad4b0b704");
	return e;
}

START_TEST(test_code)
{
	struct spool_entry e = entry();
	char code[RECEIPT_CODE_LEN + 1];
	receipt_code(&e, code);
	const char *text = "tasdid-receipt-1\n42\nBNK1\nT1\nwater\nACC-1\nW-1\n"
			   "1500.50\nSYP\n2026-11-25T07:15:00.000Z\n"
			   "01a2118e-c99b-87cc-bb24-3c2ad4b0b704";
	uint8_t d[32];
	char hex[65];
	sha256(text, strlen(text), d);
	sha256_hex(d, hex);
	hex[12] = '\0';
	ck_assert_str_eq(code, hex);
	/* any field changed → another code */
	char other[RECEIPT_CODE_LEN + 1];
	e.in.amount_minor = 150051;
	receipt_code(&e, other);
	ck_assert_str_ne(code, other);
	e = entry();
	strcpy(e.in.account, "ACC-2");
	receipt_code(&e, other);
	ck_assert_str_ne(code, other);
}
END_TEST

START_TEST(test_format)
{
	struct spool_entry e = entry();
	char buf[RECEIPT_TEXT_MAX];
	ck_assert_int_eq(receipt_format(&e, buf, 10), -1);
	ck_assert_int_gt(receipt_format(&e, buf, sizeof(buf)), 0);
	ck_assert_ptr_nonnull(strstr(buf, "receipt:      42\n"));
	ck_assert_ptr_nonnull(strstr(buf, "amount:       1500.50 SYP\n"));
	ck_assert_ptr_nonnull(strstr(buf, "paid at:      2026-11-25T07:15:00.000Z\n"));
	ck_assert_ptr_nonnull(strstr(buf, "terminal:     BNK1/T1\n"));
	e.in.invoice[0] = '\0';
	receipt_format(&e, buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "invoice:      -\n"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("receipt");
	TCase *tc = tcase_create("receipt");
	tcase_add_test(tc, test_code);
	tcase_add_test(tc, test_format);
	suite_add_tcase(s, tc);
	return check_run(s);
}
