/* report_csv — the four CSV files of a report folder, from its model:
 * reconciliation.csv, discrepancies.csv, settlement.csv and grace.csv
 * (columns in docs/settlement.md). Cells go through lib/csvout: text from
 * data is neutralised against spreadsheet formulas, amounts stay plain
 * machine decimals ("35990387.75"). Write errors are left in the stream
 * for the caller to find with ferror(). */
#ifndef TASDID_REPORT_CSV_H
#define TASDID_REPORT_CSV_H

#include <stdio.h>

#include "report_model.h"

void report_csv_reconciliation(const struct report_model *m, FILE *f);
void report_csv_discrepancies(const struct report_model *m, FILE *f);
void report_csv_settlement(const struct report_model *m, FILE *f);
void report_csv_grace(const struct report_model *m, FILE *f);

#endif
