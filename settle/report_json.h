/* report_json — summary.json of a report folder, from its model (keys in
 * docs/settlement.md): sorted keys, 2-space indent, amounts as exact
 * decimal strings, so identical inputs give identical bytes. */
#ifndef TASDID_REPORT_JSON_H
#define TASDID_REPORT_JSON_H

#include <stdio.h>

#include "report_model.h"

/* Write summary.json's text to f. Returns 0, or -1 when out of memory
 * (nothing written then); write errors are left in f for ferror(). */
int report_json_write(const struct report_model *m, FILE *f);

#endif
