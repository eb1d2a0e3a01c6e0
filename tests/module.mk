# Unit tests (cmocka), built in every variant; `make check` uses the
# sanitizer build.  Each test-*.c is one program linked with the collector.
UNIT_SRCS	:= $(wildcard tests/unit/test-*.c)
UNIT_BINS	:= $(UNIT_SRCS:tests/unit/%.c=$(O)/tests/%)

$(O)/tests/%: $(O)/tests/unit/%.o $(O)/libpoller.a $(O)/libcollector.a \
		$(O)/libadmin.a $(O)/libevents.a $(O)/libbase.a
	@mkdir -p $(@D)
	$(call say,LD,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(SNMP_LIBS) -lcmocka

$(O)/tests/unit/%.o: ALL_CFLAGS += -Itests/unit -Ipoller

test-binaries: $(O)/zw-collector $(O)/zwctl $(O)/zw-poller $(O)/zw-agentx \
		$(O)/zw-webui \
		$(UNIT_BINS)

-include $(UNIT_SRCS:%.c=$(O)/%.d)

# Fuzz harnesses (BUILD=fuzz: clang with libFuzzer).
FUZZ_SRCS	:= $(wildcard tests/fuzz/fuzz-*.c)
FUZZ_BINS	:= $(FUZZ_SRCS:tests/fuzz/%.c=$(O)/fuzz/%)

$(O)/fuzz/%: $(O)/tests/fuzz/%.o $(O)/libcollector.a $(O)/libevents.a \
		$(O)/libbase.a
	@mkdir -p $(@D)
	$(call say,LD,$@)$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS)

# The subagent's reader: its own objects, jansson and net-snmp.
$(O)/fuzz/fuzz-agent-state: $(O)/tests/fuzz/fuzz-agent-state.o \
		$(O)/libstate.a $(O)/libevents.a $(O)/libbase.a
	@mkdir -p $(@D)
	$(call say,LD,$@)$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS) $(AGENT_LIBS)

# The poller's reading of answers: net-snmp's parser, then if-walk.c.
$(O)/fuzz/fuzz-snmp-answer: $(O)/tests/fuzz/fuzz-snmp-answer.o \
		$(O)/libpoller.a $(O)/libevents.a $(O)/libbase.a
	@mkdir -p $(@D)
	$(call say,LD,$@)$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS) $(SNMP_LIBS)

$(O)/tests/fuzz/fuzz-snmp-answer.o: ALL_CFLAGS += -Ipoller

fuzz-binaries: $(FUZZ_BINS)

-include $(FUZZ_SRCS:%.c=$(O)/%.d)

# The web UI's request parsing.
$(O)/fuzz/fuzz-form: $(O)/tests/fuzz/fuzz-form.o $(O)/webui/form.o
	@mkdir -p $(@D)
	$(call say,LD,$@)$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $^

$(O)/tests/fuzz/fuzz-form.o: ALL_CFLAGS += -Iwebui

# Every header compiles on its own, first in a file: it includes what it
# uses.  A stamp per header, so only changed ones are compiled again.
HEADERS		:= $(wildcard lib/*.h collector/*.h poller/*.h snmpd-ext/*.h \
		   webui/*.h ctl/*.h tests/unit/*.h)
HEADER_STAMPS	:= $(HEADERS:%.h=$(O)/headers/%.ok)
HEADER_CFLAGS	= $(filter-out -MMD -MP,$(ALL_CFLAGS)) -Wno-unused-function \
		  $(REPORT_CFLAGS) $(patsubst -I%,-isystem %,$(shell \
		  pkg-config --cflags libevent jansson 2>/dev/null))

$(O)/headers/%.ok: %.h
	@mkdir -p $(@D)
	$(call say,HDR,$<)$(CC) $(HEADER_CFLAGS) -fsyntax-only -include $< \
	    -x c /dev/null && touch $@

headers: $(HEADER_STAMPS)
