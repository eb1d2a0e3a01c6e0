# The collector: capture -> decode -> fragments -> flows -> DPI -> records.
COLLECTOR_SRCS	:= collector/capture.c collector/capture-map.c collector/decode.c \
		   collector/decode-link.c collector/decode-ip.c \
		   collector/decode-l4.c collector/decode-tunnel.c \
		   collector/frag-table.c collector/flow-table.c \
		   collector/hash.c collector/dpi.c collector/flow-output.c \
		   collector/ipfix-out.c \
		   collector/pipeline.c collector/pipeline-sinks.c collector/status.c collector/zone-map.c collector/policy.c \
		   collector/violation-log.c collector/violation-store.c \
		   collector/evidence.c collector/detect.c collector/accounting.c \
		   collector/trend-writer.c collector/workers.c collector/ring.c \
		   collector/protos.c
COLLECTOR_OBJS	:= $(COLLECTOR_SRCS:%.c=$(O)/%.o)
COLLECTOR_MAIN	:= $(O)/collector/main.o

# Everything but main(), for the tests and the fuzz harnesses.
# The capture-to-store pipeline, for the collector and the tests.
$(O)/libcollector.a: $(COLLECTOR_OBJS)
	$(call say,AR,$@)rm -f $@ && $(AR) rcs $@ $^

# No libadmin: the packet parser has no code for the administrators' store.
$(O)/zw-collector: $(COLLECTOR_MAIN) $(O)/libcollector.a $(O)/libevents.a \
		$(O)/libbase.a
	$(call say,LD,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# make BUILD=check builds the sanitizers' programs in build/check/.
ifneq ($(BUILD),fuzz)
all: $(O)/zw-collector
endif
ifeq ($(BUILD),release)
collector/zw-collector: $(O)/zw-collector
	$(Q)cp $< $@
all: collector/zw-collector
CLEAN_FILES	+= collector/zw-collector
endif

-include $(COLLECTOR_OBJS:.o=.d) $(COLLECTOR_MAIN:.o=.d)
