/*
 * What each report says.  Network figures come from the RRDs (a site's
 * uplink ports when it has them, else the capture's site file), the same
 * reading as "zwctl trends": traffic is the sum of the 5-minute averages
 * times 300 s, peak and 95th percentile are of those averages.  Security
 * and audit figures are queries of the store over the range (violations
 * by the time their traffic was first seen, audit records by when they
 * were written).
 */
#include <dirent.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rrd.h>

#include "audit.h"
#include "report.h"
#include "rrd-out.h"
#include "rrd-query.h"
#include "store-db.h"
#include "words.h"

#define BITS_TO_BYTES(sum)	((sum) * RRD_QUERY_STEP / 8)
#define TOP_CATEGORIES		10
#define MAX_LISTED		500

static const char *
stamp(int64_t us, char *buf, size_t len)
{
	struct tm	 tm;
	time_t		 t = (time_t)(us / 1000000);

	localtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	return buf;
}

static double
mbit(double bps)
{
	return bps / 1e6;
}

/* A row's cells from a statement; the configuration names sites. */
typedef void row_fn(struct report_table *, sqlite3_stmt *, const struct conf *);

/*
 * Severities, review states and site levels, which the store and the
 * configuration name in English, as both languages say them.
 */
static void
cell_word(struct report_table *t, const char *id)
{
	const char	*zh = words_text(id, 0);
	char		 both[128];

	snprintf(both, sizeof(both), "%s %s", zh, id);
	report_text(t, zh != id ? both : id);
}

/* A site as both languages name it; its id if the configuration does not. */
static void
cell_site(struct report_table *t, const struct conf *c, const char *id)
{
	const struct conf_site	*s;
	char			 both[2 * CONF_TEXT_MAX + 2];
	int			 k;

	if (id == NULL || (k = conf_site_index(c, id)) < 0) {
		report_text(t, id);
		return;
	}
	s = &c->sites.v[k];
	snprintf(both, sizeof(both), "%s%s%s", s->name_zh, s->name_zh[0] &&
	    s->name_en[0] ? " " : "", s->name_en);
	report_text(t, both[0] ? both : id);
}

/* Network ---------------------------------------------------------------- */

/* Sites in tree order: each followed by the sites below it. */
static void
tree_order(const struct conf *c, int parent, int *order, size_t *n)
{
	size_t	 i;

	for (i = 0; i < c->sites.n; i++)
		if (c->sites.v[i].parent == parent) {
			order[(*n)++] = (int)i;
			tree_order(c, (int)i, order, n);
		}
}

static int
site_files(const struct report_sources *src, const struct conf_site *s,
    char paths[][PATH_MAX], const char **files, size_t *n)
{
	char	 safe[256];
	int	 i;

	*n = 0;
	if (s->nuplinks == 0) {
		snprintf(paths[0], PATH_MAX, "%s/site/%s.rrd", src->rrd_dir,
		    s->name);
		files[(*n)++] = paths[0];
		return access(paths[0], R_OK) == 0 ? 0 : -1;
	}
	for (i = 0; i < s->nuplinks; i++) {
		rrd_out_safe_name(s->uplinks[i].port, safe, sizeof(safe));
		snprintf(paths[*n], PATH_MAX, "%s/if/%s/%s.rrd", src->rrd_dir,
		    s->uplinks[i].device_name, safe);
		if (access(paths[*n], R_OK) == -1)
			return -1;
		files[*n] = paths[*n];
		(*n)++;
	}
	return 0;
}

