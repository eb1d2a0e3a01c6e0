/*
 * Reports as PDF: cairo draws, pango sets the text (Chinese with a CJK
 * font from Debian's fonts-wqy-microhei; fontconfig falls back to any
 * CJK font present), charts are RRDtool's PNGs.  A4 landscape, so that
 * the widest table (14 columns) stays readable; cells wrap rather than
 * overflow, and a table that runs past the page goes on, headed again,
 * on the next.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "report.h"

#define PAGE_W		842.0	/* A4 landscape, points */
#define PAGE_H		595.0
#define MARGIN		36.0
#define PAD		2.5
#define FONT		"WenQuanYi Micro Hei, Noto Sans CJK SC, Sans"
#define MIN_COL		28.0
#define MAX_COL		220.0

struct pdf {
	const struct report	*r;
	cairo_t			*cr;
	PangoLayout		*layout;
	double			 y;
	int			 page;
};

static cairo_status_t
to_file(void *closure, const unsigned char *data, unsigned int len)
{
	return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS :
	    CAIRO_STATUS_WRITE_ERROR;
}

static void
font(struct pdf *p, double size, int bold)
{
	PangoFontDescription	*fd = pango_font_description_from_string(FONT);

	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD :
	    PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(p->layout, fd);
	pango_font_description_free(fd);
}

