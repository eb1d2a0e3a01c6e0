# zonewatch: network management and isolation monitoring for the extranet.
#
#   make run     build and start the demo appliance (installs what it needs)
#   make check   build with ASan+UBSan and run every test
#   make bench   benchmarks against ndpiReader
#   make fuzz    run each fuzz harness for FUZZ_SECONDS
#   make deps    install the Debian packages the project needs
#
# BUILD selects a variant: release (default), check (sanitizers) or
# fuzz (clang, libFuzzer).  Objects go to build/$(BUILD)/; the release
# binaries also land beside their sources (collector/zw-collector).

PREFIX		?= /usr/local
DESTDIR		?=
SYSCONFDIR	?= /etc
LOCALSTATEDIR	?= /var
SYSTEMDDIR	?= /lib/systemd/system
CREATE_USER	?= auto
DAEMON_PREFIX	?= zw-
DAEMON_GROUP	?= zonewatch
TMPFILESDIR	?= /usr/lib/tmpfiles.d
BUILD		?= release
O		:= build/$(BUILD)
V		?= 0
FUZZ_SECONDS	?= 60

ZW_VERSION	:= 0.1.0
# The enterprise number (RFC 5612 example until a deployment has its own):
# the syslog structured data and the MIB are named under it.
ZW_ENTERPRISE	?= 32473

# Every Debian package the build, the tests and the demo use.
DEB_PACKAGES	:= build-essential pkg-config clang libclang-rt-14-dev \
		   libpcap-dev libndpi-dev libndpi-bin libcmocka-dev \
		   libsqlite3-dev sqlite3 libsnmp-dev snmp snmpd snmpsim \
		   librrd-dev rrdtool rrdcached libssl-dev openssl libjansson-dev libevent-dev libcap-ng-dev libseccomp-dev \
		   libcairo2-dev libpango1.0-dev fonts-wqy-microhei poppler-utils smitools snmptrapd \
		   python3 tcpdump iproute2 iputils-ping time valgrind wrk chromium nodejs \
		   libcap2-bin debootstrap nfdump cppcheck shellcheck

ifeq ($(BUILD),fuzz)
CC		:= clang
endif
CC		?= cc

WARNINGS	:= -Wall -Wextra -Werror -Wshadow -Wpointer-arith \
		   -Wcast-qual -Wstrict-prototypes -Wmissing-prototypes \
		   -Wmissing-declarations -Wformat=2 -Wundef -Wvla \
		   -Wwrite-strings -Wno-unused-parameter
# nDPI's headers are not ours to warn about.
PKG_CFLAGS	= $(patsubst -I%,-isystem %,$(shell pkg-config --cflags libndpi libpcap sqlite3 librrd libcrypto 2>/dev/null))
PKG_LIBS	= $(shell pkg-config --libs libndpi libpcap sqlite3 librrd libcrypto libcap-ng libseccomp 2>/dev/null) -lpthread
# net-snmp's client library, for the poller only.
SNMP_LIBS	= $(shell net-snmp-config --netsnmp-libs 2>/dev/null)

CFLAGS_release	:= -O2 -g
# The sanitizers do not see a read of an uninitialised local: filled with
# a pattern, it shows in a test's output instead of passing as zeros.
CFLAGS_check	:= -O1 -g -fno-omit-frame-pointer \
		   -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -ftrivial-auto-var-init=pattern
CFLAGS_fuzz	:= -O1 -g -fno-omit-frame-pointer \
		   -fsanitize=fuzzer-no-link,address,undefined
LDFLAGS_check	:= -fsanitize=address,undefined
LDFLAGS_fuzz	:= -fsanitize=address,undefined

ALL_CFLAGS	= -std=c11 -D_GNU_SOURCE -DZW_VERSION='"$(ZW_VERSION)"' \
		  -DZW_ENTERPRISE=$(ZW_ENTERPRISE) \
		  $(WARNINGS) $(CFLAGS_$(BUILD)) -MMD -MP \
		  -Ilib -Icollector $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS	= $(LDFLAGS_$(BUILD)) $(LDFLAGS)

ifeq ($(V),0)
Q		:= @
say		= @printf '  %-6s %s\n' $(1) $(2);
else
Q		:=
say		=
endif

