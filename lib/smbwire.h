/*
 * What the SMB helper (ccmc_und_smb) writes to the probe that runs it: one
 * record per event, in the order of the folders it was given.
 *   'O' i32 err, u16 len, url   a folder opened (err 0), or why not (ENOENT: it is not there)
 *   'E' u8 kind, i64 size, i64 mtime, u16 len, name   one entry of the folder opened
 *   'D' i32 err                  the end of that folder's listing
 *   'X' u16 len, text            the server could not be used: the text names it and the step
 *   'Z'                          the end of one request, when the helper serves them (-S)
 * Serving (-S), the helper also takes "get HEXNAME FOLDERURL" and
 * "del SIZE MTIME CTIME ID HEXNAME FOLDERURL" (times in ns; the name in lower-case hex, so
 * that any byte of it passes):
 *   'A' i32 err, i64 size, i64 mtime, i64 ctime, i64 id   a file's attributes, as the server
 *                                gives them; id is its file ID over SMB2 and later (Samba's
 *                                inode, Windows' file index), and over SMB1 a hash of its path
 *   'B' u32 len, bytes           a piece of the file, for get
 *   'U' i32 err, i32 intact      del's removal, after a check that matched: 0, or the
 *                                server's refusal, and then whether the file was seen
 *                                again, unchanged (1), or not (0)
 * get answers 'A' before the read, the 'B' pieces, and 'A' after it: the file is unchanged
 * when both agree to the 100 ns the server keeps. del removes the file only when its
 * attributes still equal the four numbers. It answers 'A' for the check: err 0 when they
 * matched, ESTALE when they did not, or why they could not be read (ENOENT: it is gone; a
 * Windows file still being deleted, or an ACL, gives others); only after a check that
 * matched does it try the removal, and then answers 'U' as well. The two stay apart because
 * only a refused removal proves the original is still there, and only when the file is seen
 * again as it was: a removal that failed on a file someone else was deleting (pending, held
 * open) answers with an error too.
 * Integers in the host's byte order: both ends run on one machine.
 */
#ifndef CCMC_SMBWIRE_H
#define CCMC_SMBWIRE_H

#define SMBWIRE_OPEN 'O'
#define SMBWIRE_ENTRY 'E'
#define SMBWIRE_DONE 'D'
#define SMBWIRE_FATAL 'X'
#define SMBWIRE_END 'Z'
#define SMBWIRE_ATTR 'A'
#define SMBWIRE_BYTES 'B'
#define SMBWIRE_UNLINK 'U'

#endif