static void
chart(struct report *r, struct report_table *t, const char *file,
    const char *title)
{
	char	 path[PATH_MAX], start[32], end[32], def[PATH_MAX + 32];
	char	 def2[PATH_MAX + 32], ttl[512];
	const char *argv[] = { "graph", path, "--imgformat", "PNG",
	    "--start", start, "--end", end, "--width", "640", "--height",
	    "180", "--title", ttl, "--vertical-label", "bit/s",
	    "--font", "DEFAULT:8:WenQuanYi Micro Hei", "--lower-limit", "0",
	    def, def2, "AREA:in#2e7d32:入 in", "LINE1:out#1565c0:出 out" };
	rrd_info_t	*info;

	if (r->tmpdir[0] == '\0') {
		snprintf(r->tmpdir, sizeof(r->tmpdir), "/tmp/zw-report-XXXXXX");
		if (mkdtemp(r->tmpdir) == NULL) {
			r->tmpdir[0] = '\0';
			return;
		}
	}
	snprintf(path, sizeof(path), "%s/chart%zu.png", r->tmpdir,
	    r->ntables);
	snprintf(start, sizeof(start), "%lld", (long long)(r->since_us /
	    1000000));
	snprintf(end, sizeof(end), "%lld", (long long)(r->until_us / 1000000));
	snprintf(def, sizeof(def), "DEF:in=%s:in:AVERAGE", file);
	snprintf(def2, sizeof(def2), "DEF:out=%s:out:AVERAGE", file);
	snprintf(ttl, sizeof(ttl), "%s", title);
	/* librrd takes rrdtool's own arguments; it does not change them. */
	info = rrd_graph_v((int)(sizeof(argv) / sizeof(argv[0])),
	    (char **)(uintptr_t)argv);
	rrd_info_free(info);
	if (rrd_test_error() || access(path, R_OK) == -1) {
		rrd_clear_error();
		return;
	}
	t->chart = strdup(path);
}

static void
network_sites(struct report *r, const struct report_sources *src)
{
	const struct conf	*c = src->conf;
	struct report_table	*t;
	struct rrd_query	 q;
	char			 paths[CONF_MAX_UPLINKS][PATH_MAX], err[512];
	const char		*files[CONF_MAX_UPLINKS];
	double			 cap;
	size_t			 i, n = 0, nfiles;
	int			*order, d, charted = 0;

	t = report_table(r, "各站点流量", "Traffic per site",
	    "站点", "Site", "名称", "Name", "级别", "Level",
	    "合同带宽 Mbit/s", "Contract Mbit/s", "来源", "Source",
	    "入字节", "Bytes in", "出字节", "Bytes out",
	    "平均入 Mbit/s", "Mean in Mbit/s", "平均出 Mbit/s", "Mean out Mbit/s",
	    "峰值入 Mbit/s", "Peak in Mbit/s", "峰值出 Mbit/s", "Peak out Mbit/s",
	    "95%入 Mbit/s", "95th in Mbit/s", "95%出 Mbit/s", "95th out Mbit/s",
	    "95%利用率 %", "95th utilisation %", NULL);
	if (t == NULL || (order = calloc(c->sites.n + 1, sizeof(int))) == NULL) {
		r->failed = 1;
		return;
	}
	tree_order(c, -1, order, &n);
	for (i = 0; i < n; i++) {
		const struct conf_site *s = &c->sites.v[order[i]];

		report_row(t);
		report_text(t, s->name);
		report_text(t, s->name_zh);
		cell_word(t, conf_level_name(s->level));
		report_real(t, s->bandwidth_bps ? mbit((double)s->bandwidth_bps) :
		    NAN, 0);
		report_text(t, s->nuplinks ? "snmp" : "capture");
		if (site_files(src, s, paths, files, &nfiles) == -1 ||
		    rrd_query_files(files, nfiles, (time_t)(r->since_us /
		    1000000), (time_t)(r->until_us / 1000000), &q, err,
		    sizeof(err)) == -1 || q.samples == 0) {
			for (d = 0; d < 9; d++)
				report_none(t);
			continue;
		}
		report_real(t, round(BITS_TO_BYTES(q.sum[0])), 0);
		report_real(t, round(BITS_TO_BYTES(q.sum[1])), 0);
		for (d = 0; d < 2; d++)
			report_real(t, mbit(q.mean[d]), 3);
		for (d = 0; d < 2; d++)
			report_real(t, mbit(q.peak[d]), 3);
		for (d = 0; d < 2; d++)
			report_real(t, mbit(q.p95[d]), 3);
		cap = s->bandwidth_bps ? (double)s->bandwidth_bps : q.speed;
		report_real(t, cap > 0 ? fmax(q.p95[0], q.p95[1]) / cap * 100 :
		    NAN, 2);
		if (src->charts && !charted && s->parent < 0) {
			char	 title[CONF_TEXT_MAX + CONF_NAME_MAX + 2];

			snprintf(title, sizeof(title), "%s %s", s->name_zh,
			    s->name);
			chart(r, t, files[0], title);
			charted = 1;
		}
	}
	report_note(t, "流量为 5 分钟平均值之和 / traffic is the sum of the "
	    "5-minute averages; 95%% = nearest rank");
	free(order);
}