/* Sets text at (x, p->y) within width (0: unbounded); its height. */
static double
text(struct pdf *p, double x, double width, const char *s, int draw)
{
	int	 w, h;

	pango_layout_set_width(p->layout, width > 0 ?
	    (int)(width * PANGO_SCALE) : -1);
	pango_layout_set_wrap(p->layout, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(p->layout, s, -1);
	pango_layout_get_size(p->layout, &w, &h);
	if (draw) {
		cairo_move_to(p->cr, x, p->y);
		pango_cairo_show_layout(p->cr, p->layout);
	}
	return (double)h / PANGO_SCALE;
}

static double
text_width(struct pdf *p, const char *s)
{
	int	 w, h;

	pango_layout_set_width(p->layout, -1);
	pango_layout_set_text(p->layout, s, -1);
	pango_layout_get_size(p->layout, &w, &h);
	return (double)w / PANGO_SCALE;
}

static const char *
when(int64_t us, char *buf, size_t len)
{
	struct tm	 tm;
	time_t		 t = (time_t)(us / 1000000);

	localtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
	return buf;
}

static void
new_page(struct pdf *p)
{
	char	 line[512], a[32], b[32], c[32];

	if (p->page++ > 0)
		cairo_show_page(p->cr);
	p->y = MARGIN - 14;
	cairo_set_source_rgb(p->cr, 0.35, 0.35, 0.35);
	font(p, 7, 0);
	snprintf(line, sizeof(line), "zonewatch · %s · %s / %s · %s — %s · "
	    "生成 made %s · 第 %d 页 page %d", p->r->host,
	    report_title(p->r->kind, 0), report_title(p->r->kind, 1),
	    when(p->r->since_us, a, sizeof(a)), when(p->r->until_us, b,
	    sizeof(b)), when(p->r->made_us, c, sizeof(c)), p->page, p->page);
	text(p, MARGIN, 0, line, 1);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	p->y = MARGIN;
}

static void
need(struct pdf *p, double h)
{
	if (p->y + h > PAGE_H - MARGIN)
		new_page(p);
}

/* Widths: each column as wide as its text, within bounds, to the page. */
static void
widths(struct pdf *p, const struct report_table *t, double *w)
{
	char	 buf[64];
	double	 total = 0, wd;
	size_t	 row;
	int	 k;

	font(p, 6.5, 0);
	for (k = 0; k < t->ncols; k++) {
		w[k] = fmax(text_width(p, t->cols[k].zh),
		    text_width(p, t->cols[k].en));
		for (row = 0; row < t->nrows && row < 200; row++) {
			wd = text_width(p, report_cell_text(&t->cells[row *
			    (size_t)t->ncols + (size_t)k], buf, sizeof(buf)));
			w[k] = fmax(w[k], wd);
		}
		w[k] = fmin(fmax(w[k] + 2 * PAD, MIN_COL), MAX_COL);
		total += w[k];
	}
	for (k = 0; k < t->ncols; k++)
		w[k] *= (PAGE_W - 2 * MARGIN) / total;
}

static void
header_row(struct pdf *p, const struct report_table *t, const double *w)
{
	char	 head[256];
	double	 x = MARGIN, h = 0;
	int	 k;

	font(p, 6.5, 1);
	for (k = 0; k < t->ncols; k++) {
		snprintf(head, sizeof(head), "%s\n%s", t->cols[k].zh,
		    t->cols[k].en);
		h = fmax(h, text(p, 0, w[k] - 2 * PAD, head, 0));
	}
	need(p, h + 2 * PAD + 12);
	cairo_set_source_rgb(p->cr, 0.88, 0.91, 0.95);
	cairo_rectangle(p->cr, MARGIN, p->y, PAGE_W - 2 * MARGIN, h + 2 * PAD);
	cairo_fill(p->cr);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	p->y += PAD;
	for (k = 0; k < t->ncols; k++) {
		snprintf(head, sizeof(head), "%s\n%s", t->cols[k].zh,
		    t->cols[k].en);
		text(p, x + PAD, w[k] - 2 * PAD, head, 1);
		x += w[k];
	}
	p->y += h + PAD;
}

static void
table(struct pdf *p, const struct report_table *t)
{
	double			 w[REPORT_MAX_COLS], h, x;
	const struct report_cell *c;
	cairo_surface_t		*img;
	char			 title[256], buf[64];
	size_t			 row;
	int			 k;

	need(p, 40);
	font(p, 11, 1);
	snprintf(title, sizeof(title), "%s  %s", t->title_zh, t->title_en);
	p->y += 6;
	p->y += text(p, MARGIN, 0, title, 1) + 4;
	widths(p, t, w);
	header_row(p, t, w);
	for (row = 0; row < t->nrows; row++) {
		font(p, 6.5, 0);
		for (k = 0, h = 0; k < t->ncols; k++)
			h = fmax(h, text(p, 0, w[k] - 2 * PAD,
			    report_cell_text(&t->cells[row * (size_t)t->ncols +
			    (size_t)k], buf, sizeof(buf)), 0));
		if (p->y + h + 2 * PAD > PAGE_H - MARGIN) {
			new_page(p);
			header_row(p, t, w);
			font(p, 6.5, 0);
		}
		if (row % 2) {
			cairo_set_source_rgb(p->cr, 0.96, 0.96, 0.96);
			cairo_rectangle(p->cr, MARGIN, p->y, PAGE_W - 2 * MARGIN,
			    h + 2 * PAD);
			cairo_fill(p->cr);
			cairo_set_source_rgb(p->cr, 0, 0, 0);
		}
		p->y += PAD;
		for (k = 0, x = MARGIN; k < t->ncols; k++) {
			c = &t->cells[row * (size_t)t->ncols + (size_t)k];
			text(p, x + PAD, w[k] - 2 * PAD, report_cell_text(c,
			    buf, sizeof(buf)), 1);
			x += w[k];
		}
		p->y += h + PAD;
	}
	if (t->nrows == 0) {
		font(p, 7, 0);
		p->y += text(p, MARGIN + PAD, 0, "(无 none)", 1) + 2;
	}
	if (t->note != NULL) {
		font(p, 6.5, 0);
		cairo_set_source_rgb(p->cr, 0.3, 0.3, 0.3);
		h = text(p, 0, PAGE_W - 2 * MARGIN, t->note, 0);
		need(p, h + 4);
		p->y += 2;
		p->y += text(p, MARGIN, PAGE_W - 2 * MARGIN, t->note, 1) + 2;
		cairo_set_source_rgb(p->cr, 0, 0, 0);
	}
	if (t->chart != NULL &&
	    (img = cairo_image_surface_create_from_png(t->chart)) != NULL) {
		if (cairo_surface_status(img) == CAIRO_STATUS_SUCCESS) {
			double	 iw = cairo_image_surface_get_width(img);
			double	 ih = cairo_image_surface_get_height(img);
			double	 s = fmin(1, (PAGE_W - 2 * MARGIN) / iw);

			need(p, ih * s + 8);
			p->y += 4;
			cairo_save(p->cr);
			cairo_translate(p->cr, MARGIN, p->y);
			cairo_scale(p->cr, s, s);
			cairo_set_source_surface(p->cr, img, 0, 0);
			cairo_paint(p->cr);
			cairo_restore(p->cr);
			p->y += ih * s + 4;
		}
		cairo_surface_destroy(img);
	}
	p->y += 8;
}

int
report_write_pdf(const struct report *r, FILE *fp)
{
	cairo_surface_t	*surface;
	struct pdf	 p;
	char		 title[256], a[32], b[32];
	size_t		 i;
	int		 rv;

	memset(&p, 0, sizeof(p));
	p.r = r;
	surface = cairo_pdf_surface_create_for_stream(to_file, fp, PAGE_W,
	    PAGE_H);
	snprintf(title, sizeof(title), "%s %s", report_title(r->kind, 0),
	    report_title(r->kind, 1));
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE,
	    title);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR,
	    "zonewatch " ZW_VERSION);
	p.cr = cairo_create(surface);
	p.layout = pango_cairo_create_layout(p.cr);
	new_page(&p);
	font(&p, 18, 1);
	p.y += text(&p, MARGIN, 0, title, 1) + 4;
	font(&p, 9, 0);
	snprintf(title, sizeof(title), "时段 Range: %s — %s    设备 Appliance: "
	    "%s", when(r->since_us, a, sizeof(a)), when(r->until_us, b,
	    sizeof(b)), r->host);
	p.y += text(&p, MARGIN, 0, title, 1) + 2;
	snprintf(title, sizeof(title), "审计链头 Audit head: %s",
	    r->audit_head[0] ? r->audit_head : "-");
	p.y += text(&p, MARGIN, 0, title, 1) + 8;
	for (i = 0; i < r->ntables; i++)
		table(&p, &r->tables[i]);
	g_object_unref(p.layout);
	cairo_destroy(p.cr);
	cairo_surface_finish(surface);
	rv = cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS ? 0 : -1;
	cairo_surface_destroy(surface);
	return rv == 0 && !ferror(fp) ? 0 : -1;
}
