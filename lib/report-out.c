/*
 * Reports as CSV (RFC 4180, UTF-8 with a byte-order mark so that Excel
 * and WPS read the Chinese text) and as JSON (RFC 8259).  Each table of
 * the CSV starts with a line naming it and a line of column names, and
 * ends with a blank line.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "escape.h"
#include "report.h"

static const char *
when(int64_t us, char *buf, size_t len)
{
	struct tm	 tm;
	time_t		 t = (time_t)(us / 1000000);
	char		 zone[8];

	localtime_r(&t, &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + strlen(buf), len - strlen(buf), "%.3s:%s", zone,
	    zone + 3);
	return buf;
}


static void
csv_field(FILE *fp, const char *s, int last)
{
	char	 esc[4096];

	escape_csv(esc, sizeof(esc), s);
	fprintf(fp, "%s%s", esc, last ? "\r\n" : ",");
}

int
report_write_csv(const struct report *r, FILE *fp)
{
	char			 a[40], b[40], c[40], buf[64], head[256];
	const struct report_table *t;
	size_t			 i, row;
	int			 k;

	fputs("\xef\xbb\xbf", fp);
	snprintf(head, sizeof(head), "%s / %s", report_title(r->kind, 0),
	    report_title(r->kind, 1));
	csv_field(fp, head, 0);
	csv_field(fp, when(r->since_us, a, sizeof(a)), 0);
	csv_field(fp, when(r->until_us, b, sizeof(b)), 0);
	csv_field(fp, r->host, 0);
	csv_field(fp, when(r->made_us, c, sizeof(c)), 0);
	csv_field(fp, r->audit_head, 1);
	fputs("\r\n", fp);
	for (i = 0; i < r->ntables; i++) {
		t = &r->tables[i];
		snprintf(head, sizeof(head), "%s / %s", t->title_zh,
		    t->title_en);
		csv_field(fp, head, 1);
		for (k = 0; k < t->ncols; k++) {
			snprintf(head, sizeof(head), "%s / %s", t->cols[k].zh,
			    t->cols[k].en);
			csv_field(fp, head, k == t->ncols - 1);
		}
		for (row = 0; row < t->nrows; row++)
			for (k = 0; k < t->ncols; k++)
				csv_field(fp, report_cell_text(&t->cells[row *
				    (size_t)t->ncols + (size_t)k], buf,
				    sizeof(buf)), k == t->ncols - 1);
		if (t->note != NULL)
			csv_field(fp, t->note, 1);
		fputs("\r\n", fp);
	}
	return ferror(fp) ? -1 : 0;
}

static void
json_text(FILE *fp, const char *s)
{
	char	 esc[8192];

	escape_json(esc, sizeof(esc), s ? s : "");
	fprintf(fp, "\"%s\"", esc);
}

int
report_write_json(const struct report *r, FILE *fp)
{
	const struct report_table *t;
	const struct report_cell *c;
	char			 a[40];
	size_t			 i, row;
	int			 k;

	fprintf(fp, "{\"report\":\"%s\",\"title_zh\":",
	    report_kind_name(r->kind));
	json_text(fp, report_title(r->kind, 0));
	fprintf(fp, ",\"title_en\":");
	json_text(fp, report_title(r->kind, 1));
	fprintf(fp, ",\"since\":\"%s\"", when(r->since_us, a, sizeof(a)));
	fprintf(fp, ",\"until\":\"%s\"", when(r->until_us, a, sizeof(a)));
	fprintf(fp, ",\"made\":\"%s\",\"appliance\":",
	    when(r->made_us, a, sizeof(a)));
	json_text(fp, r->host);
	fprintf(fp, ",\"audit_head\":");
	json_text(fp, r->audit_head);
	fprintf(fp, ",\"tables\":[");
	for (i = 0; i < r->ntables; i++) {
		t = &r->tables[i];
		fprintf(fp, "%s\n{\"title_zh\":", i ? "," : "");
		json_text(fp, t->title_zh);
		fprintf(fp, ",\"title_en\":");
		json_text(fp, t->title_en);
		fprintf(fp, ",\"columns\":[");
		for (k = 0; k < t->ncols; k++) {
			fprintf(fp, "%s{\"zh\":", k ? "," : "");
			json_text(fp, t->cols[k].zh);
			fprintf(fp, ",\"en\":");
			json_text(fp, t->cols[k].en);
			fputc('}', fp);
		}
		fprintf(fp, "],\"rows\":[");
		for (row = 0; row < t->nrows; row++) {
			fprintf(fp, "%s[", row ? "," : "");
			for (k = 0; k < t->ncols; k++) {
				c = &t->cells[row * (size_t)t->ncols +
				    (size_t)k];
				if (k)
					fputc(',', fp);
				switch (c->type) {
				case CELL_TEXT:
					json_text(fp, c->text);
					break;
				case CELL_INT:
					fprintf(fp, "%lld", (long long)c->i);
					break;
				case CELL_REAL:
					fprintf(fp, "%.*f", c->decimals, c->r);
					break;
				default:
					fputs("null", fp);
				}
			}
			fputc(']', fp);
		}
		fprintf(fp, "],\"note\":");
		if (t->note != NULL)
			json_text(fp, t->note);
		else
			fputs("null", fp);
		fputc('}', fp);
	}
	fprintf(fp, "\n]}\n");
	return ferror(fp) ? -1 : 0;
}

int
report_write(const struct report *r, enum report_format f, FILE *fp)
{
	static int (*const writers[REPORT_NFORMATS])(const struct report *,
	    FILE *) = { report_write_csv, report_write_json,
	    report_write_pdf };

	if ((unsigned)f >= REPORT_NFORMATS || r->failed)
		return -1;
	return writers[f](r, fp);
}
