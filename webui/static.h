/* The files under webui/static/, built into the program (embed.sh). */
#ifndef ZW_STATIC_H
#define ZW_STATIC_H

#include <stddef.h>

struct static_file {
	const char		*name;
	const char		*type;
	const unsigned char	*data;
	size_t			 len;
};

extern const struct static_file static_files[];

#endif
