/*
 * HTML: the frame of every page (navigation by role, language switch,
 * the user and a logout form), escaping, and the words of the interface
 * in Chinese and English, as rows of one table.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>

#include "webui.h"

static const struct word {
	const char	*id, *zh, *en;
} words[] = {
	{ "account",		"账户",		"Account" },
	{ "ack",		"确认",		"Acknowledge" },
	{ "acknowledged",	"已确认",	"acknowledged" },
	{ "action",		"操作",		"Action" },
	{ "actor",		"操作人",	"Actor" },
	{ "add_user",		"添加用户",	"Add user" },
	{ "address",		"地址",		"Address" },
	{ "admin_down",		"管理关闭",	"admin down" },
	{ "alias",		"描述",		"Alias" },
	{ "all",		"全部",		"all" },
	{ "app",		"应用",		"Application" },
	{ "apply",		"筛选",		"Filter" },
	{ "audit",		"审计",		"Audit" },
	{ "audit_chain",	"审计链",	"Audit chain" },
	{ "bad_code",		"动态口令错误",	"Wrong one-time code" },
	{ "bad_csrf",		"请求缺少有效的令牌",	"The request lacks a valid token" },
	{ "bad_login",		"用户名或密码错误",	"Wrong user name or password" },
	{ "bad_request",	"请求格式错误",	"Malformed request" },
	{ "bandwidth",		"带宽",		"Bandwidth" },
	{ "bytes",		"字节",		"Bytes" },
	{ "capture",		"采集",		"Capture" },
	{ "certificate",	"证书",		"Certificate" },
	{ "change_password",	"修改密码",	"Change password" },
	{ "city",		"市",		"City" },
	{ "code",		"动态口令",	"One-time code" },
	{ "comment",		"说明",		"Comment" },
	{ "configuration",	"配置",		"Configuration" },
	{ "contract",		"合同带宽",	"Contract" },
	{ "counted_at_end",	"流结束时计入",	"counted when its flows end" },
	{ "county",		"县",		"County" },
	{ "critical",		"严重",		"critical" },
	{ "current_password",	"当前密码",	"Current password" },
	{ "destination",	"目的",		"Destination" },
	{ "detail",		"详情",		"Detail" },
	{ "device",		"设备",		"Device" },
	{ "devices",		"设备",		"Devices" },
	{ "devices_down",	"离线设备",	"Devices down" },
	{ "disable",		"停用",		"Disable" },
	{ "disabled",		"已停用",	"disabled" },
	{ "download",		"下载",		"Download" },
	{ "drops",		"丢包",		"Drops" },
	{ "enable",		"启用",		"Enable" },
	{ "evidence",		"证据",		"Evidence" },
	{ "exits",		"互联网出口",	"Internet exits" },
	{ "expired",		"密码已过期或须修改，请先修改密码",	"Your password has expired or must change: change it first" },
	{ "external",		"政务外网",	"extranet" },
	{ "failed",		"操作失败",	"Failed" },
	{ "false-positive",	"误报",		"false positive" },
	{ "first_seen",		"首次发现",	"First seen" },
	{ "flows",		"流",		"Flows" },
	{ "forbidden",		"无权访问",	"Not allowed for your role" },
	{ "format",		"格式",		"Format" },
	{ "from_day",		"起始日期",	"From" },
	{ "generate",		"生成",		"Generate" },
	{ "high",		"高",		"high" },
	{ "host",		"主机名",	"Host" },
	{ "in",			"入",		"In" },
	{ "info",		"提示",		"info" },
	{ "interfaces",		"端口",		"Ports" },
	{ "internal",		"政务内网",	"internal" },
	{ "internet",		"互联网",	"internet" },
	{ "kind",		"类型",		"Kind" },
	{ "last_seen",		"最后发现",	"Last seen" },
	{ "level",		"级别",		"Level" },
	{ "listen",		"监听地址",	"Listening on" },
	{ "locked",		"账户已锁定，请稍后再试",	"The account is locked; try later" },
	{ "login",		"登录",		"Log in" },
	{ "login_first",	"请先登录",	"Log in first" },
	{ "logout",		"退出",		"Log out" },
	{ "low",		"低",		"low" },
	{ "malformed",		"畸形包",	"Malformed" },
	{ "mark_fp",		"标记误报",	"Mark false positive" },
	{ "medium",		"中",		"medium" },
	{ "name",		"名称",		"Name" },
	{ "need_code",		"请输入动态口令",	"Enter your one-time code" },
	{ "network",		"网络与带宽",	"Network and bandwidth" },
	{ "new",		"新",		"new" },
	{ "new_password",	"新密码",	"New password" },
	{ "newest",		"最新违规",	"Newest violations" },
	{ "next",		"下一页",	"Next page" },
	{ "no_status",		"采集器未发布状态",	"The collector has published no status" },
	{ "not_found",		"未找到",	"Not found" },
	{ "ok",			"正常",		"up" },
	{ "out",		"出",		"Out" },
	{ "outcome",		"结果",		"Outcome" },
	{ "overview",		"概览",		"Overview" },
	{ "p95",		"95%值",	"95th percentile" },
	{ "packets",		"报文",		"Packets" },
	{ "password",		"密码",		"Password" },
	{ "password_changed",	"密码已修改",	"Password changed" },
	{ "peak",		"峰值",		"Peak" },
	{ "poll_interval",	"轮询间隔 (秒)",	"Poll interval (s)" },
	{ "poller",		"轮询",		"Poller" },
	{ "port",		"端口",		"Port" },
	{ "port_down",		"故障",		"down" },
	{ "range",		"时段",		"Range" },
	{ "region",		"省级",		"Region" },
	{ "report_dir",		"报告目录",	"Reports" },
	{ "reports",		"报告",		"Reports" },
	{ "resolve",		"解决",		"Resolve" },
	{ "resolved",		"已解决",	"resolved" },
	{ "retention_days",	"日志保存天数",	"Days records are kept" },
	{ "review",		"审核",		"Review" },
	{ "role",		"角色",		"Role" },
	{ "rrd_dir",		"趋势数据目录",	"Trend files" },
	{ "rule",		"规则",		"Rule" },
	{ "rules",		"规则",		"Rules" },
	{ "save",		"保存",		"Save" },
	{ "security",		"安全与违规",	"Security and violations" },
	{ "settings",		"设置",		"Settings" },
	{ "severity",		"级别",		"Severity" },
	{ "site",		"站点",		"Site" },
	{ "sites",		"站点",		"Sites" },
	{ "source",		"源",		"Source" },
	{ "state",		"状态",		"State" },
	{ "status",		"状态",		"Status" },
	{ "store",		"事件库",	"Event store" },
	{ "time",		"时间",		"Time" },
	{ "to_day",		"截止日期",	"Until" },
	{ "too_many",		"请求过多，请稍后再试",	"Too many requests; try later" },
	{ "top_sites",		"利用率最高的站点",	"Sites with the highest utilisation" },
	{ "totp",		"双因素认证",	"Two-factor authentication" },
	{ "township",		"乡镇",		"Township" },
	{ "unknown",		"未知",		"unknown" },
	{ "unlock",		"解锁",		"Unlock" },
	{ "user",		"用户",		"User" },
	{ "users",		"用户",		"Users" },
	{ "utilisation",	"利用率",	"Utilisation" },
	{ "version",		"版本",		"Version" },
	{ "village",		"村",		"Village" },
	{ "violations",		"违规",		"Violations" },
	{ "zones",		"区域",		"Zones" },
	{ NULL,			NULL,		NULL }
};

const char *
T(const struct req *r, const char *id)
{
	const struct word	*w;

	if (id == NULL)
		return "";
	for (w = words; w->id != NULL; w++)
		if (strcmp(w->id, id) == 0)
			return r->en ? w->en : w->zh;
	return id;
}

/* A site as people name it, in the page's language; its id if unknown. */
const char *
html_site(const struct req *r, const char *id)
{
	const struct conf_site	*s;
	int			 k;

	if (id == NULL || *id == '\0' || (k = conf_site_index(r->w->conf,
	    id)) < 0)
		return id;
	s = &r->w->conf->sites.v[k];
	if (r->en)
		return s->name_en[0] != '\0' ? s->name_en : id;
	return s->name_zh[0] != '\0' ? s->name_zh : id;
}

