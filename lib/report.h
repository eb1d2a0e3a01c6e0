/*
 * Reports for auditors and officers: a report is a title, a range and a
 * list of tables (each with bilingual column names, rows of cells, an
 * optional note and chart).  The builders (report-build.c) fill one from
 * the configuration, the RRDs and the store; the writers (report-out.c,
 * report-pdf.c) know nothing of what a report says, only how to lay
 * tables out in CSV, JSON or PDF.
 */
#ifndef ZW_REPORT_H
#define ZW_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conf.h"
#include "store.h"

#define REPORT_MAX_COLS	16

enum report_kind {
	REPORT_NETWORK,
	REPORT_SECURITY,
	REPORT_AUDIT,
	REPORT_NKINDS
};

enum report_format {
	REPORT_CSV,
	REPORT_JSON,
	REPORT_PDF,
	REPORT_NFORMATS
};

enum report_cell_type { CELL_TEXT, CELL_INT, CELL_REAL, CELL_NONE };

struct report_cell {
	enum report_cell_type	 type;
	char			*text;
	int64_t			 i;
	double			 r;
	int			 decimals;
};

struct report_column {
	const char	*zh;
	const char	*en;
};

struct report_table {
	const char		*title_zh;
	const char		*title_en;
	struct report_column	 cols[REPORT_MAX_COLS];
	int			 ncols;
	struct report_cell	*cells;		/* nrows * ncols */
	size_t			 nrows, cap;
	int			 col;		/* next cell of the last row */
	char			*note;
	char			*chart;		/* a PNG made for the PDF */
};

struct report {
	enum report_kind	 kind;
	int64_t			 since_us, until_us, made_us;
	char			 host[64];
	/*
	 * The audit trail's head (ID:HASH) when the report was made, in
	 * every report: kept by the reader, it is an anchor that zwctl audit
	 * verify --anchor checks the trail against later.
	 */
	char			 audit_head[96];
	struct report_table	*tables;
	size_t			 ntables;
	char			 tmpdir[64];	/* charts; removed with it */
	int			 failed;	/* out of memory on the way */
};

struct report_sources {
	const struct conf	*conf;
	const char		*rrd_dir;
	struct store		*store;		/* events, read */
	struct store		*admin;		/* the audit trail, reviews */
	int			 charts;	/* draw charts (for PDF) */
};

const char	*report_kind_name(enum report_kind);
const char	*report_title(enum report_kind, int en);
int		 report_kind_parse(const char *);
const char	*report_format_name(enum report_format);
int		 report_format_parse(const char *);

struct report	*report_new(enum report_kind, int64_t since_us,
		    int64_t until_us);
void		 report_free(struct report *);
/* A table; columns as zh, en pairs, ended by NULL. */
struct report_table *report_table(struct report *, const char *title_zh,
		    const char *title_en, ...) __attribute__((sentinel));
void		 report_row(struct report_table *);
void		 report_text(struct report_table *, const char *);
void		 report_int(struct report_table *, int64_t);
void		 report_real(struct report_table *, double, int decimals);
void		 report_none(struct report_table *);
void		 report_note(struct report_table *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
/* A cell as text, as the writers show it. */
const char	*report_cell_text(const struct report_cell *, char *buf,
		    size_t len);

/* report-build.c: the three reports; -1 with err set. */
int		 report_build(struct report *, const struct report_sources *,
		    char *err, size_t errlen);

/* report-out.c and report-pdf.c */
int		 report_write_csv(const struct report *, FILE *);
int		 report_write_json(const struct report *, FILE *);
int		 report_write_pdf(const struct report *, FILE *);
int		 report_write(const struct report *, enum report_format,
		    FILE *);

#endif
