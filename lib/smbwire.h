/*
 * What the SMB helper (ccmc_und_smb) writes to the probe that runs it: one
 * record per event, in the order of the folders it was given.
 *   'O' i32 err, u16 len, url   a folder opened (err 0), or why not (ENOENT: it is not there)
 *   'E' u8 kind, i64 size, i64 mtime, u16 len, name   one entry of the folder opened
 *   'D' i32 err                  the end of that folder's listing
 *   'X' u16 len, text            the server could not be used: the text names it and the step
 *   'Z'                          the end of one scan, when the helper serves scans (-S)
 * Integers in the host's byte order: both ends run on one machine.
 */
#ifndef CCMC_SMBWIRE_H
#define CCMC_SMBWIRE_H

#define SMBWIRE_OPEN 'O'
#define SMBWIRE_ENTRY 'E'
#define SMBWIRE_DONE 'D'
#define SMBWIRE_FATAL 'X'
#define SMBWIRE_END 'Z'

#endif
