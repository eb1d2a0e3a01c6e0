// zonewatch: the little the pages do in the browser.  Everything works
// without it; with it, choosing a range applies at once.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
	document.querySelectorAll("select[data-submit]").forEach(function (s) {
		s.addEventListener("change", function () { s.form.submit(); });
	});
});
