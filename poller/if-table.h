/*
 * A device's interfaces as one poll saw them (IF-MIB, RFC 2863), keyed
 * by ifIndex, which comes from each value's OID: many devices answer
 * without the ifIndex column.  Which columns a row has is kept: a device
 * without ifXTable has only 32-bit counters, one without ifHighSpeed only
 * ifSpeed, and the poller chooses per row.
 */
#ifndef ZW_IF_TABLE_H
#define ZW_IF_TABLE_H

#include <stddef.h>
#include <stdint.h>

#define IF_MAX_ROWS	8192	/* interfaces kept per device */
#define IF_NAME_MAX	64
#define IF_TEXT_MAX	128

/* The columns read, one bit each in a row's "have". */
#define IF_COLUMNS(X)						\
	X(DESCR,	"ifDescr")				\
	X(SPEED,	"ifSpeed")				\
	X(ADMIN,	"ifAdminStatus")			\
	X(OPER,		"ifOperStatus")				\
	X(IN32,		"ifInOctets")				\
	X(IN_DISC,	"ifInDiscards")				\
	X(IN_ERR,	"ifInErrors")				\
	X(OUT32,	"ifOutOctets")				\
	X(OUT_DISC,	"ifOutDiscards")			\
	X(OUT_ERR,	"ifOutErrors")				\
	X(NAME,		"ifName")				\
	X(HC_IN,	"ifHCInOctets")				\
	X(HC_OUT,	"ifHCOutOctets")			\
	X(HIGH_SPEED,	"ifHighSpeed")				\
	X(ALIAS,	"ifAlias")

#define IF_COL_ENUM(id, name)	IF_COL_##id,
enum if_column {
	IF_COLUMNS(IF_COL_ENUM)
	IF_NCOLUMNS
};
#undef IF_COL_ENUM

struct if_row {
	uint32_t	 index;
	uint32_t	 have;		/* 1 << enum if_column */
	char		 name[IF_NAME_MAX];
	char		 descr[IF_TEXT_MAX];
	char		 alias[IF_TEXT_MAX];
	uint32_t	 speed;		/* ifSpeed, bit/s, saturates */
	uint32_t	 high_speed;	/* ifHighSpeed, Mbit/s */
	uint8_t		 admin;
	uint8_t		 oper;
	uint64_t	 in_octets;	/* HC, or 32-bit */
	uint64_t	 out_octets;
	uint32_t	 in32, out32;
	uint32_t	 in_err, out_err, in_disc, out_disc;
	/* When the octet counters were read: a walk takes many answers. */
	uint32_t	 uptime;	/* the agent's sysUpTime then */
	uint64_t	 at_us;		/* our monotonic clock then */
	int		 have_uptime;
};

struct if_table {
	struct if_row	*rows;		/* sorted by index */
	size_t		 n, cap;
	unsigned int	 dropped;	/* rows past IF_MAX_ROWS */
};

struct if_row	*if_table_row(struct if_table *, uint32_t index);	/* or NULL */
const struct if_row *if_table_find(const struct if_table *, uint32_t index);
void		 if_table_clear(struct if_table *);
void		 if_table_free(struct if_table *);
void		 if_table_move(struct if_table *dst, struct if_table *src);
const char	*if_column_name(enum if_column);
/* Speed in bit/s: ifHighSpeed where there is one, else ifSpeed; 0 unknown. */
uint64_t	 if_row_speed(const struct if_row *);
/* The name people know the port by: ifName, else ifDescr, else "if<n>". */
const char	*if_row_label(const struct if_row *, char *buf, size_t len);
int		 if_row_has(const struct if_row *, enum if_column);

#endif
