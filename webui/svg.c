/*
 * A chart of a trend as inline SVG, drawn here from the RRD's rows:
 * no graphing in the request path but arithmetic, and nothing for the
 * browser to fetch.  In is a filled area, out a line, the capacity a
 * dashed line; the scale is rounded up to 1, 2 or 5 of a power of ten.
 */
#include <math.h>
#include <stdio.h>
#include <time.h>

#include <event2/buffer.h>

#include "webui.h"

#define W	760.0
#define H	240.0
#define L	70.0	/* left margin, for the scale */
#define B	24.0	/* bottom margin, for the times */
#define TOP	10.0

static double
nice_max(double v)
{
	double	 p, m;

	if (!(v > 0))
		return 1e6;
	p = pow(10, floor(log10(v)));
	m = v / p;
	return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

static void
path(struct evbuffer *b, const double *v, size_t n, double ymax, int area)
{
	double	 x, y, dx = n > 1 ? (W - L) / (double)(n - 1) : 0;
	size_t	 i;
	int	 pen = 0;

	for (i = 0; i < n; i++) {
		if (isnan(v[i])) {
			if (pen && area)
				evbuffer_add_printf(b, "L%.1f,%.1f ", L + dx *
				    (double)(i - 1), H - B);
			pen = 0;
			continue;
		}
		x = L + dx * (double)i;
		y = H - B - (v[i] / ymax) * (H - B - TOP);
		if (!pen && area)
			evbuffer_add_printf(b, "M%.1f,%.1f L%.1f,%.1f ", x,
			    H - B, x, y);
		else
			evbuffer_add_printf(b, "%c%.1f,%.1f ", pen ? 'L' : 'M',
			    x, y);
		pen = 1;
	}
	if (pen && area)
		evbuffer_add_printf(b, "L%.1f,%.1f Z", L + dx * (double)(n - 1),
		    H - B);
}

static void
label_time(struct evbuffer *b, double x, int64_t t, const char *anchor)
{
	struct tm	 tm;
	time_t		 tt = (time_t)t;
	char		 s[32];

	localtime_r(&tt, &tm);
	strftime(s, sizeof(s), "%m-%d %H:%M", &tm);
	evbuffer_add_printf(b, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"%s\">"
	    "%s</text>", x, H - 6, anchor, s);
}

void
svg_chart(struct evbuffer *b, const double *in, const double *out, size_t n,
    int64_t t0, int step, double capacity)
{
	double	 top = 0, y;
	size_t	 i;
	int	 k;

	for (i = 0; i < n; i++) {
		if (!isnan(in[i]) && in[i] > top)
			top = in[i];
		if (!isnan(out[i]) && out[i] > top)
			top = out[i];
	}
	if (capacity > 0 && capacity < top * 4 && capacity > top)
		top = capacity;
	top = nice_max(top);
	evbuffer_add_printf(b, "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" "
	    "xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">", W, H);
	for (k = 0; k <= 4; k++) {
		y = H - B - k * (H - B - TOP) / 4;
		evbuffer_add_printf(b, "<line class=\"grid\" x1=\"%.0f\" "
		    "y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\"/><text x=\"%.0f\" "
		    "y=\"%.1f\" text-anchor=\"end\">%.4g M</text>", L, y, W, y,
		    L - 4, y + 4, top * k / 4 / 1e6);
	}
	evbuffer_add_printf(b, "<path class=\"in\" d=\"");
	path(b, in, n, top, 1);
	evbuffer_add_printf(b, "\"/><path class=\"out\" d=\"");
	path(b, out, n, top, 0);
	evbuffer_add_printf(b, "\"/>");
	if (capacity > 0 && capacity <= top) {
		y = H - B - capacity / top * (H - B - TOP);
		evbuffer_add_printf(b, "<line class=\"cap\" x1=\"%.0f\" "
		    "y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\"/>", L, y, W, y);
	}
	if (n > 0) {
		label_time(b, L, t0, "start");
		label_time(b, W, t0 + (int64_t)(n - 1) * step, "end");
	}
	evbuffer_add_printf(b, "</svg>");
}
