/*
 * CCMC-UND-MIB's shape by name (mibs/CCMC-UND-MIB.txt), as mib2c would
 * write it: the arcs under the module's OID, the scalars and the folder
 * table's columns. oidtable.c and requests.c name OIDs only through these.
 */
#ifndef CCMC_MIB_H
#define CCMC_MIB_H

/* Under ccmcUndMIB. */
enum mib_arc {
	MIB_NOTIFICATIONS = 0, /* ccmcUndNotifications */
	MIB_OBJECTS = 1,       /* ccmcUndObjects */
};

/* Under ccmcUndObjects. */
enum mib_objects {
	MIB_SCALARS = 1,        /* ccmcUndScalars */
	MIB_FOLDER_TABLE = 2,   /* ccmcUndFolderTable; its entry is .1 */
	MIB_NOTIFY_OBJECTS = 3, /* ccmcUndNotifyObjects */
};
#define MIB_FOLDER_ENTRY 1

/* ccmcUndScalars.N */
enum mib_scalar {
	MIB_STATE = 1,
	MIB_TOTAL_COUNT = 2,
	MIB_OLDEST_AGE = 3,
	MIB_LAST_SCAN_TIME = 4,
	MIB_SCAN_DURATION = 5,
	MIB_SCAN_ERRORS = 6,
	MIB_WARNING = 7, /* then the seven other ranges, in the order of agent_values.thresholds */
	MIB_LAST_GOOD_SCAN_AGE = 15,
	MIB_COUNTS_STALE = 16,
};

/* ccmcUndFolderEntry.N */
enum mib_column {
	MIB_COL_INDEX = 1, /* not-accessible */
	MIB_COL_NAME = 2,
	MIB_COL_PATH = 3,
	MIB_COL_COUNT = 4,
	MIB_COL_OLDEST_AGE = 5,
	MIB_COL_NEWEST_AGE = 6,
	MIB_COL_BYTES = 7,
	MIB_COL_BACKLOG_COUNT = 8,
	MIB_COL_BACKLOG_OLDEST_AGE = 9,
	MIB_COL_STATE = 10,
	MIB_COL_ERROR_FLAG = 11,
	MIB_COL_ERROR_MESSAGE = 12,
	MIB_COL_STALE = 13,
	MIB_COL_LAST_READ_AGE = 14,
	MIB_COL_LAST = MIB_COL_LAST_READ_AGE,
};

/* ccmcUndNotifyObjects.N and ccmcUndNotifications.N */
#define MIB_PREVIOUS_STATE 1
#define MIB_STATE_CHANGE 1

#endif
