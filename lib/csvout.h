/* csvout — write RFC 4180 CSV cells for reports opened in spreadsheets.
 *
 * A text cell that starts with = + - @ TAB or CR would be run as a formula
 * by Excel or LibreOffice ("CSV injection"); such a cell gets a leading
 * apostrophe, which spreadsheets show as text and hide. Numbers and codes
 * tasdid writes itself go through csvout_plain() (a negative difference
 * stays a number). Cells are quoted when they contain , " CR or LF; lines
 * end with CRLF. */
#ifndef TASDID_CSVOUT_H
#define TASDID_CSVOUT_H

#include <stdbool.h>
#include <stdio.h>

/* Write text (from data: names, accounts, ids) as a neutralised cell,
 * followed by ',' or, when last, by CRLF. */
void csvout_text(FILE *out, const char *text, bool last);

/* Write text as a cell without neutralisation (tasdid's own numbers,
 * dates and codes), quoted if needed. */
void csvout_plain(FILE *out, const char *text, bool last);

/* Write a whole header line: names separated by commas, CRLF. */
void csvout_header(FILE *out, const char *const *names, size_t count);

#endif
