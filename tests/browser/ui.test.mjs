// The web UI in a real browser: Debian's chromium driven by playwright-core,
// against the zw-webui that tests/cli/test_webui.py started and fed.
// Each role logs in and sees the fed data; the security administrator
// acknowledges a violation and downloads its evidence; the audit
// administrator may not review, and finds the review in the audit trail;
// the language switches.  Screenshots go to ZW_SHOTS.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";

const URL = process.env.ZW_URL;
const PASSWORD = process.env.ZW_PASSWORD;
const SHOTS = process.env.ZW_SHOTS;
let browser;

before(async () => {
	browser = await chromium.launch({
		executablePath: "/usr/bin/chromium",
		headless: true,
		args: ["--no-sandbox", "--disable-gpu", "--disable-quic",
		    "--no-first-run", "--disable-background-networking",
		    "--disable-component-update", "--disable-sync"],
	});
});

after(async () => { await browser.close(); });

async function login(user) {
	const context = await browser.newContext({ ignoreHTTPSErrors: true,
	    acceptDownloads: true, viewport: { width: 1280, height: 900 } });
	const page = await context.newPage();
	await page.goto(URL + "/");
	assert.match(page.url(), /\/login$/);
	await page.fill("input[name=user]", user);
	await page.fill("input[name=password]", PASSWORD);
	await Promise.all([page.waitForURL(URL + "/"), page.click("#login")]);
	return { context, page };
}

test("security administrator: overview, a violation acknowledged, evidence",
    async () => {
	const { context, page } = await login("sec");
	assert.equal(await page.textContent("h1"), "概览");
	assert.equal(await page.textContent("#packets"), process.env.ZW_PACKETS);
	assert.match(await page.textContent("#user"), /sec \(安全管理员\)/);
	await page.screenshot({ path: SHOTS + "/overview-secadmin.png",
	    fullPage: true });
	await page.click("nav >> text=违规");
	await page.waitForSelector("#violations");
	await page.screenshot({ path: SHOTS + "/violations.png", fullPage: true });
	// The newest with evidence: the CONNECT session through the proxy.
	await page.selectOption("select[name=severity]", "high");
	await page.click("#filters button");
	await page.waitForSelector("#violations tr:nth-child(2)");
	await page.click("#violations tr:nth-child(2) a");
	await page.waitForSelector("#detail");
	const id = page.url().split("/").pop();
	await page.screenshot({ path: SHOTS + "/violation-detail.png",
	    fullPage: true });
	const [dl] = await Promise.all([page.waitForEvent("download"),
	    page.click("#evidence a")]);
	const pcap = readFileSync(await dl.path());
	assert.equal(pcap.readUInt32LE(0), 0xa1b2c3d4, "a pcap");
	assert.match(dl.suggestedFilename(), /^violation-\d+-1\.pcap$/);
	await page.fill("textarea[name=comment]", "已联系建昌镇网管");
	await Promise.all([page.waitForURL(URL + "/violations/" + id),
	    page.click("#acknowledged")]);
	assert.match(await page.textContent("#detail"), /已确认/);
	assert.match(await page.textContent("#detail"), /已联系建昌镇网管/);
	await page.screenshot({ path: SHOTS + "/violation-acknowledged.png",
	    fullPage: true });
	await context.close();
});

test("audit administrator: refused a review, sees it in the trail",
    async () => {
	const { context, page } = await login("aud");
	await page.goto(URL + "/violations?severity=high");
	await page.click("#violations tr:nth-child(2) a");
	await page.waitForSelector("#detail");
	assert.equal(await page.$("#review"), null, "no review form");
	// Posting the form anyway, with the page's own token: refused.
	const status = await page.evaluate(async () => {
		const csrf = document.querySelector("input[name=csrf]").value;
		const id = location.pathname.split("/").pop();
		const r = await fetch("/review/" + id, { method: "POST",
		    headers: { "Content-Type":
		    "application/x-www-form-urlencoded" },
		    body: "state=resolved&comment=x&csrf=" + csrf });
		return r.status;
	});
	assert.equal(status, 403);
	await page.click("nav >> text=审计");
	await page.waitForSelector("#audit");
	const trail = await page.textContent("#audit");
	assert.match(trail, /violation-review/);
	assert.match(trail, /已联系建昌镇网管/);
	assert.match(trail, /access-denied/);
	// Outcomes and roles in the page's language.
	assert.match(trail, /拒绝/);
	assert.match(trail, /安全管理员/);
	assert.match(await page.textContent("#chain"), /完整/);
	await page.screenshot({ path: SHOTS + "/audit-trail.png",
	    fullPage: true });
	await page.click("nav >> text=报告");
	await page.fill("input[name=since]", "2026-01-01");
	await page.fill("input[name=until]", "2026-01-02");
	await page.selectOption("select[name=kind]", "security");
	await Promise.all([page.waitForURL(URL + "/reports"),
	    page.click("#make button")]);
	assert.match(await page.textContent("#reports"),
	    /web\/security-2026-01-01-2026-01-02\.pdf\.sig/);
	await page.screenshot({ path: SHOTS + "/reports.png", fullPage: true });
	// Not the system administrator's pages.
	const users = await page.goto(URL + "/users");
	assert.equal(users.status(), 403);
	await context.close();
});

test("system administrator: users; the language switches", async () => {
	const { context, page } = await login("admin");
	await page.click("nav >> text=用户");
	await page.waitForSelector("#users");
	const list = await page.textContent("#users");
	for (const u of ["admin", "sec", "aud", "view"])
		assert.match(list, new RegExp(u));
	await page.screenshot({ path: SHOTS + "/users.png", fullPage: true });
	await page.click("#lang");
	await page.waitForSelector("text=Users");
	assert.equal(await page.textContent("h1"), "Users");
	await page.goto(URL + "/");
	assert.equal(await page.textContent("h1"), "Overview");
	await page.screenshot({ path: SHOTS + "/overview-english.png",
	    fullPage: true });
	await context.close();
});

test("viewer: bandwidth tree, a site's trend, devices", async () => {
	const { context, page } = await login("view");
	await page.click("nav >> text=带宽");
	await page.waitForSelector("#sites");
	assert.match(await page.textContent("#sites"), /建昌镇/);
	await page.screenshot({ path: SHOTS + "/bandwidth.png", fullPage: true });
	await page.click("#sites >> text=建昌镇");
	await page.waitForSelector("svg.chart");
	await page.screenshot({ path: SHOTS + "/site-trend.png",
	    fullPage: true });
	await page.click("nav >> text=设备");
	await page.waitForSelector("#devices");
	if (process.env.ZW_DEVICES === "1") {
		assert.match(await page.textContent("#devices"), /sw-nancheng/);
		await page.click("#devices >> text=sw-nancheng");
		await page.waitForSelector("#ports");
		assert.match(await page.textContent("#ports"),
		    /GigabitEthernet0\/0\/1/);
		await page.screenshot({ path: SHOTS + "/device-ports.png",
		    fullPage: true });
	}
	const audit = await page.goto(URL + "/audit");
	assert.equal(audit.status(), 403);
	await context.close();
});