.PHONY: all deps headers lint run check bench fuzz install deb clean distclean \
	settings-man
.PRECIOUS: $(O)/%.o

all:

include lib/module.mk
include collector/module.mk
include ctl/module.mk
include poller/module.mk
include snmpd-ext/module.mk
include webui/module.mk
include tests/module.mk
include bench/module.mk

$(O)/%.o: %.c
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) -c $< -o $@

# Commands some systems have from other packages than Debian's (npm comes
# with NodeSource's nodejs, which conflicts with Debian's npm): a package
# of this list is installed only when its command is missing.
DEB_COMMANDS	:= npm:npm

# Installs only what is missing, so a second run is quiet.
deps:
	@missing=""; \
	for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | \
		    grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	for c in $(DEB_COMMANDS); do \
		command -v $${c%%:*} >/dev/null || missing="$$missing $${c#*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "deps: installing$$missing"; \
		[ "$$(id -u)" = 0 ] || { echo "deps: run as root to install$$missing" >&2; exit 1; }; \
		apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		    --no-install-recommends $$missing >/dev/null; \
	fi

run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)appliance/demo.sh

# Static analysis.  varFuncNullUB: NULL ends the variadic lists, a
# pointer on every platform we build for, and the functions that take
# such lists say so (sentinel), so the compiler checks their calls.
# unknownMacro: Jansson's json_*_foreach, which cppcheck is not shown.
# variableScope is not asked for: declarations go at the top (KNF).
LINT_DIRS	:= lib collector poller snmpd-ext webui ctl tests/unit tests/fuzz \
		   bench
LINT_SCRIPTS	:= appliance/*.sh tests/run.sh tests/fuzz/run.sh bench/run.sh \
		   webui/embed.sh .ci/run

lint: deps
	$(call say,LINT,cppcheck)cppcheck -q -j2 --error-exitcode=1 \
	    --enable=warning,portability,performance --inline-suppr \
	    --std=c11 -D_GNU_SOURCE $(addprefix -I,$(LINT_DIRS)) \
	    --suppress=missingIncludeSystem --suppress=varFuncNullUB \
	    --suppress=unknownMacro $(LINT_DIRS)
	$(call say,LINT,shellcheck)shellcheck -S warning $(LINT_SCRIPTS)

check: deps lint
	$(Q)$(MAKE) --no-print-directory BUILD=check headers test-binaries
	$(Q)$(MAKE) --no-print-directory BUILD=fuzz fuzz-binaries
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tests/run.sh

bench: deps
	$(Q)$(MAKE) --no-print-directory all bench-binaries
	$(Q)bench/run.sh

# The man page's list of settings, made again from the table the programs
# parse (lib/conf-settings.c); the tests compare the two.
settings-man: all
	$(Q)ctl/zwctl settings --mdoc >$(O)/settings.mdoc
	$(Q)awk -v list=$(O)/settings.mdoc \
	    '/^\.\\" settings: /{print; while ((getline l <list) > 0) print l; \
	    skip=1; next} /^\.\\" settings end/{skip=0} !skip' \
	    conf/zonewatch.conf.5 >$(O)/zonewatch.conf.5 && \
	    mv $(O)/zonewatch.conf.5 conf/zonewatch.conf.5

fuzz: deps
	$(Q)$(MAKE) --no-print-directory BUILD=fuzz fuzz-binaries
	$(Q)FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh

install: all
	$(Q)PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) SYSCONFDIR=$(SYSCONFDIR) \
	    LOCALSTATEDIR=$(LOCALSTATEDIR) SYSTEMDDIR=$(SYSTEMDDIR) \
	    ENTERPRISE=$(ZW_ENTERPRISE) CREATE_USER=$(CREATE_USER) \
	    DAEMON_PREFIX=$(DAEMON_PREFIX) DAEMON_GROUP=$(DAEMON_GROUP) \
	    TMPFILESDIR=$(TMPFILESDIR) \
	    appliance/install.sh

# A Debian package of the release build, in $(DEB_DIR).
DEB_DIR		?= build
deb: all
	$(Q)appliance/deb.sh $(DEB_DIR) $(ZW_VERSION) $(ZW_ENTERPRISE)

clean:
	rm -rf build $(CLEAN_FILES)

distclean: clean