static void
network_links(struct report *r, const struct report_sources *src)
{
	const struct conf	*c = src->conf;
	struct report_table	*t;
	char			 path[PATH_MAX], safe[256], err[512];
	unsigned int		 known;
	double			 mean;
	size_t			 i;
	int			 u;

	t = report_table(r, "链路可用性", "Link availability",
	    "站点", "Site", "设备", "Device", "端口", "Port",
	    "可用率 %", "Up %", "样本数", "Samples", NULL);
	for (i = 0; t != NULL && i < c->sites.n; i++)
		for (u = 0; u < c->sites.v[i].nuplinks; u++) {
			const struct conf_uplink *up = &c->sites.v[i].uplinks[u];

			report_row(t);
			report_text(t, c->sites.v[i].name);
			report_text(t, up->device_name);
			report_text(t, up->port);
			rrd_out_safe_name(up->port, safe, sizeof(safe));
			snprintf(path, sizeof(path), "%s/if/%s/%s.rrd",
			    src->rrd_dir, up->device_name, safe);
			if (access(path, R_OK) == -1 || rrd_query_mean(path,
			    "up", (time_t)(r->since_us / 1000000),
			    (time_t)(r->until_us / 1000000), &mean, &known,
			    err, sizeof(err)) == -1 || known == 0) {
				report_none(t);
				report_int(t, 0);
				continue;
			}
			report_real(t, mean * 100, 3);
			report_int(t, known);
		}
	report_note(t, "端口运行状态 (ifOperStatus) 为 up 的 5 分钟平均占比 / "
	    "share of the 5-minute averages of ifOperStatus up");
}

struct category_total {
	char	 name[64];
	double	 bytes;
};

static int
by_bytes(const void *a, const void *b)
{
	const struct category_total *x = a, *y = b;

	return x->bytes < y->bytes ? 1 : x->bytes > y->bytes ? -1 :
	    strcmp(x->name, y->name);
}

/* Categories of the top sites: their areas hold everything below. */
static void
network_categories(struct report *r, const struct report_sources *src)
{
	const struct conf	*c = src->conf;
	struct category_total	 tot[128];
	struct report_table	*t;
	struct rrd_query	 q;
	struct dirent		*de;
	DIR			*dir;
	char			 path[PATH_MAX], file[PATH_MAX * 2], err[512];
	const char		*files[1] = { file };
	double			 all = 0;
	size_t			 i, k, n = 0, len;

	for (i = 0; i < c->sites.n; i++) {
		if (c->sites.v[i].parent >= 0)
			continue;
		snprintf(path, sizeof(path), "%s/cat/%s", src->rrd_dir,
		    c->sites.v[i].name);
		if ((dir = opendir(path)) == NULL)
			continue;
		while ((de = readdir(dir)) != NULL) {
			len = strlen(de->d_name);
			if (len < 5 || len - 4 >= sizeof(tot[0].name) ||
			    strcmp(de->d_name + len - 4, ".rrd") != 0)
				continue;
			snprintf(file, sizeof(file), "%s/%s", path, de->d_name);
			if (rrd_query_files(files, 1, (time_t)(r->since_us /
			    1000000), (time_t)(r->until_us / 1000000), &q, err,
			    sizeof(err)) == -1)
				continue;
			for (k = 0; k < n; k++)
				if (strncmp(tot[k].name, de->d_name, len - 4) ==
				    0 && tot[k].name[len - 4] == '\0')
					break;
			if (k == n) {
				if (n == sizeof(tot) / sizeof(tot[0]))
					continue;
				memcpy(tot[n].name, de->d_name, len - 4);
				tot[n].name[len - 4] = '\0';
				tot[n++].bytes = 0;
			}
			tot[k].bytes += BITS_TO_BYTES(q.sum[0] + q.sum[1]);
		}
		closedir(dir);
	}
	/* The first n are set: cppcheck cannot tell. */
	/* cppcheck-suppress uninitvar */
	qsort(tot, n, sizeof(tot[0]), by_bytes);
	for (k = 0; k < n; k++)
		all += tot[k].bytes;
	t = report_table(r, "主要应用类别", "Top application categories",
	    "应用类别", "Category", "字节", "Bytes", "占比 %", "Share %",
	    NULL);
	for (k = 0; t != NULL && k < n && k < TOP_CATEGORIES; k++) {
		report_row(t);
		report_text(t, tot[k].name);
		report_real(t, round(tot[k].bytes), 0);
		report_real(t, all > 0 ? tot[k].bytes / all * 100 : NAN, 2);
	}
}