void
html_esc(struct evbuffer *b, const char *s)
{
	const char	*p;

	for (p = s ? s : ""; *p != '\0'; p++)
		switch (*p) {
		case '<':
			evbuffer_add(b, "&lt;", 4);
			break;
		case '>':
			evbuffer_add(b, "&gt;", 4);
			break;
		case '&':
			evbuffer_add(b, "&amp;", 5);
			break;
		case '"':
			evbuffer_add(b, "&quot;", 6);
			break;
		case '\'':
			evbuffer_add(b, "&#39;", 5);
			break;
		default:
			evbuffer_add(b, p, 1);
		}
}

void
html_csrf(struct req *r, struct evbuffer *b)
{
	if (r->session != NULL)
		evbuffer_add_printf(b, "<input type=\"hidden\" name=\"csrf\" "
		    "value=\"%s\">", r->session->csrf);
}

const char *
html_time(int64_t us, char *buf, size_t len)
{
	struct tm	 tm;
	time_t		 t = (time_t)(us / 1000000);

	if (us == 0)
		return "-";
	localtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	return buf;
}

void
html_bps(struct evbuffer *b, double bps)
{
	if (bps >= 1e9)
		evbuffer_add_printf(b, "%.2f Gbit/s", bps / 1e9);
	else if (bps >= 1e6)
		evbuffer_add_printf(b, "%.2f Mbit/s", bps / 1e6);
	else
		evbuffer_add_printf(b, "%.0f kbit/s", bps / 1e3);
}

