# Benchmark tools (release build).
$(O)/bench/gen-capture: $(O)/bench/gen-capture.o
	@mkdir -p $(@D)
	$(call say,LD,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

bench-binaries: $(O)/bench/gen-capture

-include $(O)/bench/gen-capture.d