/* Security --------------------------------------------------------------- */

/* Runs sql with the range bound as ?1, ?2 and hands each row to fn. */
static int
each_row(struct report *r, const struct report_sources *src, struct store *s,
    const char *sql, row_fn *fn, struct report_table *t)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, r->since_us);
	sqlite3_bind_int64(st, 2, r->until_us);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (t != NULL) {
			report_row(t);
			fn(t, st, src->conf);
		}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void
col_text(struct report_table *t, sqlite3_stmt *st, int i)
{
	report_text(t, (const char *)sqlite3_column_text(st, i));
}

static void
row_rule(struct report_table *t, sqlite3_stmt *st, const struct conf *c)
{
	report_int(t, sqlite3_column_int64(st, 0));
	cell_word(t, conf_severity_name((enum severity)
	    sqlite3_column_int(st, 1)));
	col_text(t, st, 2);
	col_text(t, st, 3);
	report_int(t, sqlite3_column_int64(st, 4));
	report_int(t, sqlite3_column_int64(st, 5));
}

static void
row_site(struct report_table *t, sqlite3_stmt *st, const struct conf *c)
{
	cell_site(t, c, (const char *)sqlite3_column_text(st, 0));
	report_int(t, sqlite3_column_int64(st, 1));
	report_int(t, sqlite3_column_int64(st, 2));
}

static void
row_severity(struct report_table *t, sqlite3_stmt *st, const struct conf *c)
{
	cell_word(t, conf_severity_name((enum severity)
	    sqlite3_column_int(st, 0)));
	cell_word(t, store_state_name((enum store_state)
	    sqlite3_column_int(st, 1)));
	report_int(t, sqlite3_column_int64(st, 2));
}

static void
row_offender(struct report_table *t, sqlite3_stmt *st, const struct conf *c)
{
	col_text(t, st, 0);
	cell_site(t, c, (const char *)sqlite3_column_text(st, 1));
	report_int(t, sqlite3_column_int64(st, 2));
	report_int(t, sqlite3_column_int64(st, 3));
	report_int(t, sqlite3_column_int64(st, 4));
}