static const struct nav {
	const char	*path, *word;
	unsigned int	 roles;
} nav[] = {
	{ "/",		"overview",	ROLES_ALL },
	{ "/bandwidth",	"bandwidth",	ROLES_ALL },
	{ "/violations", "violations",	ROLES_ALL },
	{ "/devices",	"devices",	ROLES_ALL },
	{ "/audit",	"audit",	ROLE_BIT(ROLE_AUDITADMIN) },
	{ "/reports",	"reports",	ROLE_BIT(ROLE_AUDITADMIN) },
	{ "/users",	"users",	ROLE_BIT(ROLE_SYSADMIN) },
	{ "/settings",	"settings",	ROLE_BIT(ROLE_SYSADMIN) },
	{ "/account",	"account",	ROLES_ALL },
};

void
html_begin(struct req *r, struct evbuffer *b, const char *title)
{
	size_t	 i;

	evbuffer_add_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\"><head>"
	    "<meta charset=\"utf-8\"><meta name=\"viewport\" content=\""
	    "width=device-width\"><title>", r->en ? "en" : "zh-CN");
	html_esc(b, title);
	evbuffer_add_printf(b, " · zonewatch</title><link rel=\"stylesheet\" "
	    "href=\"/static/style.css\"><script src=\"/static/app.js\" "
	    "defer></script></head><body><header><a class=\"brand\" "
	    "href=\"/\">zonewatch %s</a><nav>", r->en ? "" : "政务外网监测");
	for (i = 0; r->session != NULL && !r->session->must_change &&
	    i < sizeof(nav) / sizeof(nav[0]); i++)
		if (nav[i].roles & ROLE_BIT(r->session->role))
			evbuffer_add_printf(b, "<a href=\"%s\"%s>%s</a>",
			    nav[i].path, strcmp(nav[i].path, r->path) == 0 ?
			    " class=\"here\"" : "", T(r, nav[i].word));
	evbuffer_add_printf(b, "</nav><div class=\"who\"><a href=\"?lang=%s\" "
	    "id=\"lang\">%s</a>", r->en ? "zh" : "en", r->en ? "中文" :
	    "English");
	if (r->session != NULL) {
		evbuffer_add_printf(b, " <span id=\"user\">");
		html_esc(b, r->session->user);
		evbuffer_add_printf(b, " (%s)</span><form method=\"post\" "
		    "action=\"/logout\" class=\"inline\">",
		    user_role_text(r->session->role, r->en));
		html_csrf(r, b);
		evbuffer_add_printf(b, "<button>%s</button></form>",
		    T(r, "logout"));
	}
	evbuffer_add_printf(b, "</div></header><main><h1>");
	html_esc(b, title);
	evbuffer_add_printf(b, "</h1>");
}

void
html_end(struct req *r, struct evbuffer *b)
{
	evbuffer_add_printf(b, "</main><footer>zonewatch %s · %s</footer>"
	    "</body></html>\n", ZW_VERSION, r->en ? "extranet isolation and "
	    "bandwidth monitoring" : "政务外网隔离与带宽监测");
}
