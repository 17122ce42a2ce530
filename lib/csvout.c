/* csvout — see csvout.h. */
#include "csvout.h"

#include <string.h>

static void cell(FILE *out, const char *text, bool neutralise, bool last)
{
	bool formula = neutralise && text[0] != '\0' &&
		       strchr("=+-@\t\r", text[0]) != NULL;
	bool quote = strpbrk(text, ",\"\r\n") != NULL;
	if (quote)
		fputc('"', out);
	if (formula)
		fputc('\'', out);
	for (const char *p = text; *p != '\0'; p++) {
		if (*p == '"')
			fputc('"', out);
		fputc(*p, out);
	}
	if (quote)
		fputc('"', out);
	fputs(last ? "\r\n" : ",", out);
}

void csvout_text(FILE *out, const char *text, bool last)
{
	cell(out, text, true, last);
}

void csvout_plain(FILE *out, const char *text, bool last)
{
	cell(out, text, false, last);
}

void csvout_header(FILE *out, const char *const *names, size_t count)
{
	for (size_t i = 0; i < count; i++)
		cell(out, names[i], false, i + 1 == count);
}