static void
row_evidence(struct report_table *t, sqlite3_stmt *st, const struct conf *c)
{
	char	 when[32];

	report_int(t, sqlite3_column_int64(st, 0));
	report_int(t, sqlite3_column_int64(st, 1));
	col_text(t, st, 2);
	col_text(t, st, 3);
	report_text(t, stamp(sqlite3_column_int64(st, 4), when, sizeof(when)));
	report_int(t, sqlite3_column_int64(st, 5));
	report_int(t, sqlite3_column_int64(st, 6));
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t	 x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* From a record's creation to its first review, over reviewed records. */
static int
security_acknowledge(struct report *r, const struct report_sources *src)
{
	struct report_table	*t;
	sqlite3_stmt		*st, *rec;
	int64_t			*d = NULL, *grown, sum = 0, created;
	size_t			 n = 0, cap = 0;
	int			 rc, found;

	/*
	 * The reviews are the administrators' (one store), the records
	 * traffic's (the other): the first review of each, then its record.
	 */
	if (sqlite3_prepare_v2(store_db(src->admin), "SELECT record,"
	    " min(at_us) FROM reviews WHERE kind = 'violation'"
	    " GROUP BY record", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(store_db(src->store), "SELECT created_us FROM"
	    " violations WHERE id = ?1 AND first_us >= ?2 AND first_us < ?3",
	    -1, &rec, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_bind_int64(rec, 1, sqlite3_column_int64(st, 0));
		sqlite3_bind_int64(rec, 2, r->since_us);
		sqlite3_bind_int64(rec, 3, r->until_us);
		found = sqlite3_step(rec) == SQLITE_ROW;
		created = found ? sqlite3_column_int64(rec, 0) : 0;
		sqlite3_reset(rec);
		if (!found)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((grown = reallocarray(d, cap, sizeof(*d))) == NULL)
				break;
			d = grown;
		}
		d[n] = sqlite3_column_int64(st, 1) - created;
		sum += d[n++];
	}
	sqlite3_finalize(rec);
	sqlite3_finalize(st);
	if (n > 0)
		qsort(d, n, sizeof(*d), cmp_i64);
	t = report_table(r, "确认时长", "Time to acknowledge",
	    "已审核", "Reviewed", "平均 小时", "Mean hours",
	    "中位数 小时", "Median hours", "最长 小时", "Longest hours", NULL);
	report_row(t);
	report_int(t, (int64_t)n);
	report_real(t, n ? (double)sum / (double)n / 3.6e9 : NAN, 2);
	report_real(t, n ? (double)d[(n - 1) / 2] / 3.6e9 : NAN, 2);
	report_real(t, n ? (double)d[n - 1] / 3.6e9 : NAN, 2);
	report_note(t, "自记录生成至首次审核 / from the record to its first "
	    "review; the median is the lower middle value");
	free(d);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

static int
security(struct report *r, const struct report_sources *src)
{
	struct report_table	*t;
	int			 rv = 0;

	t = report_table(r, "按规则", "By rule", "规则", "Rule",
	    "级别", "Severity", "说明", "Message zh", "英文说明", "Message en",
	    "记录", "Records", "流", "Flows", NULL);
	rv |= each_row(r, src, src->store,
	    "SELECT rule, min(severity), msg_zh, msg_en,"
	    " count(*), sum(flows) FROM violations WHERE first_us >= ?1 AND"
	    " first_us < ?2 GROUP BY rule ORDER BY count(*) DESC, rule",
	    row_rule, t);
	t = report_table(r, "按站点", "By site", "站点", "Site",
	    "记录", "Records", "流", "Flows", NULL);
	rv |= each_row(r, src, src->store,
	    "SELECT CASE WHEN src_site != '' THEN src_site"
	    " WHEN dst_site != '' THEN dst_site ELSE '-' END AS s, count(*),"
	    " sum(flows) FROM violations WHERE first_us >= ?1 AND first_us <"
	    " ?2 GROUP BY s ORDER BY count(*) DESC, s", row_site, t);
	t = report_table(r, "按级别与状态", "By severity and state",
	    "级别", "Severity", "状态", "State", "记录", "Records", NULL);
	rv |= each_row(r, src, src->store,
	    "SELECT severity, state, count(*) FROM"
	    " violations WHERE first_us >= ?1 AND first_us < ?2 GROUP BY"
	    " severity, state ORDER BY severity, state", row_severity, t);
	t = report_table(r, "重复违规终端", "Repeat offenders",
	    "地址", "Address", "站点", "Site", "记录", "Records", "流", "Flows",
	    "规则数", "Rules", NULL);
	rv |= each_row(r, src, src->store,
	    "SELECT src_ip, max(src_site), count(*),"
	    " sum(flows), count(DISTINCT rule) FROM violations WHERE first_us"
	    " >= ?1 AND first_us < ?2 GROUP BY src_ip HAVING count(*) > 1 OR"
	    " sum(flows) > 1 ORDER BY count(*) DESC, sum(flows) DESC, src_ip"
	    " LIMIT 20", row_offender, t);
	rv |= security_acknowledge(r, src);
	t = report_table(r, "证据", "Evidence", "违规", "Violation",
	    "规则", "Rule", "源", "Source", "目的", "Destination",
	    "首次发现", "First seen", "抓包文件", "Captures",
	    "报文", "Packets", NULL);
	rv |= each_row(r, src, src->store,
	    "SELECT v.id, v.rule, v.src_ip, v.dst_ip,"
	    " v.first_us, count(e.id), sum(e.packets) FROM violations v JOIN"
	    " evidence e ON e.violation = v.id WHERE v.first_us >= ?1 AND"
	    " v.first_us < ?2 GROUP BY v.id ORDER BY v.id LIMIT 500",
	    row_evidence, t);
	report_note(t, "取证: zwctl violations evidence <违规> -o <文件>.pcap / "
	    "to fetch: zwctl violations evidence ID -o FILE.pcap");
	return rv;
}

/* Audit ------------------------------------------------------------------ */

static void
row_action(struct report_table *t, sqlite3_stmt *st, const struct conf *c)
{
	col_text(t, st, 0);
	report_int(t, sqlite3_column_int64(st, 1));
	report_int(t, sqlite3_column_int64(st, 2));
}

static void
row_record(struct report_table *t, sqlite3_stmt *st, const struct conf *c)
{
	char	 when[32];

	report_int(t, sqlite3_column_int64(st, 0));
	report_text(t, stamp(sqlite3_column_int64(st, 1), when, sizeof(when)));
	col_text(t, st, 2);
	col_text(t, st, 3);
	col_text(t, st, 4);
	col_text(t, st, 5);
	col_text(t, st, 6);
	col_text(t, st, 7);
}

#define RECORD_COLUMNS	"编号", "Id", "时间", "Time", "操作人", "Actor",	\
	"地址", "Address", "操作", "Action", "对象", "Object",			\
	"结果", "Outcome", "详情", "Detail"
#define RECORD_SELECT	"SELECT id, at_us, actor, address, action, object,"	\
	" outcome, detail FROM audit WHERE at_us >= ?1 AND at_us < ?2"

static int
audit(struct report *r, const struct report_sources *src)
{
	struct report_table	*t;
	struct audit_check	 c;
	char			 head[AUDIT_HASH_HEX + 24];
	int			 rv = 0;

	t = report_table(r, "管理操作", "Administrative actions",
	    "操作", "Action", "成功", "Succeeded", "失败或拒绝",
	    "Failed or denied", NULL);
	rv |= each_row(r, src, src->admin,
	    "SELECT action, sum(outcome = 'ok'),"
	    " sum(outcome != 'ok') FROM audit WHERE at_us >= ?1 AND at_us < ?2"
	    " GROUP BY action ORDER BY action", row_action, t);
	t = report_table(r, "登录失败", "Failed logins", RECORD_COLUMNS, NULL);
	rv |= each_row(r, src, src->admin,
	    RECORD_SELECT " AND action = 'login' AND"
	    " outcome != 'ok' ORDER BY id LIMIT 500", row_record, t);
	t = report_table(r, "配置与用户变更", "Configuration and user changes",
	    RECORD_COLUMNS, NULL);
	rv |= each_row(r, src, src->admin,
	    RECORD_SELECT " AND (action LIKE 'config%' OR"
	    " action LIKE 'rule%' OR action LIKE 'user%' OR action LIKE"
	    " 'settings%') ORDER BY id LIMIT 500", row_record, t);
	t = report_table(r, "审计链校验", "Audit chain verification",
	    "结果", "Result", "记录", "Records", "起", "First", "止", "Last",
	    "算法", "Algorithm", "链头", "Head", NULL);
	if (audit_verify(src->admin, &c) != 0)
		return -1;
	report_row(t);
	report_text(t, c.ok ? "完整 OK" : "已破坏 BROKEN");
	report_int(t, c.records);
	report_int(t, c.first_id);
	report_int(t, c.last_id);
	report_text(t, c.alg[0] ? c.alg : audit_default_alg());
	snprintf(head, sizeof(head), "%lld:%s", (long long)c.last_id, c.head);
	report_text(t, c.records > 0 ? head : "");
	if (!c.ok)
		report_note(t, "第 %lld 条: %s / at record %lld: %s",
		    (long long)c.broken_id, c.reason, (long long)c.broken_id,
		    c.reason);
	else
		report_note(t, "链头可用 zwctl audit verify --anchor 核对 / "
		    "the head, kept outside the box, is checked later with "
		    "zwctl audit verify --anchor: a trail cut or rewritten "
		    "since does not hold it");
	return rv;
}

int
report_build(struct report *r, const struct report_sources *src, char *err,
    size_t errlen)
{
	char	 hash[AUDIT_HASH_HEX + 1];
	int64_t	 id;
	int	 rv = 0;

	if (src->admin != NULL && audit_head(src->admin, &id, hash) == 0 &&
	    id > 0)
		snprintf(r->audit_head, sizeof(r->audit_head), "%lld:%s",
		    (long long)id, hash);
	switch (r->kind) {
	case REPORT_NETWORK:
		network_sites(r, src);
		network_links(r, src);
		network_categories(r, src);
		break;
	case REPORT_SECURITY:
		rv = src->store != NULL && src->admin != NULL ?
		    security(r, src) : -1;
		break;
	case REPORT_AUDIT:
		rv = src->admin != NULL ? audit(r, src) : -1;
		break;
	default:
		rv = -1;
	}
	if (rv != 0)
		snprintf(err, errlen, "%s report: %s", report_kind_name(r->kind),
		    src->store != NULL ? store_errmsg(src->store) :
		    src->admin != NULL ? store_errmsg(src->admin) : "no store");
	else if (r->failed)
		snprintf(err, errlen, "%s report: out of memory",
		    report_kind_name(r->kind));
	return rv != 0 || r->failed ? -1 : 0;
}
