# Unit tests (cmocka), built in every variant; `make check` uses the
# sanitizer build.  Each test-*.c is one program linked with the collector.
UNIT_SRCS	:= $(wildcard tests/unit/test-*.c)
UNIT_BINS	:= $(UNIT_SRCS:tests/unit/%.c=$(O)/tests/%)

$(O)/tests/%: $(O)/tests/unit/%.o $(O)/libcollector.a
	@mkdir -p $(@D)
	$(call say,LD,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lcmocka

$(O)/tests/unit/%.o: ALL_CFLAGS += -Itests/unit

test-binaries: $(O)/zw-collector $(UNIT_BINS)

-include $(UNIT_SRCS:%.c=$(O)/%.d)
